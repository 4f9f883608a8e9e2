"""A retry longer than a broker countdown waits in the database, not on Redis.

A real worker runs a task that fails once with a database error and asks to be
retried in ten minutes. The retry must be a ``TaskRetry`` row with that due
time, with nothing left on the broker (no message held back by a worker, which
Redis would hand out again after its visibility timeout, and which a broker
restarted empty would lose); the sweeper sends it once it is due.
"""

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from hiring.models import TaskRetry
from hiring.services import task_retries_release
from tests.integration.conftest import wait_until
from tests.integration.flaky_worker import FLAKY_TASK, RETRY_DELAY

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _messages_on_the_broker(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        # Waiting in the queue, or taken and not yet acknowledged.
        return client.llen("celery") + client.hlen("unacked")
    finally:
        client.close()


def test_it_keeps_a_long_retry_in_the_database_and_sends_it_when_due(
    broker_for_tests, start_worker, tmp_path
):
    from config.celery import app

    log = tmp_path / "flaky.log"
    worker = start_worker(
        app="tests.integration.flaky_worker",
        env={"CRIBA_TEST_FLAKY_LOG": str(log)},
    ).wait_ready()
    sent_at = timezone.now()

    app.send_task(FLAKY_TASK, args=["first"])

    retry = wait_until(
        TaskRetry.objects.filter(task=FLAKY_TASK).first,
        timeout=60,
        what="the retry to be written to the database",
        log=worker.log,
    )
    assert retry.args == ["first"]
    assert retry.retries == 1
    assert "the database is away" in retry.error
    expected = sent_at + timedelta(seconds=RETRY_DELAY)
    assert expected - timedelta(seconds=5) <= retry.due_at
    assert retry.due_at <= expected + timedelta(seconds=60)
    wait_until(
        lambda: _messages_on_the_broker(broker_for_tests) == 0,
        timeout=20,
        what="the failed message to be acknowledged",
        log=worker.log,
    )

    # Not due yet: nothing is sent.
    assert task_retries_release() == 0
    assert task_retries_release(now=retry.due_at + timedelta(seconds=1)) == 1

    wait_until(
        lambda: log.exists() and "first:1" in log.read_text(),
        timeout=60,
        what="the retry to run",
        log=worker.log,
    )
    assert log.read_text().splitlines() == ["first:0", "first:1"]
    assert not TaskRetry.objects.exists()
