"""A settled application takes no decision: hired, rejected or withdrawn, or of a
closed job, ``application_decide`` records nothing and says why. Pages and any
other caller meet the same rule because it lives in the service."""

import pytest

from hiring.errors import Conflict
from hiring.models import Application, AuditEvent, Job, OutboxEvent, Stage
from hiring.problems import problem_details
from hiring.services import application_decide, application_update, job_update

CLOSED = [Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN]


def _decide(application, user, decision="advance"):
    return application_decide(
        application=application, user=user, decision=decision, reason="Because."
    )


def _nothing_recorded():
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED
    ).exists()
    assert not OutboxEvent.objects.filter(
        type=OutboxEvent.Type.APPLICATION_DECIDED
    ).exists()


@pytest.mark.parametrize("stage", CLOSED)
@pytest.mark.parametrize("decision", Application.Decision.values)
def test_it_refuses_every_decision_on_a_closed_application(
    application, bob, stage, decision
):
    application.stage = stage
    application.save()

    with pytest.raises(Conflict) as refused:
        _decide(application, bob, decision)

    assert refused.value.code == "application_closed"
    label = str(Stage(stage).label)
    assert f"This application is closed ({label})" in refused.value.message
    application.refresh_from_db()
    assert (application.stage, application.decision) == (stage, "")
    _nothing_recorded()


def test_it_refuses_a_second_decision_after_a_hire(application, bob):
    _decide(application, bob, "hire")

    with pytest.raises(Conflict, match="closed"):
        _decide(application, bob, "reject")

    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.HIRED, "hire")
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED).count()
        == 1
    )


@pytest.mark.parametrize("decision", Application.Decision.values)
def test_it_refuses_every_decision_when_the_job_is_closed(
    application, bob, job, decision
):
    application.stage = Stage.INTERVIEWING
    application.save()
    job_update(job=job, status=Job.Status.CLOSED)

    with pytest.raises(Conflict) as refused:
        _decide(application, bob, decision)

    assert refused.value.code == "job_closed"
    assert "The job is closed" in refused.value.message
    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.INTERVIEWING, "")
    _nothing_recorded()


def test_it_says_why_in_the_problem_an_integration_reads(application, bob, job):
    job_update(job=job, status=Job.Status.CLOSED)

    with pytest.raises(Conflict) as refused:
        _decide(application, bob)

    problem = problem_details(refused.value)
    assert problem["status"] == 409
    assert problem["code"] == "job_closed"
    assert "no decision can be recorded" in problem["detail"]


def test_it_decides_again_once_the_application_is_moved_back_to_an_open_stage(
    application, bob
):
    _decide(application, bob, "reject")
    application_update(application=application, stage=Stage.INTERVIEWING)

    _decide(application, bob, "advance")

    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.OFFER, "advance")


def test_it_decides_again_once_the_job_is_reopened(application, bob, job):
    job_update(job=job, status=Job.Status.CLOSED)
    job_update(job=job, status=Job.Status.OPEN)

    _decide(application, bob, "hold")

    application.refresh_from_db()
    assert application.decision == "hold"


def test_it_still_decides_on_a_draft_jobs_application(application, bob, job):
    # A draft is not yet open to invitations, but screening its applicants is
    # allowed: only a closed job is settled.
    job_update(job=job, status=Job.Status.DRAFT)

    _decide(application, bob, "reject")

    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.REJECTED, "reject")
