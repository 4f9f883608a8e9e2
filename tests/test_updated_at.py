"""Every write path keeps `updated_at` true, `.update()` calls included, so an
integration polling with `updated_since` misses nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.definitions import all_item_keys
from assessments.models import Interview, Invitation, NormSet, QuestionnaireResult
from assessments.results.rescore import results_rescore_batch
from assessments.results.store import results_compute_and_store
from hiring.models import Application, Candidate, Job
from hiring.services import (
    application_decide,
    candidate_update,
    job_update,
)

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _age(obj) -> None:
    type(obj).objects.filter(pk=obj.pk).update(updated_at=LONG_AGO)


def _moved(obj) -> bool:
    obj.refresh_from_db()
    return obj.updated_at > LONG_AGO + timedelta(days=1)


@pytest.fixture
def invitation(application, alice, instrument_version):
    return services.invitation_create(application=application, user=alice)


def _start(invitation, now=None):
    services.taking_start(invitation=invitation, language="en", consent=True, now=now)
    invitation.refresh_from_db()
    return invitation


def _answer_all(invitation):
    answers = dict.fromkeys(all_item_keys(invitation.instrument_version.definition), 4)
    for page, keys in enumerate(services.taking_pages(invitation)):
        services.answers_save(
            invitation=invitation,
            page=page,
            answers={key: answers[key] for key in keys},
        )


def test_it_moves_on_job_and_candidate_updates(job, application):
    _age(job)
    job_update(job=job, location="Quito")
    assert _moved(job)
    candidate = application.candidate
    _age(candidate)
    candidate_update(candidate=candidate, phone="+593 2 000 0000")
    assert _moved(candidate)


def test_it_moves_the_application_when_invited_and_when_decided(
    application, alice, instrument_version
):
    _age(application)
    services.invitation_create(application=application, user=alice)
    assert _moved(application)
    _age(application)
    application_decide(application=application, user=alice, decision="hold", reason="r")
    assert _moved(application)


@pytest.mark.parametrize(
    "step",
    [
        "send",
        "open",
        "start",
        "submit",
        "revoke",
        "extend",
        "resend",
        "expire",
    ],
)
def test_it_moves_the_invitation_on_every_step(step, invitation, alice):
    if step in {"submit"}:
        _start(invitation)
    _age(invitation)
    if step == "send":
        services.invitation_email_send(invitation_id=invitation.pk)
    elif step == "open":
        services.invitation_open(invitation=invitation)
    elif step == "start":
        _start(invitation)
    elif step == "submit":
        services.submission_submit(invitation=invitation)
    elif step == "revoke":
        services.invitation_revoke(invitation=invitation, user=alice)
    elif step == "extend":
        services.invitation_extend(invitation=invitation, user=alice, days=2)
    elif step == "resend":
        services.invitation_resend(invitation=invitation, user=alice)
    elif step == "expire":
        services.invitations_expire(now=timezone.now() + timedelta(days=400))
    assert _moved(invitation)


def test_it_moves_the_invitation_and_the_result_when_scored_and_rescored(
    invitation,
):
    _start(invitation)
    _answer_all(invitation)
    services.submission_submit(invitation=invitation)
    _age(invitation)

    results_compute_and_store(invitation_ids=[invitation.pk])

    assert _moved(invitation)
    result = QuestionnaireResult.objects.get(invitation=invitation)
    assert result.updated_at > LONG_AGO + timedelta(days=1)
    _age(result)
    # Newer norms make a rescore replace the current result.
    norms = result.norm_set
    NormSet.objects.create(
        version=norms.version,
        source=NormSet.Source.LOCAL,
        language=norms.language,
        scales=norms.scales,
        n=500,
        computed_at=timezone.now() + timedelta(seconds=1),
    )

    results_rescore_batch(version=invitation.instrument_version)

    assert _moved(result)
    assert not result.is_current


def test_it_moves_an_interview_on_save(application):
    interview = Interview.objects.create(
        application=application, title="Panel", scheduled_at=timezone.now()
    )
    _age(interview)
    interview.title = "Panel interview"
    interview.save()
    assert _moved(interview)


def test_every_polled_model_has_an_indexed_updated_at():
    for model in (Invitation, QuestionnaireResult, Application, Candidate, Job):
        field = model._meta.get_field("updated_at")
        assert field.auto_now
        assert any(
            index.fields[:1] == ["updated_at"] for index in model._meta.indexes
        ), model
