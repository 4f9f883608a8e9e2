"""The sweeper of lost aggregations finds every interview whose aggregation job
was lost, and reads only the interviews that may need aggregating: not every
interview ever held."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from assessments import interview_services as services
from assessments.interview_selectors import interview_access
from assessments.models import Interview, InterviewResult
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from tests.assessments.interview_support import scorecard_input, submit
from tests.conftest import service_missing
from tests.factories import PanelInterviewFactory

AFTER = timedelta(minutes=2)


@pytest.fixture
def interview(application, dana, bob):
    return PanelInterviewFactory(application=application, panel=[dana, bob])


def _later():
    return timezone.now() + timedelta(minutes=5)


def _due(now=None):
    return services.interviews_unaggregated(older_than=AFTER, now=now or _later())


def _amend(user, interview, ratings, *, capture=None):
    def amend():
        services.scorecard_amend(
            access=interview_access(user=user, interview_id=interview.pk),
            scorecard=scorecard_input(ratings),
            reason="Mixed up two candidates' notes.",
        )

    if capture is None:
        return amend()
    with capture(execute=True):
        return amend()


def test_it_finds_a_first_submission_whose_aggregation_was_lost(interview, dana):
    submit(dana, interview, [3] * 6)  # on-commit never ran: no job, no result

    assert _due(now=timezone.now()) == []  # its job may still be on its way
    assert _due() == [interview.pk]


def test_it_finds_a_later_submission_whose_aggregation_was_lost(
    interview, dana, bob, django_capture_on_commit_callbacks
):
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)
    assert _due() == []

    submit(bob, interview, [4] * 6)

    assert _due() == [interview.pk]


def test_it_finds_an_amendment_whose_aggregation_was_lost(
    interview, dana, bob, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    submit(dana, interview, [3] * 6, capture=capture)
    submit(bob, interview, [3] * 6, capture=capture)
    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETE
    assert _due() == []

    _amend(dana, interview, [4] * 6)

    assert _due() == [interview.pk]


@pytest.mark.parametrize("version", ["0.9.0", "1.1.0", "10.0.0"])
def test_it_finds_interviews_aggregated_under_another_scoring_version(
    interview, dana, django_capture_on_commit_callbacks, monkeypatch, version
):
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)
    assert _due() == []

    monkeypatch.setattr(services, "INTERVIEW_SCORING_VERSION", version)

    assert _due() == [interview.pk]
    services.interview_aggregate(interview_id=interview.pk)
    assert _due() == []
    assert set(InterviewResult.objects.values_list("scoring_version", flat=True)) == {
        INTERVIEW_SCORING_VERSION,
        version,
    }


def test_it_leaves_cancelled_interviews_and_those_without_scorecards(
    interview, application, dana
):
    submit(dana, interview, [3] * 6)
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
    PanelInterviewFactory(application=application, panel=[dana])

    assert _due() == []


def test_the_sweep_enqueues_each_lost_aggregation_and_then_nothing(
    interview, application, dana, bob, interview_tasks
):
    other = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [3] * 6)
    submit(dana, other, [4] * 6)
    now = _later()

    assert services.interviews_aggregate_sweep(now=now) == 2

    assert interview_tasks == [("aggregate", interview.pk), ("aggregate", other.pk)]
    assert InterviewResult.objects.count() == 2
    assert services.interviews_aggregate_sweep(now=now) == 0


def test_it_no_longer_reads_aggregated_interviews(
    interview, application, dana, bob, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    finished = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, finished, [3] * 6, capture=capture)
    submit(dana, interview, [3] * 6, capture=capture)
    submit(bob, interview, [3] * 6)  # lost
    # Make the finished interview's result look older than its scorecard: a
    # sweep that still read every interview would pick it up again.
    InterviewResult.objects.filter(interview=finished).update(
        computed_at=timezone.now() - timedelta(days=1)
    )

    assert list(services.interviews_aggregation_due()) == [interview]
    assert _due() == [interview.pk]


def test_it_reads_the_interviews_due_from_an_index(db):
    if connection.vendor != "postgresql":
        service_missing("the query plan is PostgreSQL's")
    sql, params = (
        services.interviews_aggregation_due().values("pk").query.sql_with_params()
    )

    with connection.cursor() as cursor:
        # The test table is tiny: make the planner show what it would do with
        # many interviews, where reading them all loses.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "interview_aggregated_version" in plan
    assert "Seq Scan" not in plan


def test_the_migration_marks_what_the_sweeper_looked_for_until_now(
    interview, application, dana, bob, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    aggregated = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, aggregated, [3] * 6, capture=capture)
    amended = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, amended, [3] * 6, capture=capture)
    _amend(dana, amended, [4] * 6)
    submit(dana, interview, [3] * 6)
    untouched = PanelInterviewFactory(application=application, panel=[dana])
    Interview.objects.update(aggregated_version="")
    migration = importlib.import_module(
        "assessments.migrations.0009_interview_aggregated_version"
    )

    migration.aggregated_version_backfill(apps, None)

    marks = dict(Interview.objects.values_list("pk", "aggregated_version"))
    assert marks == {
        aggregated.pk: INTERVIEW_SCORING_VERSION,
        amended.pk: "due",
        interview.pk: "due",
        untouched.pk: "",
    }
    assert _due() == [interview.pk, amended.pk]


def test_it_finds_a_panel_change_whose_aggregation_was_lost(
    interview, job, dana, bob, alice, django_capture_on_commit_callbacks
):
    """Bob is taken off the team before he submits: the panel now has all it
    needs. Had that aggregation job been lost, the sweeper sends it again, and
    it completes the interview."""
    from hiring.models import JobMember
    from hiring.services import job_team_member_remove

    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)
    assert _due() == []

    job_team_member_remove(  # its on-commit aggregation never runs
        job=job, member_id=JobMember.objects.get(job=job, user=bob).pk, actor=alice
    )

    assert _due(now=timezone.now()) == []  # its job may still be on its way
    assert _due() == [interview.pk]
    services.interview_aggregate(interview_id=interview.pk)
    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETE
    assert _due() == []
