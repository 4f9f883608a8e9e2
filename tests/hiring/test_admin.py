"""The admin: every model registered and browsable; the audit log and published
instrument versions are read-only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from assessments.interview_services import interview_aggregate
from assessments.models import (
    AssessmentPlan,
    DevelopmentCheckIn,
    DevelopmentGoal,
    DevelopmentPlan,
    InstrumentVersion,
    Invitation,
    PageTiming,
    PracticeAttempt,
    PracticeCase,
    Response,
    ScaleReliability,
)
from assessments.services import invitation_create, taking_start
from hiring.models import (
    AdverseImpactAlert,
    AtsCallback,
    AtsErrorReport,
    AuditEvent,
    IdempotencyRecord,
    OutboxEvent,
    TaskRetry,
    WebhookAttempt,
    WebhookDelivery,
    WorkerHeartbeat,
)
from hiring.services import api_key_create, audit_record
from hiring.webhooks.services import endpoint_create
from tests.assessments.interview_support import submit
from tests.factories import (
    InstrumentVersionFactory,
    InterviewFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    QuotaAttainmentFactory,
)
from tests.hiring.support import logged_in

# Voluntary self-identification is never shown row by row, not even to
# administrators: only the adverse impact report reads it, in aggregate.
NEVER_IN_ADMIN = {"hiring.SelfIdentification"}

MODELS = [
    model
    for label in ("hiring", "assessments")
    for model in apps.get_app_config(label).get_models()
    if model._meta.label not in NEVER_IN_ADMIN
]


def _url(model, view="changelist", *args):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/" + {
        "changelist": "",
        "add": "add/",
        "change": "{}/change/",
        "delete": "{}/delete/",
    }[view].format(*args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_it_registers_every_model_of_both_apps(model):
    assert admin.site.is_registered(model)


def test_it_keeps_self_identification_out_of_the_admin():
    for label in NEVER_IN_ADMIN:
        assert not admin.site.is_registered(apps.get_model(label))


@pytest.fixture
def one_of_each(job, alice, dana, settings):
    """A row of every model, so list columns and change forms really render."""
    result = QuestionnaireResultFactory(invitation__application__job=job)
    invitation = result.invitation
    version = invitation.instrument_version
    InterviewFactory(application=invitation.application, interviewers=[dana])
    interview = PanelInterviewFactory(application=invitation.application, panel=[dana])
    submit(dana, interview, [3, 3, 3, 3, 3, 3])
    interview_aggregate(interview_id=interview.pk)
    case = PracticeCase.objects.create(
        rubric_version=interview.rubric_version,
        title="A practice case",
        answers={"coachability": "I asked my manager to listen to my calls."},
        agreed_ratings={"coachability": 4},
        created_by=alice,
    )
    PracticeAttempt.objects.create(
        case=case, interviewer=dana, ratings={"coachability": 3}
    )
    AssessmentPlan.objects.create(job=job, instrument=version.instrument)
    ScaleReliability.objects.create(version=version, scale_key="drive", n=40)
    Response.objects.create(invitation=invitation, item_key="dr01", value=4, page=0)
    PageTiming.objects.create(
        invitation=invitation, page=0, item_count=8, first_shown_at=timezone.now()
    )
    audit_record(actor=alice, action=AuditEvent.Action.REPORT_VIEWED, obj=result)
    OutboxEvent.objects.create(type="assessment.scored", payload={"type": "x"})
    WorkerHeartbeat.objects.create(worker="celery@test", seen_at=timezone.now())
    AdverseImpactAlert.objects.create(month=timezone.localdate().replace(day=1))
    api_key, _raw_key = api_key_create(name="ATS", scopes=["jobs:read"])
    IdempotencyRecord.objects.create(api_key=api_key, key="k", fingerprint="f")
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    # Registered by the key, so the admin shows a key beside the endpoint.
    endpoint, _secret = endpoint_create(
        actor=alice, name="ATS", url="https://127.0.0.1/hook", api_key=api_key
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_admin",
        event_type="webhook.ping",
        payload={"type": "webhook.ping"},
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=500)
    AtsCallback.objects.create(
        provider="greenhouse",
        reference="gh-1",
        invitation_id=invitation.pk,
        url="https://127.0.0.1/patch",
    )
    AtsErrorReport.objects.create(
        provider="greenhouse", reference="gh-1", body={"error": "bad score"}
    )
    DevelopmentPlan.objects.create(
        application=invitation.application, token_hash="0" * 64, token_salt="s"
    )
    DevelopmentGoal.objects.create(
        plan=DevelopmentPlan.objects.get(),
        position=1,
        source="scale",
        key="coachability",
        title="Turn feedback into one change a week",
        text="Choose one recorded call each week.",
    )
    DevelopmentCheckIn.objects.create(
        plan=DevelopmentPlan.objects.get(), day=30, due_on=timezone.localdate()
    )
    TaskRetry.objects.create(
        task="assessments.tasks.questionnaire_score_task",
        args=[invitation.pk],
        retries=3,
        due_at=timezone.now(),
        error="OperationalError('connection lost')",
    )
    QuotaAttainmentFactory(outcome__application__job=job)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_it_shows_every_list_and_row_to_an_administrator(
    client, admin_user, one_of_each, model
):
    logged_in(client, admin_user)
    row = model.objects.first()

    assert row is not None
    assert client.get(_url(model)).status_code == 200
    assert client.get(_url(model) + "?q=x").status_code == 200
    assert client.get(_url(model, "change", row.pk)).status_code == 200


@pytest.fixture
def event(application, alice):
    return audit_record(
        actor=alice, action=AuditEvent.Action.REPORT_VIEWED, obj=application
    )


def test_it_keeps_the_audit_log_read_only(client, admin_user, event):
    logged_in(client, admin_user)

    assert client.get(_url(AuditEvent, "add")).status_code == 403
    assert (
        client.post(_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code
        == 403
    )
    change = client.get(_url(AuditEvent, "change", event.pk))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    client.post(_url(AuditEvent, "change", event.pk), {"action": "data.exported"})
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.REPORT_VIEWED


def test_it_grants_nobody_add_change_or_delete_on_the_audit_log(admin_user, event):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site.get_model_admin(AuditEvent)

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_it_keeps_published_instrument_versions_read_only(client, admin_user):
    version = InstrumentVersionFactory()
    logged_in(client, admin_user)

    assert client.get(_url(InstrumentVersion, "add")).status_code == 403
    change = client.get(_url(InstrumentVersion, "change", version.pk))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert (
        client.post(
            _url(InstrumentVersion, "delete", version.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert InstrumentVersion.objects.filter(pk=version.pk).exists()


def test_it_links_a_job_to_its_recruiter_page(client, admin_user, job):
    page = logged_in(client, admin_user).get(_url(type(job), "change", job.pk))

    assert f'href="/jobs/{job.pk}/"' in page.content.decode()


def test_it_links_each_instrument_version_to_its_statistics(client, admin_user):
    version = InstrumentVersionFactory()

    page = logged_in(client, admin_user).get(_url(InstrumentVersion)).content.decode()

    assert f'href="/instruments/{version.pk}/statistics/"' in page


def test_searching_the_audit_log_for_an_id_finds_the_reads_that_listed_it(
    client, admin_user, api_client, instrument_version
):
    from tests.api.conftest import scored_results

    _first, second = scored_results(instrument_version, 2)
    api_client("results:read").get("/api/v1/results/")  # one row naming both
    page_read = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_VIEWED)
    logged_in(client, admin_user)

    found = client.get(_url(AuditEvent) + f"?q={second.pk}")
    missed = client.get(_url(AuditEvent) + "?q=999999")

    assert found.context["cl"].result_count == 1
    assert list(found.context["cl"].result_list) == [page_read]
    assert missed.context["cl"].result_count == 0


def test_it_shows_no_value_that_derives_a_link_or_proves_a_session(
    client, admin_user, application, alice, instrument_version
):
    invitation = invitation_create(application=application, user=alice)
    taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    logged_in(client, admin_user)

    page = client.get(_url(Invitation, "change", invitation.pk)).content.decode()

    assert invitation.token_salt not in page
    assert invitation.token_hash not in page
    assert invitation.session_nonce not in page
