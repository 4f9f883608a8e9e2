"""What administrators (pages, admin) and API keys do with webhook endpoints.

An endpoint registered through the API belongs to the key that registered it
(``api_key``). Each function takes the key when an API key acts: the key then
reaches only its own endpoints (another's is NotFound, as a missing one), and
the audit row names it. Without a key an administrator acts, on any endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring import events
from hiring.errors import Conflict, Forbidden, Invalid, NotFound
from hiring.models import (
    WEBHOOK_PING,
    ApiKey,
    AuditEvent,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
    new_message_id,
)
from hiring.services import audit_record
from hiring.webhooks.secrets import secret_new, secret_reseal, secret_seal
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


def _events_readable(events: list[str], api_key: ApiKey | None) -> None:
    """An event a key may not read is refused by name, not accepted and then
    never sent."""
    if api_key is None:
        return
    refused = [event for event in events if not api_key.may_receive(event)]
    if refused:
        raise Invalid(
            _("This API key may not read the data of some of these events."),
            code="event_out_of_scope",
            fields={
                "events": [out_of_scope_message(api_key, event) for event in refused]
            },
        )


def out_of_scope_message(api_key: ApiKey, event_type: str) -> str:
    """Why a key's endpoint is not sent an event: the scope it would need."""
    return _("%(event)s needs the scope %(scopes)s.") % {
        "event": event_type,
        "scopes": _(" or ").join(api_key.scopes_to_receive(event_type)),
    }


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


def _key_in_force(api_key: ApiKey | None) -> None:
    """Lock the acting key's row and refuse it when it has been revoked.

    Another web process may trust a key for a few seconds after its revocation
    (`hiring.selectors.API_KEY_RECHECK_SECONDS`); revocation updates the same row
    and disables the key's endpoints, so a write waits for it and then fails here
    instead of registering or enabling an endpoint behind it.
    """
    if api_key is None:
        return
    in_force = (
        ApiKey.objects.select_for_update()
        .filter(pk=api_key.pk, revoked_at__isnull=True)
        .exists()
    )
    if not in_force:
        raise Forbidden(_("This API key has been revoked."), code="api_key_revoked")


def _owned(endpoint: WebhookEndpoint, api_key: ApiKey | None) -> None:
    """A key reaches only the endpoints it registered; an administrator, all."""
    if api_key is not None and endpoint.api_key_id != api_key.pk:
        raise NotFound(_("No such webhook endpoint."))


def _reach(endpoint: WebhookEndpoint, api_key: ApiKey | None) -> None:
    _key_in_force(api_key)
    _owned(endpoint, api_key)


def _by(api_key: ApiKey | None) -> dict:
    """What the audit row says of the key that acted (nothing for a person)."""
    return {"api_key": api_key.prefix} if api_key is not None else {}


@transaction.atomic
def endpoint_create(
    *,
    actor,
    name: str,
    url: str,
    events: list[str] | None = None,
    api_key: ApiKey | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (the key's, when a key registers it); returns it with
    its secret, shown only this once."""
    name, url, events = _name(name), _url(url), _events(events)
    _events_readable(events, api_key)
    # Checked (the URL's name resolved) before the key's row is locked.
    _key_in_force(api_key)
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        name=name,
        url=url,
        events=events,
        secret_encrypted=secret_seal(secret),
        api_key=api_key,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_CREATED,
        obj=endpoint,
        data={"url": endpoint.url, "events": endpoint.events, **_by(api_key)},
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
    api_key: ApiKey | None = None,
) -> WebhookEndpoint:
    _owned(endpoint, api_key)
    changed = {}
    if name is not None:
        changed["name"] = _name(name)
    if url is not None:
        changed["url"] = _url(url)
    if events is not None:
        changed["events"] = _events(events)
        # The endpoint's own key, also when an administrator edits it: an event
        # the key may not read would be accepted here and then never sent.
        _events_readable(changed["events"], endpoint.api_key)
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
    _key_in_force(api_key)  # after the URL's name resolved, as on creation
    for key, value in changed.items():
        setattr(endpoint, key, value)
    # Only what changed: a delivery failing meanwhile keeps its count.
    endpoint.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_UPDATED,
        obj=endpoint,
        data={"fields": sorted(changed), **_by(api_key)},
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *,
    endpoint: WebhookEndpoint,
    actor,
    overlap: timedelta = ROTATION_OVERLAP,
    api_key: ApiKey | None = None,
) -> str:
    """A new secret, returned once; the old one keeps signing beside it for
    ``overlap`` (both signatures are sent), then stops."""
    _key_in_force(api_key)
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    _owned(endpoint, api_key)
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = timezone.now() + overlap
    endpoint.secret_encrypted = secret_seal(secret)
    endpoint.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_SECRET_ROTATED,
        obj=endpoint,
        data={"overlap_hours": overlap.total_seconds() / 3600, **_by(api_key)},
    )
    return secret


@transaction.atomic
def endpoint_delete(
    *, endpoint: WebhookEndpoint, actor, api_key: ApiKey | None = None
) -> None:
    _reach(endpoint, api_key)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_DELETED,
        obj=endpoint,
        data={"url": endpoint.url, **_by(api_key)},
    )
    endpoint.delete()


@transaction.atomic
def endpoint_ping(
    *, endpoint: WebhookEndpoint, actor, api_key: ApiKey | None = None
) -> WebhookDelivery:
    """Send a signed test event (`webhook.ping`) to the endpoint now."""
    _reach(endpoint, api_key)
    if not endpoint.enabled:
        raise Conflict(_("Enable the endpoint before testing it."), code="disabled")
    now = timezone.now()
    message_id = new_message_id()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id,
        event_type=WEBHOOK_PING,
        payload={
            "type": WEBHOOK_PING,
            "timestamp": events.utc_timestamp(now),
            "data": {"endpoint_id": endpoint.pk},
        },
        next_attempt_at=now,
    )
    transaction.on_commit(events.relay_wake)
    return delivery


@transaction.atomic
def delivery_redeliver(
    *, delivery: WebhookDelivery, actor, api_key: ApiKey | None = None
) -> WebhookDelivery:
    """Send a delivery again from the start of the schedule, same `webhook-id`.

    One waiting for its disabled endpoint is sent once the endpoint is enabled."""
    _reach(delivery.endpoint, api_key)
    delivery = (
        WebhookDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
    )
    if delivery is None:  # deleted since it was shown (the history's retention)
        raise NotFound(
            _(
                "This delivery is no longer kept: the webhook history is deleted "
                "after its retention period."
            )
        )
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise Conflict(_("This delivery is still being tried."), code="pending")
    if not delivery.endpoint.may_carry(delivery.event_type):
        raise Forbidden(
            out_of_scope_message(delivery.endpoint.api_key, delivery.event_type),
            code="event_out_of_scope",
        )
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.WEBHOOK_REDELIVERED,
        obj=delivery,
        data={"message_id": delivery.message_id, **_by(api_key)},
    )
    transaction.on_commit(events.relay_wake)
    return delivery


@dataclass(frozen=True)
class ResealSummary:
    resealed: int
    unreadable: list[WebhookEndpoint]


def webhook_secrets_reseal() -> ResealSummary:
    """Seal every endpoint's secrets (current and, during an overlap, previous)
    under the server's current key, after `DJANGO_SECRET_KEY` changed and the old
    key was kept in `DJANGO_SECRET_KEY_FALLBACKS`. One endpoint at a time, under
    its row lock, so a rotation meanwhile is not undone. An endpoint whose secret
    no key opens is left as it is and returned: it needs a new secret."""
    resealed, unreadable = 0, []
    for pk in WebhookEndpoint.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=pk).first()
            if endpoint is None:
                continue  # deleted meanwhile
            try:
                endpoint.secret_encrypted = secret_reseal(endpoint.secret_encrypted)
                if endpoint.previous_secret_encrypted:
                    endpoint.previous_secret_encrypted = secret_reseal(
                        endpoint.previous_secret_encrypted
                    )
            except InvalidToken:
                unreadable.append(endpoint)
                continue
            endpoint.save(
                update_fields=["secret_encrypted", "previous_secret_encrypted"]
            )
            resealed += 1
    return ResealSummary(resealed=resealed, unreadable=unreadable)
