"""Aggregation on each submission: SCORING.md section 7 through the database,
idempotent, and interview.completed written once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import interview_services as services
from assessments.interview_selectors import interview_access
from assessments.models import Interview, InterviewResult
from hiring.models import OutboxEvent
from tests.assessments.interview_support import scorecard_input, submit
from tests.factories import JobMemberFactory, PanelInterviewFactory, UserFactory


@pytest.fixture
def erin(job):
    user = UserFactory(username="erin")
    JobMemberFactory(job=job, user=user, role="interviewer")
    return user


@pytest.fixture
def interview(application, dana, bob, erin):
    return PanelInterviewFactory(application=application, panel=[dana, bob, erin])


def test_it_aggregates_after_each_submission(
    interview, dana, bob, erin, django_capture_on_commit_callbacks, interview_tasks
):
    capture = django_capture_on_commit_callbacks
    # prospecting (4,4,5) -> r_wg .833; coachability (2,3,5) -> r_wg 0, flagged
    submit(dana, interview, [4, 3, 2, 3, 3, 3], capture=capture)
    partial = InterviewResult.objects.get(interview=interview)
    assert partial.state == "partial"
    assert partial.aggregate["submitted"] == 1

    submit(bob, interview, [4, 3, 3, 3, 3, 3], capture=capture)
    submit(erin, interview, [5, 3, 5, 3, 3, 3], "strong_yes", capture=capture)

    result = InterviewResult.objects.get(interview=interview)
    rows = {c["key"]: c for c in result.aggregate["competencies"]}
    assert result.state == "complete"
    assert rows["prospecting_discipline"]["r_wg"] == pytest.approx(0.8333, abs=1e-3)
    assert rows["prospecting_discipline"]["flags"] == []
    assert rows["coachability"]["r_wg"] == 0.0
    assert rows["coachability"]["flags"] == ["low_agreement", "wide_range"]
    assert result.aggregate["flagged"] == ["coachability"]
    # weights 1.5, 1, 1, 1.5, 1.5, 1 (sum 7.5); means 4.333, 3, 3.333, 3, 3, 3
    expected = (1.5 * 13 / 3 + 3 + 10 / 3 + 1.5 * 3 + 1.5 * 3 + 3) / 7.5
    assert result.score == pytest.approx(expected)
    assert [t for t in interview_tasks if t[0] == "aggregate"] == [
        ("aggregate", interview.pk)
    ] * 3


def test_it_completes_the_interview_once(
    interview, dana, bob, erin, django_capture_on_commit_callbacks
):
    for user in (dana, bob, erin):
        submit(user, interview, [3] * 6, capture=django_capture_on_commit_callbacks)

    services.interview_aggregate(interview_id=interview.pk)

    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETE
    completed = OutboxEvent.objects.filter(type="interview.completed")
    assert completed.count() == 1
    assert completed.get().payload["data"]["scorecards"] == 3


def test_it_writes_nothing_when_aggregating_the_same_scorecards_again(
    interview, dana, django_capture_on_commit_callbacks
):
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)
    first = InterviewResult.objects.get()

    again = services.interview_aggregate(interview_id=interview.pk)

    assert again.pk == first.pk
    assert again.computed_at == first.computed_at
    assert InterviewResult.objects.count() == 1


def test_it_aggregates_the_amended_version(
    interview, dana, django_capture_on_commit_callbacks
):

    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.scorecard_amend(
            access=interview_access(user=dana, interview_id=interview.pk),
            scorecard=scorecard_input([4] * 6),
            reason="Mixed up two candidates' notes.",
        )

    assert InterviewResult.objects.get().score == pytest.approx(4.0)


def test_it_finds_interviews_whose_aggregation_was_lost(interview, dana):

    submit(dana, interview, [3] * 6)  # on-commit never ran: no result
    later = timezone.now() + timedelta(minutes=5)

    assert services.interviews_unaggregated(
        older_than=timedelta(minutes=2), now=later
    ) == [interview.pk]
    services.interview_aggregate(interview_id=interview.pk, now=later)
    assert (
        services.interviews_unaggregated(older_than=timedelta(minutes=2), now=later)
        == []
    )
