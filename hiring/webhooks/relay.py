"""From the outbox to deliveries, and the due deliveries to the workers.

Both steps claim their rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, so any
number of workers can relay at once without sending an attempt twice: a claimed
delivery's next attempt is pushed a lease ahead before the claim commits, and only
the worker holding the claim makes the attempt.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hiring.models import AtsCallback, OutboxEvent, WebhookDelivery, WebhookEndpoint

# Longer than one attempt can take (`delivery.attempt_seconds()`, 20 s, after the
# name's resolution), so a claimed delivery is never claimed again while its
# attempt is in flight; if the worker dies, the delivery is simply due again
# after the lease.
CLAIM_LEASE = timedelta(seconds=60)


def outbox_relay(
    *, now: datetime | None = None, limit: int = 500
) -> list[WebhookDelivery]:
    """Fan unrelayed events out into one delivery per subscribed endpoint.

    The new deliveries come back already claimed by the caller (their first
    attempt is leased to it), so a fresh event is sent without a second claim.
    """
    now = now or timezone.now()
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_at__isnull=True)
            .order_by("id")[:limit]
        )
        if not events:
            return []
        endpoints = list(
            WebhookEndpoint.objects.filter(enabled=True).select_related("api_key")
        )
        deliveries = [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                message_id=event.message_id,
                event_type=event.type,
                payload=event.payload,
                next_attempt_at=now + CLAIM_LEASE,
                created_at=now,
            )
            for event in events
            for endpoint in endpoints
            if endpoint.wants(event.type)
        ]
        created = WebhookDelivery.objects.bulk_create(deliveries)
        # An ATS waiting for a result is called back once it is scored.
        scored = [
            e.payload.get("data", {}).get("invitation_id")
            for e in events
            if e.type == OutboxEvent.Type.ASSESSMENT_SCORED
        ]
        if scored:
            AtsCallback.objects.filter(
                invitation_id__in=[i for i in scored if i is not None],
                status=AtsCallback.Status.WAITING,
            ).update(status=AtsCallback.Status.PENDING, next_attempt_at=now)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(relayed_at=now)
    return created


def deliveries_claim(*, now: datetime | None = None, limit: int = 20) -> list[int]:
    """Claim up to ``limit`` due deliveries for this worker."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=now,
                endpoint__enabled=True,
            )
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(
                next_attempt_at=now + CLAIM_LEASE
            )
    return ids


def deliveries_next_due_in(*, now: datetime | None = None) -> float | None:
    """Seconds until the next pending delivery falls due (None if there is none)."""
    now = now or timezone.now()
    dues = [
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, endpoint__enabled=True
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first(),
        AtsCallback.objects.filter(status=AtsCallback.Status.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first(),
    ]
    dues = [due for due in dues if due is not None]
    return None if not dues else (min(dues) - now).total_seconds()


def callbacks_claim(*, now: datetime | None = None, limit: int = 20) -> list[int]:
    """Claim up to ``limit`` due ATS callbacks for this worker."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            AtsCallback.objects.select_for_update(skip_locked=True)
            .filter(status=AtsCallback.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            AtsCallback.objects.filter(pk__in=ids).update(
                next_attempt_at=now + CLAIM_LEASE
            )
    return ids
