"""The Celery app of config plus a task that fails once with a database error.

Started as ``celery -A tests.integration.flaky_worker worker``. The first run of
``flaky_task`` raises ``DatabaseError``; Celery's autoretry then asks for a retry
``default_retry_delay`` seconds later, longer than a broker countdown may be, so
the retry must wait in the database. Every run appends its retry count to
``CRIBA_TEST_FLAKY_LOG``.
"""

import os
from pathlib import Path

from django.db import DatabaseError

from config.celery import app

__all__ = ["app", "flaky_task"]

FLAKY_TASK = "tests.integration.flaky_worker.flaky_task"
RETRY_DELAY = 600


@app.task(
    name=FLAKY_TASK,
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    default_retry_delay=RETRY_DELAY,
    max_retries=3,
    ignore_result=True,
)
def flaky_task(self, label: str) -> None:
    with Path(os.environ["CRIBA_TEST_FLAKY_LOG"]).open("a") as log:
        log.write(f"{label}:{self.request.retries}\n")
    if self.request.retries == 0:
        raise DatabaseError("the database is away for a moment")
