"""Someone taken off a job's hiring team no longer holds a seat on its open
interviews where they submitted nothing: the panel does not wait for a scorecard
that can never come, and completes once the others are in. What they submitted
stays, and so does their seat on an interview they rated."""

import pytest

from assessments.models import Interview, InterviewResult, Panelist, Scorecard
from hiring.models import JobMember, OutboxEvent
from hiring.services import job_team_member_remove
from tests.assessments.interview_support import submit
from tests.factories import PanelInterviewFactory, UserFactory


@pytest.fixture
def erin(job):
    user = UserFactory(username="erin", first_name="Erin")
    JobMember.objects.create(job=job, user=user, role="interviewer")
    return user


def _take_off_the_team(user, job, alice, capture):
    member = JobMember.objects.get(job=job, user=user)
    with capture(execute=True):
        job_team_member_remove(job=job, member_id=member.pk, actor=alice)


def test_the_panel_completes_without_the_one_taken_off(
    application, job, dana, erin, alice, django_capture_on_commit_callbacks
):
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(erin, interview, [4, 4, 5, 4, 4, 4])
    Scorecard.objects.create(
        interview=interview, interviewer=dana, draft_summary="Half written."
    )
    before = Interview.objects.get(pk=interview.pk).updated_at
    interview.refresh_from_db()
    assert interview.status != Interview.Status.COMPLETE  # waiting for Dana

    _take_off_the_team(dana, job, alice, django_capture_on_commit_callbacks)

    interview.refresh_from_db()
    assert list(
        interview.panelists.values_list("interviewer__username", flat=True)
    ) == ["erin"]
    assert not Scorecard.objects.filter(interview=interview, interviewer=dana).exists()
    assert interview.status == Interview.Status.COMPLETE
    assert interview.updated_at > before
    result = InterviewResult.objects.get(interview=interview)
    assert result.aggregate["panel_size"] == 1
    assert result.state == "complete"
    assert (
        OutboxEvent.objects.filter(
            type=OutboxEvent.Type.INTERVIEW_COMPLETED,
            payload__data__interview_id=interview.pk,
        ).count()
        == 1
    )


def test_a_submitted_scorecard_keeps_its_seat(
    application, job, dana, erin, alice, django_capture_on_commit_callbacks
):
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(dana, interview, [4, 4, 1, 4, 4, 4])

    _take_off_the_team(dana, job, alice, django_capture_on_commit_callbacks)

    assert Panelist.objects.filter(interview=interview, interviewer=dana).exists()
    assert Scorecard.objects.get(interview=interview, interviewer=dana).submitted_at
    interview.refresh_from_db()
    assert interview.status != Interview.Status.COMPLETE  # Erin's is still to come


def test_other_jobs_and_closed_interviews_keep_their_seats(
    application, job, dana, erin, alice, django_capture_on_commit_callbacks
):
    cancelled = PanelInterviewFactory(
        application=application, panel=[dana, erin], status=Interview.Status.CANCELLED
    )
    elsewhere = PanelInterviewFactory(panel=[dana])  # another job's team

    _take_off_the_team(dana, job, alice, django_capture_on_commit_callbacks)

    assert Panelist.objects.filter(interview=cancelled, interviewer=dana).exists()
    assert Panelist.objects.filter(interview=elsewhere, interviewer=dana).exists()


def test_the_panel_completes_when_the_others_were_aggregated_already(
    application, job, dana, erin, alice, django_capture_on_commit_callbacks
):
    """Erin's scorecard was aggregated as it came in (partial, waiting for Dana): taking
    Dana off changes the panel, not the scorecards, and still completes it."""
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(
        erin, interview, [4, 4, 5, 4, 4, 4], capture=django_capture_on_commit_callbacks
    )
    partial = InterviewResult.objects.get(interview=interview)
    assert partial.state == "partial"

    _take_off_the_team(dana, job, alice, django_capture_on_commit_callbacks)

    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETE
    result = InterviewResult.objects.get(interview=interview)
    assert result.state == "complete"
    assert result.aggregate["panel_size"] == 1
