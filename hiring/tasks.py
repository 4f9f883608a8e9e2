"""Thin Celery interfaces over the hiring services."""

import time

from celery import current_task, shared_task

from hiring.services import (
    idempotency_records_purge,
    task_retries_release,
    worker_heartbeat_record,
)
from hiring.webhooks.delivery import callback_attempt, delivery_attempt, delivery_send
from hiring.webhooks.relay import (
    callbacks_claim,
    deliveries_claim,
    deliveries_next_due_in,
    outbox_relay,
)
from hiring.webhooks.retention import DELIVERIES, webhook_history_purge

# One run of the webhook task stops claiming after this long, so a backlog is
# spread over runs instead of holding one worker thread indefinitely.
WEBHOOK_RUN_SECONDS = 50
SHORT_WAIT_SECONDS = 2.0


@shared_task(ignore_result=True)
def worker_heartbeat_task() -> None:
    worker_heartbeat_record(worker=current_task.request.hostname or "worker")


@shared_task(ignore_result=True)
def webhooks_send_task() -> int:
    """Relay the outbox into deliveries, then make every due attempt.

    Runs on the `webhooks` queue, woken after each event commits and by beat.
    Claims use SKIP LOCKED, so any number of these may run at once.
    """
    started = time.monotonic()
    attempted = 0
    while time.monotonic() - started < WEBHOOK_RUN_SECONDS:
        # Fresh deliveries come back leased to this run, their endpoint loaded.
        relayed = outbox_relay()
        for delivery in relayed:
            delivery_send(delivery)
            attempted += 1
        claimed = deliveries_claim()
        callbacks = callbacks_claim()
        for callback_id in callbacks:
            callback_attempt(callback_id=callback_id)
            attempted += 1
        if not relayed and not claimed and not callbacks:
            # A retry due within moments is made by this run rather than by the
            # next beat tick; anything later is left to beat.
            wait = deliveries_next_due_in()
            if wait is None or wait > SHORT_WAIT_SECONDS:
                break
            time.sleep(max(wait, 0.01))
            continue
        for delivery_id in claimed:
            delivery_attempt(delivery_id=delivery_id)
            attempted += 1
    return attempted


@shared_task(ignore_result=True)
def idempotency_records_purge_task() -> int:
    return idempotency_records_purge()


@shared_task(ignore_result=True)
def task_retries_release_task() -> int:
    return task_retries_release()


@shared_task(ignore_result=True)
def webhook_history_purge_task(stage: str = DELIVERIES, after_id: int = 0) -> int:
    """Delete one window of webhook history past its retention, and enqueue the
    next window until the walk reaches recent rows (beat starts it hourly).

    Safe to run twice at once: each step claims its rows with SKIP LOCKED.
    """
    step = webhook_history_purge(stage=stage, after_id=after_id)
    if step.next is not None:
        webhook_history_purge_task.delay(*step.next)
    return step.deleted
