"""How long webhook history is kept: finished deliveries and relayed events go.

Without a limit every event and every attempt stays forever. A delivery is
finished once it succeeded or its schedule was spent (``failed``); it is deleted,
with its attempts, ``CRIBA_WEBHOOK_RETENTION_DAYS`` after its last activity (its
creation or its latest attempt, so a delivery sent again recently stays). Each
endpoint's latest delivery stays whatever its age, so its page still shows when
it last received something and how that went. An outbox event goes once it is
relayed that long ago and none of its deliveries is left; an event not relayed
yet, or one with a delivery still pending, stays.

Rows are taken in bounded batches with ``FOR UPDATE SKIP LOCKED``: a delivery
being redelivered or attempted right now is skipped, and two runs at once never
wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from hiring.models import OutboxEvent, WebhookAttempt, WebhookDelivery

# Rows deleted per statement; a run whose batch was full is followed by another.
RETENTION_BATCH_SIZE = 1000


@dataclass(frozen=True)
class WebhookHistoryPurged:
    deliveries: int
    events: int
    # A batch was full: more may be left for the next run.
    more: bool


def webhook_history_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CRIBA_WEBHOOK_RETENTION_DAYS)


def webhook_history_purge(
    *, now: datetime | None = None, batch_size: int = RETENTION_BATCH_SIZE
) -> WebhookHistoryPurged:
    """Delete one batch of finished deliveries and one of done outbox events
    older than ``CRIBA_WEBHOOK_RETENTION_DAYS``; see the module's docstring."""
    cutoff = webhook_history_cutoff(now)
    deliveries = _deliveries_purge(cutoff, batch_size)
    events = _events_purge(cutoff, batch_size)
    return WebhookHistoryPurged(
        deliveries=deliveries,
        events=events,
        more=deliveries == batch_size or events == batch_size,
    )


def _deliveries_purge(cutoff: datetime, batch_size: int) -> int:
    newer = WebhookDelivery.objects.filter(endpoint_id=OuterRef("endpoint_id")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
    )
    recent_attempt = WebhookAttempt.objects.filter(
        delivery_id=OuterRef("pk"), at__gte=cutoff
    )
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[
                    WebhookDelivery.Status.SUCCEEDED,
                    WebhookDelivery.Status.FAILED,
                ],
                created_at__lt=cutoff,
            )
            .filter(Exists(newer))
            .exclude(Exists(recent_attempt))
            .order_by("id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            # Their attempts go with them (one DELETE, by the foreign key).
            WebhookDelivery.objects.filter(pk__in=ids).delete()
    return len(ids)


def _events_purge(cutoff: datetime, batch_size: int) -> int:
    with transaction.atomic():
        ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_at__lt=cutoff)
            .exclude(Exists(WebhookDelivery.objects.filter(event_id=OuterRef("pk"))))
            .order_by("id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            OutboxEvent.objects.filter(pk__in=ids).delete()
    return len(ids)
