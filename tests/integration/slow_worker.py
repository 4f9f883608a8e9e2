"""The Celery app of config, with scoring held up long enough to kill the worker.

Started as ``celery -A tests.integration.slow_worker worker``: before the scoring
task runs, the worker touches ``CRIBA_TEST_SCORING_MARKER`` (so the test knows the
message was taken) and sleeps ``CRIBA_TEST_SCORING_SLEEP`` seconds.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]

SCORING_TASK = "assessments.tasks.questionnaire_score_task"


@task_prerun.connect
def _hold_scoring(sender=None, **kwargs) -> None:
    if getattr(sender, "name", None) != SCORING_TASK:
        return
    Path(os.environ["CRIBA_TEST_SCORING_MARKER"]).touch()
    time.sleep(float(os.environ.get("CRIBA_TEST_SCORING_SLEEP", "60")))
