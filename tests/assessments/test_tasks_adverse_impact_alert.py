"""The monthly email: only below four fifths, once a month, and nothing personal."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission

from assessments.adverse_impact_alerts import adverse_impact_alert_send
from assessments.tasks import adverse_impact_alert_task
from config.celery import app
from hiring.models import AdverseImpactAlert
from tests.factories import JobFactory, UserFactory
from tests.factories.fairness import decided_applications

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
def readers(admin_user, alice):
    analyst = UserFactory(username="erin", email="erin@example.com")
    analyst.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="hiring", codename="view_selfid_aggregates"
        )
    )
    UserFactory(username="stan", is_staff=True, email="stan@example.com")
    return {admin_user.email, analyst.email}


@pytest.fixture
def below(db):
    job = JobFactory(title="Account Executive")
    decided_applications(
        job=job,
        counts={"man": (48, 80), "woman": (21, 50), "non_binary": (0, 4), None: (2, 5)},
    )
    return job


def test_it_emails_the_readers_once_when_a_ratio_is_below_four_fifths(
    below, readers, mailoutbox
):
    first = adverse_impact_alert_send(now=NOW)
    second = adverse_impact_alert_send(now=NOW + timedelta(days=1))

    assert (first.sent, second.sent) == (True, False)
    assert len(mailoutbox) == 1
    (email,) = mailoutbox
    assert set(email.to) == readers
    assert "below four fifths" in email.subject
    assert "Account Executive" in email.body
    assert "Woman at 0.70 of the rate of Man (N = 50)" in email.body
    assert f"job={below.pk}" in email.body
    alert = AdverseImpactAlert.objects.get()
    assert (alert.month.isoformat(), alert.flagged, alert.recipients) == (
        "2026-11-01",
        1,
        2,
    )


def test_it_holds_no_individual_and_no_hidden_group(below, readers, mailoutbox):
    adverse_impact_alert_send(now=NOW)

    body = mailoutbox[0].body
    assert "Fair" not in body
    assert "Sample" not in body
    assert "@example.org" not in body
    assert "Non-binary" not in body
    assert "(N = 4)" not in body


def test_it_sends_again_the_next_month(below, readers, mailoutbox):
    adverse_impact_alert_send(now=NOW)
    adverse_impact_alert_send(now=NOW + timedelta(days=15))

    assert len(mailoutbox) == 2
    assert AdverseImpactAlert.objects.count() == 2


def test_it_sends_nothing_at_four_fifths_or_above(db, readers, mailoutbox):
    job = JobFactory()
    # 0.50 against 0.60: a ratio of 0.83.
    decided_applications(job=job, counts={"man": (30, 50), "woman": (25, 50)})

    run = adverse_impact_alert_send(now=NOW)

    assert (run.flagged, run.sent) == (0, False)
    assert mailoutbox == []
    # The month is not used up: a ratio that falls later this month is reported.
    assert AdverseImpactAlert.objects.count() == 0


def test_it_ignores_a_low_ratio_of_a_hidden_group(db, readers, mailoutbox):
    job = JobFactory()
    decided_applications(
        job=job,
        counts={"man": (30, 50), "woman": (25, 50), "non_binary": (0, 4), None: (0, 6)},
    )

    assert adverse_impact_alert_send(now=NOW).flagged == 0
    assert mailoutbox == []


def test_it_tries_again_after_a_failed_send(below, readers, mailoutbox, monkeypatch):
    from assessments import adverse_impact_alerts

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(adverse_impact_alerts, "send_mail", broken)
    with pytest.raises(OSError, match="smtp down"):
        adverse_impact_alert_send(now=NOW)
    monkeypatch.undo()

    assert adverse_impact_alert_send(now=NOW + timedelta(hours=1)).sent is True
    assert len(mailoutbox) == 1


def test_it_takes_over_a_claim_left_by_a_dead_worker(below, readers, mailoutbox):
    AdverseImpactAlert.objects.create(
        month=NOW.date().replace(day=1), claimed_at=NOW - timedelta(hours=2)
    )

    assert adverse_impact_alert_send(now=NOW).sent is True
    assert len(mailoutbox) == 1


def test_it_is_a_thin_daily_task_that_sends_once(below, readers, mailoutbox):
    schedule = app.conf.beat_schedule["adverse-impact-alert"]

    assert schedule["task"] == "assessments.tasks.adverse_impact_alert_task"
    assert schedule["schedule"] == 86400.0
    assert adverse_impact_alert_task.apply().get() is True
    assert adverse_impact_alert_task.apply().get() is False
    assert len(mailoutbox) == 1
