"""What administrators (pages, admin, API) do with webhook endpoints."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring import events
from hiring.errors import Conflict, Invalid
from hiring.models import (
    AuditEvent,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
    new_message_id,
)
from hiring.services import audit_record
from hiring.webhooks.secrets import secret_new, secret_seal
from hiring.webhooks.targets import target_check

# How long the old secret keeps signing after a rotation, so receivers can switch.
ROTATION_OVERLAP = timedelta(hours=24)


def _events(events) -> list[str]:
    if events is None:
        return []
    if not isinstance(events, list | tuple) or not all(
        isinstance(e, str) for e in events
    ):
        raise Invalid(
            _("Events must be a list of event types."),
            fields={"events": [_("A list of event types.")]},
        )
    unknown = sorted(set(events) - set(OutboxEvent.Type.values))
    if unknown:
        raise Invalid(
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
            code="unknown_event",
            fields={"events": [_("Unknown: %s") % ", ".join(unknown)]},
        )
    return sorted(set(events))


def _name(name) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 120:
        raise Invalid(
            _("Give the endpoint a name of up to 120 characters."),
            fields={"name": [_("1 to 120 characters.")]},
        )
    return name.strip()


def _url(url) -> str:
    if not isinstance(url, str) or len(url) > 500:
        raise Invalid(
            _("The URL must be text of up to 500 characters."),
            fields={"url": [_("Up to 500 characters.")]},
        )
    try:
        target_check(url.strip())
    except Invalid as refused:
        raise Invalid(
            refused.message, code=refused.code, fields={"url": [refused.message]}
        ) from None
    return url.strip()


@transaction.atomic
def endpoint_create(
    *, actor, name: str, url: str, events: list[str] | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, shown only this once."""
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        name=_name(name),
        url=_url(url),
        events=_events(events),
        secret_encrypted=secret_seal(secret),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_CREATED,
        obj=endpoint,
        data={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor,
    name: str | None = None,
    url: str | None = None,
    events: list[str] | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    changed = {}
    if name is not None:
        changed["name"] = _name(name)
    if url is not None:
        changed["url"] = _url(url)
    if events is not None:
        changed["events"] = _events(events)
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise Invalid(
                _("“enabled” is true or false."), fields={"enabled": [_("A boolean.")]}
            )
        changed["enabled"] = enabled
        if enabled:
            changed.update(disabled_reason="", failure_streak=0, first_failure_at=None)
        elif endpoint.enabled:
            changed["disabled_reason"] = WebhookEndpoint.DisabledReason.MANUAL
    for key, value in changed.items():
        setattr(endpoint, key, value)
    endpoint.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_UPDATED,
        obj=endpoint,
        data={"fields": sorted(changed)},
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor, overlap: timedelta = ROTATION_OVERLAP
) -> str:
    """A new secret, returned once; the old one keeps signing beside it for
    ``overlap`` (both signatures are sent), then stops."""
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = timezone.now() + overlap
    endpoint.secret_encrypted = secret_seal(secret)
    endpoint.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_SECRET_ROTATED,
        obj=endpoint,
        data={"overlap_hours": overlap.total_seconds() / 3600},
    )
    return secret


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_DELETED,
        obj=endpoint,
        data={"url": endpoint.url},
    )
    endpoint.delete()


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint, actor) -> WebhookDelivery:
    """Send a signed test event (`webhook.ping`) to the endpoint now."""
    if not endpoint.enabled:
        raise Conflict(_("Enable the endpoint before testing it."), code="disabled")
    now = timezone.now()
    message_id = new_message_id()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id,
        event_type="webhook.ping",
        payload={
            "type": "webhook.ping",
            "timestamp": now.isoformat(),
            "data": {"endpoint_id": endpoint.pk},
        },
        next_attempt_at=now,
    )
    transaction.on_commit(events.relay_wake)
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery again from the start of the schedule, same `webhook-id`."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise Conflict(_("This delivery is still being tried."), code="pending")
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_REDELIVERED,
        obj=delivery,
        data={"message_id": delivery.message_id},
    )
    transaction.on_commit(events.relay_wake)
    return delivery
