"""Scheduling with a panel, calendar invitations, moves, cancellations, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from assessments import interview_services as services
from assessments.interview_selectors import interview_access
from assessments.models import AssessmentPlan, Panelist
from hiring.errors import Invalid
from hiring.models import Stage
from tests.assessments.interview_support import submit
from tests.factories import PanelInterviewFactory, RubricVersionFactory


@pytest.fixture
def rubric_version(db):
    return RubricVersionFactory()


@pytest.fixture
def plan(job, instrument_version, rubric_version):
    return AssessmentPlan.objects.create(
        job=job, instrument=instrument_version.instrument, rubric=rubric_version.rubric
    )


def _tomorrow_on_the_minute():
    return timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)


def _schedule(application, alice, panel, **kwargs):
    return services.interview_schedule(
        user=alice,
        application=application,
        scheduled_at=kwargs.pop("scheduled_at", _tomorrow_on_the_minute()),
        duration_minutes=kwargs.pop("duration_minutes", 45),
        interviewers=panel,
        **kwargs,
    )


def test_an_interview_recorded_after_the_fact_invites_nobody(
    application, alice, dana, bob, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = _schedule(
            application,
            alice,
            [dana, bob],
            scheduled_at=_tomorrow_on_the_minute() - timedelta(days=300),
            notify=False,
        )

    assert mail.outbox == []
    assert interview.panelists.count() == 2
    assert not Panelist.objects.filter(invited_at__isnull=False).exists()


def _ics(message):
    (name, content, mimetype) = message.attachments[0]
    assert name == "interview.ics"
    return mimetype, Calendar.from_ical(content)


def test_it_invites_each_panelist_with_a_calendar_entry(
    application, alice, dana, bob, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = _schedule(application, alice, [dana, bob])

    assert interview.rubric_version.rubric == plan.rubric
    assert sorted(m.to[0] for m in mail.outbox) == [bob.email, dana.email]
    mimetype, calendar = _ics(mail.outbox[0])
    (event,) = calendar.walk("VEVENT")
    assert "method=REQUEST" in mimetype
    assert calendar["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == interview.scheduled_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert f"/interviews/{interview.pk}/kit/" in mail.outbox[0].body
    assert Panelist.objects.filter(invited_at__isnull=False).count() == 2
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEWING


def test_it_seats_each_interviewer_once_and_only_from_the_team(
    application, alice, dana, charlie, plan
):
    with pytest.raises(Invalid) as twice:
        _schedule(application, alice, [dana, dana])
    with pytest.raises(Invalid) as outsider:
        _schedule(application, alice, [dana, charlie])
    with pytest.raises(Invalid) as nobody:
        _schedule(application, alice, [])

    assert "once" in twice.value.fields["interviewers"][0]
    assert "hiring team" in outsider.value.fields["interviewers"][0]
    assert "interviewers" in nobody.value.fields
    assert not Panelist.objects.exists()


def test_it_needs_a_rubric_from_the_plan_or_the_form(application, alice, dana):
    with pytest.raises(Invalid) as caught:
        _schedule(application, alice, [dana])

    assert "rubric_version" in caught.value.fields


def test_it_refuses_a_length_out_of_range(application, alice, dana, plan):
    with pytest.raises(Invalid) as caught:
        _schedule(application, alice, [dana], duration_minutes=5)

    assert "duration_minutes" in caught.value.fields


def test_it_tells_the_panel_when_an_interview_moves(
    application, alice, dana, plan, django_capture_on_commit_callbacks
):
    interview = _schedule(application, alice, [dana])
    later = interview.scheduled_at + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        services.interview_reschedule(
            access=interview_access(user=alice, interview_id=interview.pk),
            scheduled_at=later,
            duration_minutes=60,
        )

    (message,) = mail.outbox
    _mimetype, calendar = _ics(message)
    (event,) = calendar.walk("VEVENT")
    assert message.subject.startswith("Moved")
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == later


def test_it_tells_the_panel_when_an_interview_is_cancelled(
    application, alice, dana, plan, django_capture_on_commit_callbacks
):
    interview = _schedule(application, alice, [dana])

    with django_capture_on_commit_callbacks(execute=True):
        services.interview_cancel(
            access=interview_access(user=alice, interview_id=interview.pk),
            reason="The candidate withdrew.",
        )

    (message,) = mail.outbox
    mimetype, calendar = _ics(message)
    (event,) = calendar.walk("VEVENT")
    assert "method=CANCEL" in mimetype
    assert event["STATUS"] == "CANCELLED"
    assert "The candidate withdrew." in message.body


def test_it_reminds_panelists_of_missing_scorecards_once_a_day(
    application, dana, bob, django_capture_on_commit_callbacks
):
    interview = PanelInterviewFactory(application=application, panel=[dana, bob])
    submit(bob, interview, [3] * 6)
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.scorecard_reminders_send(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.scorecard_reminders_send(now=now + timedelta(hours=1))

    assert (first, again) == (1, 0)
    (message,) = mail.outbox
    assert message.to == [dana.email]
    assert "scorecard" in message.subject
    assert f"/interviews/{interview.pk}/scorecard/" in message.body
    assert not message.attachments


def test_it_does_not_remind_before_the_interview_has_ended(application, dana):
    PanelInterviewFactory(
        application=application,
        panel=[dana],
        scheduled_at=timezone.now() - timedelta(minutes=30),
    )

    assert services.scorecard_reminders_send() == 0
