"""The one event envelope: every event an integration may receive is written here,
in the caller's transaction, as an outbox row that the relay delivers later.

Payload: ``{"type", "timestamp", "data"}``; the row's ``message_id`` is the stable
``webhook-id`` of every delivery of the event.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from hiring.models import OutboxEvent


def event_build(*, type: str, data: dict, now: datetime | None = None) -> OutboxEvent:
    """An unsaved outbox row, for callers that write many with ``bulk_create``."""
    if type not in OutboxEvent.Type.values:
        raise ValueError(f"Unknown event type {type!r}; add it to OutboxEvent.Type")
    now = now or timezone.now()
    return OutboxEvent(
        type=type,
        created_at=now,
        payload={"type": type, "timestamp": now.isoformat(), "data": data},
    )


def event_record(*, type: str, data: dict, now: datetime | None = None) -> OutboxEvent:
    """Write one event in the caller's transaction."""
    event = event_build(type=type, data=data, now=now)
    event.save()
    return event
