"""A task whose worker is killed mid-task runs again within the stated time.

settings.py states it: CRIBA_TASK_RECOVERY_SECONDS = CELERY_VISIBILITY_TIMEOUT +
CRIBA_BROKER_RESTORE_EVERY_SECONDS (190 s by default, 6 s for these workers). No
worker is restarted and no sweeper runs here: the message comes back through the
broker alone, to a worker that was already running.
"""

import time

import pytest

from assessments.models import QuestionnaireResult
from assessments.services import submission_submit
from tests.integration.conftest import RECOVERY_SECONDS, is_scored, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Scoring itself, and a busy machine's scheduling, on top of the stated figure.
SCORING_SLACK = 10


def test_it_scores_on_a_live_worker_within_the_recovery_time_of_a_kill(
    answered_invitation, broker_for_tests, start_worker, tmp_path
):
    marker = tmp_path / "scoring-started"
    slow = start_worker(
        app="tests.integration.slow_worker",
        env={
            "CRIBA_TEST_SCORING_MARKER": str(marker),
            "CRIBA_TEST_SCORING_SLEEP": "300",
        },
    ).wait_ready()
    submission_submit(invitation=answered_invitation)
    wait_until(
        marker.exists, timeout=60, what="the worker to take the task", log=slow.log
    )
    # The message is taken (unacknowledged, held by the slow worker) when the
    # marker appears; the visibility timeout counts from there.
    taken_at = time.monotonic()
    survivor = start_worker(env={"CRIBA_SWEEP_AFTER_SECONDS": "3600"}).wait_ready()
    slow.kill()

    wait_until(
        is_scored(answered_invitation.pk),
        timeout=RECOVERY_SECONDS + 60,
        what="the live worker to score the abandoned submission",
        log=survivor.log,
    )
    recovered_in = time.monotonic() - taken_at

    assert recovered_in <= RECOVERY_SECONDS + SCORING_SLACK, recovered_in
    assert (
        QuestionnaireResult.objects.filter(invitation=answered_invitation).count() == 1
    )
