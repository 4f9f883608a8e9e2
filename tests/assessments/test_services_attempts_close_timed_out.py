"""An attempt whose time ran out with no page open is submitted by the sweep."""

from datetime import timedelta

import pytest

from assessments import services
from assessments.models import Invitation, Response
from assessments.tasks import attempts_close_timed_out_task
from config.celery import app
from hiring.models import OutboxEvent
from tests.factories import ApplicationFactory

GRACE = timedelta(seconds=Invitation.DEADLINE_GRACE_SECONDS)


def started(application, instrument_version):
    """An attempt started by its candidate, who answered the first item and left."""
    invitation = services.invitation_create(
        application=application,
        user=None,
        instrument_version=instrument_version,
        send=False,
    )
    services.taking_start(invitation=invitation, language="en", consent=True)
    first = services.taking_pages(invitation)[0][0]
    services.answers_save(invitation=invitation, page=0, answers={first: "4"})
    invitation.refresh_from_db()
    return invitation


@pytest.fixture
def left_mid_way(application, instrument_version):
    return started(application, instrument_version)


def test_it_submits_what_was_saved_once_the_deadline_and_grace_passed(
    left_mid_way, scoring_calls, django_capture_on_commit_callbacks
):
    at_the_deadline = left_mid_way.deadline_at + GRACE
    assert services.attempts_close_timed_out(now=at_the_deadline) == 0

    after = at_the_deadline + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attempts_close_timed_out(now=after) == 1

    left_mid_way.refresh_from_db()
    assert left_mid_way.status == Invitation.Status.SUBMITTED
    assert left_mid_way.timed_out is True
    assert left_mid_way.submitted_at == after
    assert Response.objects.filter(invitation=left_mid_way).count() == 1
    assert scoring_calls == [left_mid_way.pk]
    assert OutboxEvent.objects.filter(type="assessment.submitted").count() == 1


def test_it_closes_each_attempt_once(
    left_mid_way, scoring_calls, django_capture_on_commit_callbacks
):
    later = left_mid_way.deadline_at + GRACE + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attempts_close_timed_out(now=later) == 1
        assert services.attempts_close_timed_out(now=later) == 0

    assert scoring_calls == [left_mid_way.pk]
    assert OutboxEvent.objects.filter(type="assessment.submitted").count() == 1


def test_it_leaves_an_attempt_without_a_time_limit_open(
    left_mid_way, instrument_version, scoring_calls
):
    other = ApplicationFactory(job=left_mid_way.application.job)
    untimed = started(other, instrument_version)
    Invitation.objects.filter(pk=untimed.pk).update(deadline_at=None)
    month_later = left_mid_way.deadline_at + timedelta(days=30)

    assert services.attempts_close_timed_out(now=month_later) == 1

    untimed.refresh_from_db()
    assert untimed.status == Invitation.Status.IN_PROGRESS
    left_mid_way.refresh_from_db()
    assert left_mid_way.status == Invitation.Status.SUBMITTED


def test_it_leaves_an_attempt_with_time_left(left_mid_way, scoring_calls):
    before = left_mid_way.deadline_at - timedelta(seconds=1)

    assert services.attempts_close_timed_out(now=before) == 0

    left_mid_way.refresh_from_db()
    assert left_mid_way.status == Invitation.Status.IN_PROGRESS
    assert scoring_calls == []


def test_it_runs_with_the_submission_sweep_on_beat(settings):
    app.finalize()

    schedule = app.conf.beat_schedule["close-timed-out-attempts"]

    assert schedule["task"] == attempts_close_timed_out_task.name
    assert schedule["schedule"] == float(settings.CRIBA_SWEEP_EVERY_SECONDS)
