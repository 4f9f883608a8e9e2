"""Interview scorecards reach a real worker: each submission is aggregated, the
interview completes once, and a lost aggregation is swept up."""

import pytest
from django.db import transaction

from assessments.interview_selectors import interview_access
from assessments.interview_services import interviews_aggregate_sweep, scorecard_submit
from assessments.models import Interview, InterviewResult
from hiring.models import OutboxEvent
from tests.assessments.interview_support import scorecard_input
from tests.factories import PanelInterviewFactory
from tests.integration.conftest import celery_broker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 90


def _submit(user, interview, ratings):
    with transaction.atomic():
        scorecard_submit(
            access=interview_access(user=user, interview_id=interview.pk),
            scorecard=scorecard_input(ratings),
        )


def _aggregated(interview, submitted):
    def check() -> bool:
        result = InterviewResult.objects.filter(interview=interview).first()
        return result is not None and result.aggregate["submitted"] == submitted

    return check


def test_it_aggregates_each_submission_and_completes_once(
    application, dana, bob, broker_for_tests, start_worker
):
    interview = PanelInterviewFactory(application=application, panel=[dana, bob])
    worker = start_worker().wait_ready()

    _submit(dana, interview, [4, 4, 2, 4, 4, 4])
    wait_until(
        _aggregated(interview, 1), timeout=TIMEOUT, what="1 of 2", log=worker.log
    )
    _submit(bob, interview, [4, 4, 5, 4, 4, 4])
    wait_until(
        _aggregated(interview, 2), timeout=TIMEOUT, what="2 of 2", log=worker.log
    )

    interview.refresh_from_db()
    result = InterviewResult.objects.get(interview=interview)
    assert interview.status == Interview.Status.COMPLETE
    assert result.aggregate["flagged"] == ["coachability"]
    assert OutboxEvent.objects.filter(type="interview.completed").count() == 1


def test_it_sweeps_up_an_aggregation_lost_with_the_broker(
    application, dana, broker_for_tests, start_worker, settings
):
    interview = PanelInterviewFactory(application=application, panel=[dana])
    with celery_broker("memory://"):  # the enqueue goes nowhere a worker listens
        _submit(dana, interview, [3] * 6)
    assert not InterviewResult.objects.exists()
    worker = start_worker().wait_ready()
    settings.CRIBA_SWEEP_AFTER_SECONDS = 0

    assert interviews_aggregate_sweep() == 1

    wait_until(
        _aggregated(interview, 1), timeout=TIMEOUT, what="the sweep", log=worker.log
    )
