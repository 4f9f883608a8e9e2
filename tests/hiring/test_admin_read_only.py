"""The admin's candidate, application, assessment plan, instrument and rubric
screens only show: each changes through a service that keeps its rules and its
audit row (a decision through `application_decide`, a plan through
`assessment_plan_save`, a rubric's slug through the loader). A job's own fields
are saved through `job_create` and `job_update`, audited. Driven through the
admin's own views as an administrator, the most powerful user."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from assessments.models import AssessmentPlan, Instrument, Rubric
from hiring.models import Application, AuditEvent, Candidate, Job
from tests.factories import PanelInterviewFactory
from tests.hiring.support import logged_in
from tests.hiring.test_admin_team_audit import form_data

READ_ONLY = [Candidate, Application, AssessmentPlan, Instrument, Rubric]


def _url(model, view="changelist", pk=None):
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return base + {
        "changelist": "",
        "add": "add/",
        "change": f"{pk}/change/",
        "delete": f"{pk}/delete/",
    }[view].format(pk)


@pytest.fixture
def admin_client(client, admin_user):
    return logged_in(client, admin_user)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label)
def test_it_grants_no_administrator_add_change_or_delete(model, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site.get_model_admin(model)

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_it_refuses_to_decide_or_move_an_application(admin_client, application, job):
    other = Job.objects.create(title="Another job", status=Job.Status.OPEN)
    page = admin_client.get(_url(Application, "change", application.pk))

    response = admin_client.post(
        _url(Application, "change", application.pk),
        {
            "candidate": application.candidate_id,
            "job": other.pk,
            "stage": "hired",
            "decision": "hire",
            "decision_reason": "Edited in the admin",
        },
    )
    deleted = admin_client.post(
        _url(Application, "delete", application.pk), {"post": "yes"}
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == deleted.status_code == 403
    unchanged = Application.objects.get(pk=application.pk)
    assert (unchanged.job_id, unchanged.stage, unchanged.decision) == (
        job.pk,
        application.stage,
        application.decision,
    )
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED
    ).exists()


def test_it_refuses_to_add_or_change_a_candidate(admin_client, application):
    candidate = application.candidate
    added = admin_client.post(
        _url(Candidate, "add"),
        {"first_name": "Eve", "last_name": "Added", "email": "eve@example.org"},
    )
    changed = admin_client.post(
        _url(Candidate, "change", candidate.pk),
        {
            "first_name": "Edited",
            "last_name": candidate.last_name,
            "email": "edited@example.org",
            "preferred_language": candidate.preferred_language,
            "retention_until": "2099-01-01",
        },
    )
    deleted = admin_client.post(
        _url(Candidate, "delete", candidate.pk), {"post": "yes"}
    )

    assert added.status_code == changed.status_code == deleted.status_code == 403
    unchanged = Candidate.objects.get()
    assert unchanged.first_name == candidate.first_name
    assert unchanged.email == candidate.email
    assert unchanged.retention_until == candidate.retention_until


def test_it_refuses_to_change_an_assessment_plan(admin_client, job, instrument_version):
    plan = AssessmentPlan.objects.create(
        job=job, instrument=instrument_version.instrument, invitation_days=7
    )

    response = admin_client.post(
        _url(AssessmentPlan, "change", plan.pk),
        {
            "job": job.pk,
            "instrument": instrument_version.instrument_id,
            "invitation_days": 90,
            "scale_weights": "{}",
            "bands": "[]",
        },
    )

    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.invitation_days == 7


def test_it_refuses_to_rename_a_rubric_or_an_instrument(
    admin_client, application, instrument_version
):
    rubric = PanelInterviewFactory(application=application).rubric_version.rubric
    instrument = instrument_version.instrument
    page = admin_client.get(_url(Rubric, "change", rubric.pk))

    renamed = admin_client.post(
        _url(Rubric, "change", rubric.pk), {"slug": "renamed", "name": "Renamed"}
    )
    instrument_renamed = admin_client.post(
        _url(Instrument, "change", instrument.pk),
        {"slug": "renamed", "name": "Renamed"},
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert renamed.status_code == instrument_renamed.status_code == 403
    assert Rubric.objects.get(pk=rubric.pk).slug == rubric.slug
    assert Instrument.objects.get(pk=instrument.pk).slug == instrument.slug


def test_it_saves_a_job_changed_in_the_admin_through_the_service(
    admin_client, admin_user, job
):
    data = form_data(admin_client.get(_url(Job, "change", job.pk)))
    data["title"] = "Account executive (renamed)"

    response = admin_client.post(_url(Job, "change", job.pk), data)

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.title == "Account executive (renamed)"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.JOB_UPDATED)
    assert audit.actor == admin_user
    assert audit.data == {"fields": ["title"]}


def test_it_creates_a_job_in_the_admin_through_the_service(admin_client, admin_user):
    response = admin_client.post(
        _url(Job, "add"),
        {
            "title": "Sales lead",
            "department": "Sales",
            "location": "Madrid",
            "status": "draft",
            "external_id": "",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(title="Sales lead")
    audit = AuditEvent.objects.get(action=AuditEvent.Action.JOB_CREATED)
    assert (audit.actor, audit.object_id) == (admin_user, str(job.pk))
