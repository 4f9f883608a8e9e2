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

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from hiring.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint

# Rows read per step; a full window of old rows is followed by another step.
RETENTION_BATCH_SIZE = 1000
DELIVERIES = "deliveries"
EVENTS = "events"


@dataclass(frozen=True)
class WebhookHistoryStep:
    stage: str  # DELIVERIES or EVENTS
    deleted: int
    # (stage, after_id) of the next step; None once the walk is over.
    next: tuple[str, int] | None


def webhook_history_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CRIBA_WEBHOOK_RETENTION_DAYS)


def webhook_history_purge(
    *,
    stage: str = DELIVERIES,
    after_id: int = 0,
    now: datetime | None = None,
    batch_size: int = RETENTION_BATCH_SIZE,
) -> WebhookHistoryStep:
    """Delete what is past its retention in the window of ``stage`` rows after
    ``after_id`` (see the module's docstring); says where the next step starts."""
    cutoff = webhook_history_cutoff(now)
    if stage == DELIVERIES:
        deleted, last = _deliveries_purge(cutoff, after_id, batch_size)
        following = (DELIVERIES, last) if last is not None else (EVENTS, 0)
    elif stage == EVENTS:
        deleted, last = _events_purge(cutoff, after_id, batch_size)
        following = (EVENTS, last) if last is not None else None
    else:
        raise ValueError(f"Unknown stage {stage!r}")
    return WebhookHistoryStep(stage=stage, deleted=deleted, next=following)


def _window(model, after_id: int, batch_size: int, cutoff: datetime):
    """The ids of the next window, and its last id when the walk goes on past
    it (the window is full and wholly older than the cutoff)."""
    rows = list(
        model.objects.filter(pk__gt=after_id)
        .order_by("id")
        .values_list("pk", "created_at")[:batch_size]
    )
    ids = [pk for pk, _created in rows]
    goes_on = len(rows) == batch_size and max(c for _pk, c in rows) < cutoff
    return ids, (ids[-1] if goes_on else None)


def _deliveries_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = _window(WebhookDelivery, after_id, batch_size, cutoff)
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
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=window,
                status__in=[
                    WebhookDelivery.Status.SUCCEEDED,
                    WebhookDelivery.Status.FAILED,
                ],
                created_at__lt=cutoff,
            )
            .exclude(pk__in=latest_ids)
            .exclude(Exists(recent_attempt))
            .order_by()
            .values_list("pk", flat=True)
        )
        if ids:
            # Their attempts go with them (one DELETE, by the foreign key).
            WebhookDelivery.objects.filter(pk__in=ids).delete()
    return len(ids), last


def _events_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = _window(OutboxEvent, after_id, batch_size, cutoff)
    if not window:
        return 0, None
    with transaction.atomic():
        ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk__in=window, relayed_at__lt=cutoff)
            .exclude(Exists(WebhookDelivery.objects.filter(event_id=OuterRef("pk"))))
            .order_by()
            .values_list("pk", flat=True)
        )
        if ids:
            OutboxEvent.objects.filter(pk__in=ids).delete()
    return len(ids), last
