"""Personal data is kept until a date, announced a week before, then erased."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils.formats import date_format

from assessments.privacy.retention import candidate_retention_set, retention_sweep
from assessments.tasks import retention_sweep_task
from config.celery import app
from hiring.errors import Conflict, Invalid
from hiring.models import AuditEvent, Candidate, Stage
from hiring.services import application_decide, candidate_retention_extend
from tests.factories import ApplicationFactory, CandidateFactory, UserFactory
from tests.hiring.support import logged_in

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="ada", email="ada@example.com", is_staff=True, is_superuser=True
    )


def _candidate(until: date, *, stage=Stage.REJECTED, announced=False, **fields):
    candidate = CandidateFactory(retention_until=until, **fields)
    ApplicationFactory(candidate=candidate, stage=stage)
    if announced:
        Candidate.objects.filter(pk=candidate.pk).update(retention_notified_for=until)
    return candidate


def test_it_defaults_the_date_from_the_setting(db, settings):
    settings.CRIBA_RETENTION_DAYS = 90

    candidate = CandidateFactory()

    assert (
        candidate.retention_until == (datetime.now(tz=UTC) + timedelta(days=90)).date()
    )


def test_it_moves_the_date_forward_on_activity_never_back(db, settings):
    settings.CRIBA_RETENTION_DAYS = 30
    candidate = _candidate(TODAY)
    later = _candidate(TODAY + timedelta(days=400))

    assert candidate_retention_extend(candidate_id=candidate.pk, now=NOW)
    assert not candidate_retention_extend(candidate_id=later.pk, now=NOW)

    candidate.refresh_from_db()
    later.refresh_from_db()
    assert candidate.retention_until == TODAY + timedelta(days=30)
    assert later.retention_until == TODAY + timedelta(days=400)


def test_it_counts_a_decision_as_activity(application, alice, settings):
    settings.CRIBA_RETENTION_DAYS = 60
    today = datetime.now(tz=UTC).date()
    Candidate.objects.filter(pk=application.candidate_id).update(retention_until=today)

    application_decide(
        application=application, user=alice, decision="hold", reason="Budget freeze."
    )

    application.candidate.refresh_from_db()
    assert application.candidate.retention_until >= today + timedelta(days=59)


def test_it_announces_dates_within_a_week_once(administrator, mailoutbox):
    soon = _candidate(TODAY + timedelta(days=7), first_name="Soonia")
    _candidate(TODAY + timedelta(days=8))

    sweep = retention_sweep(now=NOW)
    again = retention_sweep(now=NOW + timedelta(hours=6))

    assert sweep.announced == [soon.pk]
    assert sweep.erased == []
    assert again.announced == []
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.com"]
    assert f"/candidates/{soon.pk}/privacy/" in message.body
    assert "2027-03-17" in message.body
    # Ids and dates only: the email carries no name or address.
    assert "Soonia" not in message.body
    assert soon.email not in message.body


def test_it_erases_what_is_past_its_announced_date(administrator, mailoutbox):
    past = _candidate(TODAY - timedelta(days=1), announced=True, first_name="Pastor")

    sweep = retention_sweep(now=NOW)

    assert sweep.erased == [past.pk]
    past.refresh_from_db()
    assert past.is_erased
    assert past.first_name == ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.actor is None
    assert event.data["trigger"] == "retention"


def test_it_never_erases_while_an_application_is_open(administrator, mailoutbox):
    held = _candidate(TODAY - timedelta(days=30), stage=Stage.OFFER, announced=True)

    sweep = retention_sweep(now=NOW)

    assert sweep.held == [held.pk]
    assert sweep.erased == []
    held.refresh_from_db()
    assert not held.is_erased
    # Nor is it announced: its erasure is not coming.
    assert mailoutbox == []


def test_it_announces_a_date_set_in_the_past_before_erasing_it(
    administrator, mailoutbox
):
    unannounced = _candidate(TODAY - timedelta(days=2))

    first = retention_sweep(now=NOW)
    second = retention_sweep(now=NOW + timedelta(days=1))

    assert first.announced == [unannounced.pk]
    assert first.erased == []
    assert second.erased == [unannounced.pk]


def test_it_announces_again_when_the_date_moves(administrator, mailoutbox):
    candidate = _candidate(TODAY + timedelta(days=3))
    retention_sweep(now=NOW)
    Candidate.objects.filter(pk=candidate.pk).update(
        retention_until=TODAY + timedelta(days=5)
    )

    sweep = retention_sweep(now=NOW + timedelta(hours=1))

    assert sweep.announced == [candidate.pk]
    assert len(mailoutbox) == 2


def test_it_runs_as_a_periodic_task(administrator, mailoutbox):
    # A date already past on the real clock, announced earlier.
    yesterday = datetime.now(tz=UTC).date() - timedelta(days=1)
    past = _candidate(yesterday, announced=True)

    assert retention_sweep_task() == 1
    assert retention_sweep_task() == 0
    past.refresh_from_db()
    assert past.is_erased


def test_it_lets_the_team_set_the_date_and_audits_it(application, alice):
    candidate = application.candidate
    until = TODAY + timedelta(days=100)

    candidate_retention_set(candidate=candidate, until=until, actor=alice, now=NOW)

    candidate.refresh_from_db()
    assert candidate.retention_until == until
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION_CHANGED)
    assert event.actor == alice
    assert event.data["to"] == "2027-06-18"


@pytest.mark.parametrize("days", [-1, 3651])
def test_it_refuses_a_date_out_of_range(application, alice, days):
    with pytest.raises(Invalid) as raised:
        candidate_retention_set(
            candidate=application.candidate,
            until=TODAY + timedelta(days=days),
            actor=alice,
            now=NOW,
        )

    assert "until" in raised.value.fields


def test_it_refuses_a_date_for_an_erased_candidate(application, alice):
    Candidate.objects.filter(pk=application.candidate_id).update(erased_at=NOW)

    with pytest.raises(Conflict):
        candidate_retention_set(
            candidate=application.candidate, until=TODAY, actor=alice, now=NOW
        )


def test_it_runs_the_sweep_daily_with_beat():
    app.finalize()

    schedule = app.conf.beat_schedule["retention-sweep"]

    assert schedule["task"] == "assessments.tasks.retention_sweep_task"
    assert schedule["schedule"] == 86400.0


def test_it_shows_the_retention_date_in_the_admin_and_explains_it(
    client, admin_user, application
):
    candidate = application.candidate

    page = logged_in(client, admin_user).get(
        f"/admin/hiring/candidate/{candidate.pk}/change/"
    )

    html = page.content.decode()
    assert date_format(candidate.retention_until) in html
    assert "unless an application is still open" in html
