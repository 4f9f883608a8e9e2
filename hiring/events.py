"""The one event envelope: every event an integration may receive is written here,
in the caller's transaction, as an outbox row that the relay delivers later.

Payload: ``{"type", "timestamp", "data"}``; the row's ``message_id`` is the stable
``webhook-id`` of every delivery of the event.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import current_app
from django.db import transaction
from django.utils import timezone

from hiring.models import OutboxEvent

logger = logging.getLogger(__name__)


def event_build(*, type: str, data: dict, now: datetime | None = None) -> OutboxEvent:
    """An unsaved outbox row, for callers that write many with ``bulk_create``."""
    if type not in OutboxEvent.Type.values:
        raise ValueError(f"Unknown event type {type!r}; add it to OutboxEvent.Type")
    now = now or timezone.now()
    return OutboxEvent(
        type=type,
        created_at=now,
        payload={"type": type, "timestamp": utc_timestamp(now), "data": data},
    )


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as every timestamp of the API."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_record(*, type: str, data: dict, now: datetime | None = None) -> OutboxEvent:
    """Write one event in the caller's transaction; once it commits, the webhook
    relay is woken so subscribers hear of it within moments."""
    event = event_build(type=type, data=data, now=now)
    event.save()
    transaction.on_commit(lambda: relay_wake())
    return event


def events_record_many(events: list[OutboxEvent]) -> list[OutboxEvent]:
    """Write many events built with `event_build` at once (bulk scoring)."""
    created = OutboxEvent.objects.bulk_create(events, batch_size=2000)
    if created:
        transaction.on_commit(lambda: relay_wake())
    return created


def relay_wake() -> bool:
    """Ask a webhook worker to relay the outbox and send what is due. Beat does it
    every few seconds too, so a broker hiccup only delays delivery."""
    try:
        current_app.send_task(
            "hiring.tasks.webhooks_send_task",
            queue="webhooks",
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2},
        )
    except Exception:
        logger.warning("Could not wake the webhook relay", exc_info=True)
        return False
    return True
