"""How long webhook history is kept: finished deliveries and relayed events go.

Without a limit every event and every attempt stays forever. A delivery is
finished once it succeeded or its schedule was spent (``failed``); it is deleted,
with its attempts, ``CRIBA_WEBHOOK_RETENTION_DAYS`` after its last activity (its
creation or its latest attempt, so a delivery sent again recently stays). Each
endpoint's latest delivery stays whatever its age, so its page still shows when
it last received something and how that went. An outbox event goes once it is
relayed that long ago and none of its deliveries is left; an event not relayed
yet, or one with a delivery still pending, stays.

A purge walks the deliveries, then the events, in id order, one window of
``batch_size`` rows at a time (ids follow creation, so the old rows come
first); each step reads only its window, and the walk stops at the first window
that reaches rows younger than the retention. Rows are taken with ``FOR UPDATE
SKIP LOCKED``: a delivery being redelivered or attempted right now is skipped
(the next purge looks again), and two purges at once never wait on each other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from hiring.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from hiring.retention_walk import (
    RetentionStep,
    retention_step,
    retention_window,
    unlocked_rows_delete,
)

# Rows read per step; a full window of old rows is followed by another step.
RETENTION_BATCH_SIZE = 1000
DELIVERIES = "deliveries"
EVENTS = "events"


# A step of the walk (hiring.retention_walk).
WebhookHistoryStep = RetentionStep


_FINISHED = [WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED]


def webhook_history_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CRIBA_WEBHOOK_RETENTION_DAYS)


def webhook_history_purge(
    *,
    stage: str = DELIVERIES,
    after_id: int = 0,
    now: datetime | None = None,
    batch_size: int = RETENTION_BATCH_SIZE,
) -> RetentionStep:
    """Delete what is past its retention in the window of ``stage`` rows after
    ``after_id`` (see the module's docstring); says where the next step starts."""
    return retention_step(
        ((DELIVERIES, _deliveries_purge), (EVENTS, _events_purge)),
        stage=stage,
        after_id=after_id,
        cutoff=webhook_history_cutoff(now),
        batch_size=batch_size,
    )


def _deliveries_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = retention_window(
        WebhookDelivery, after_id=after_id, batch_size=batch_size, cutoff=cutoff
    )
    if not window:
        return 0, None
    latest = (
        WebhookDelivery.objects.filter(endpoint_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    latest_ids = [
        pk
        for pk in WebhookEndpoint.objects.annotate(latest=Subquery(latest))
        .order_by()
        .values_list("latest", flat=True)
        if pk is not None
    ]
    recent_attempt = WebhookAttempt.objects.filter(
        delivery_id=OuterRef("pk"), at__gte=cutoff
    )
    # Their attempts go with them (one DELETE, by the foreign key).
    deleted = unlocked_rows_delete(
        WebhookDelivery.objects.filter(
            pk__in=window,
            status__in=[
                WebhookDelivery.Status.SUCCEEDED,
                WebhookDelivery.Status.FAILED,
            ],
            created_at__lt=cutoff,
        )
        .exclude(pk__in=latest_ids)
        .exclude(Exists(recent_attempt))
    )
    return deleted, last


def _events_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = retention_window(
        OutboxEvent, after_id=after_id, batch_size=batch_size, cutoff=cutoff
    )
    if not window:
        return 0, None
    deleted = unlocked_rows_delete(
        OutboxEvent.objects.filter(pk__in=window, relayed_at__lt=cutoff).exclude(
            Exists(WebhookDelivery.objects.filter(event_id=OuterRef("pk")))
        )
    )
    return deleted, last
