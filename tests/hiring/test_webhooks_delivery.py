"""The relay fans events out to subscribed endpoints; each attempt is signed per
Standard Webhooks, logged, and retried on a schedule kept in the database."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hiring.events import event_record
from hiring.models import AuditEvent, WebhookDelivery, WebhookEndpoint
from hiring.tasks import webhooks_send_task
from hiring.webhooks.delivery import EXCERPT_BYTES, delivery_attempt
from hiring.webhooks.relay import CLAIM_LEASE, deliveries_claim, outbox_relay
from hiring.webhooks.services import (
    delivery_redeliver,
    endpoint_create,
    endpoint_ping,
    endpoint_rotate_secret,
    endpoint_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_backoff(settings):
    settings.CRIBA_WEBHOOK_BACKOFF_SCALE = 1.0


@pytest.fixture
def endpoint(receiver, admin_user):
    endpoint, secret = endpoint_create(
        actor=admin_user, name="ATS", url=receiver.url, events=[]
    )
    endpoint.secret = secret
    return endpoint


def _scored(invitation_id=1):
    return event_record(type="assessment.scored", data={"invitation_id": invitation_id})


def test_it_shows_the_secret_once_and_stores_it_sealed(endpoint):
    assert endpoint.secret.startswith("whsec_")
    stored = WebhookEndpoint.objects.filter(pk=endpoint.pk).values().get()
    assert not any(endpoint.secret in str(value) for value in stored.values())
    assert AuditEvent.objects.filter(action="webhook.created").exists()


def test_it_delivers_a_signed_event_that_any_verifier_accepts(receiver, endpoint):
    event = _scored()

    assert webhooks_send_task() == 1

    (request,) = receiver.requests
    assert request.headers["webhook-id"] == event.message_id
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "assessment.scored"
    assert payload["data"] == {"invitation_id": 1}
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempt_log.get().status_code == 204


def test_it_sends_only_the_events_an_endpoint_subscribed_to(receiver, admin_user):
    endpoint_create(
        actor=admin_user, name="only sent", url=receiver.url, events=["invitation.sent"]
    )
    _scored()
    event_record(type="invitation.sent", data={"invitation_id": 2})

    assert len(outbox_relay()) == 1
    assert WebhookDelivery.objects.get().event_type == "invitation.sent"
    assert outbox_relay() == []  # every event is relayed once


def test_it_retries_with_the_same_id_and_a_growing_delay(receiver, endpoint):
    receiver.answer([500, 503])
    event = _scored()
    outbox_relay()
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()

    delivery_attempt(delivery_id=delivery.pk, now=now)
    delivery.refresh_from_db()
    first_delay = delivery.next_attempt_at - now
    second_at = delivery.next_attempt_at
    delivery_attempt(delivery_id=delivery.pk, now=second_at)
    delivery.refresh_from_db()
    second_delay = delivery.next_attempt_at - second_at

    assert timedelta(seconds=5) <= first_delay <= timedelta(seconds=6)
    assert timedelta(minutes=1) <= second_delay <= timedelta(minutes=1.2)
    assert delivery.attempts == 2
    assert delivery.status == WebhookDelivery.Status.PENDING
    delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {event.message_id}
    assert [a.status_code for a in delivery.attempt_log.order_by("at")] == [
        500,
        503,
        204,
    ]


def test_it_gives_up_after_about_three_days(
    receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.default = 500
    _scored()
    outbox_relay()
    delivery = WebhookDelivery.objects.get()
    started = timezone.now()
    now = started
    with django_capture_on_commit_callbacks(execute=True):
        while delivery.status == WebhookDelivery.Status.PENDING:
            delivery_attempt(delivery_id=delivery.pk, now=now)
            delivery.refresh_from_db()
            now = delivery.next_attempt_at or now

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert timedelta(days=2.5) < now - started < timedelta(days=4)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.FAILING
    assert "disabled" in mail.outbox[-1].subject
    # What the administrators read matches what happens while it is disabled.
    body = " ".join(mail.outbox[-1].body.split())
    assert "events that happen while it is disabled are not queued for it" in body
    assert "Events are kept" not in body


def test_it_disables_an_endpoint_that_answers_410(receiver, endpoint):
    receiver.answer([410])
    _scored()

    webhooks_send_task()

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "gone")
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.FAILED


def test_it_honours_retry_after_on_429(receiver, endpoint):
    receiver.answer([(429, {"Retry-After": "120"})])
    _scored()
    outbox_relay()
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()

    delivery_attempt(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert delivery.next_attempt_at - now == timedelta(seconds=120)


def test_it_does_not_follow_redirects_and_keeps_a_bounded_excerpt(receiver, endpoint):
    receiver.answer([(302, {"Location": "http://169.254.169.254/"})])
    _scored()

    webhooks_send_task()

    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 302
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert len(receiver.requests) == 1
    attempt = delivery.attempt_log.get()
    assert len(attempt.response_excerpt) <= EXCERPT_BYTES


def test_it_signs_with_both_secrets_during_a_rotation(receiver, endpoint, admin_user):
    new_secret = endpoint_rotate_secret(endpoint=endpoint, actor=admin_user)
    _scored()

    webhooks_send_task()

    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(endpoint.secret).verify(request.body, request.headers)
    Webhook(new_secret).verify(request.body, request.headers)


def test_it_stops_signing_with_the_old_secret_after_the_overlap(
    receiver, endpoint, admin_user
):
    new_secret = endpoint_rotate_secret(
        endpoint=endpoint, actor=admin_user, overlap=timedelta(0)
    )
    _scored()

    webhooks_send_task()

    (request,) = receiver.requests
    Webhook(new_secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body, request.headers)


def test_it_pings_and_redelivers_with_the_same_id(receiver, endpoint, admin_user):
    ping = endpoint_ping(endpoint=endpoint, actor=admin_user)
    webhooks_send_task()
    ping.refresh_from_db()
    assert ping.status == WebhookDelivery.Status.SUCCEEDED

    delivery_redeliver(delivery=ping, actor=admin_user)
    webhooks_send_task()

    assert [r.headers["webhook-id"] for r in receiver.requests] == [
        ping.message_id,
        ping.message_id,
    ]
    assert AuditEvent.objects.filter(action="webhook.redelivered").exists()


def test_a_delivery_deleted_since_it_was_shown_is_not_found(endpoint, admin_user):
    """The history's retention may delete a delivery between the page that shows
    it and the press of "Redeliver": a clear not-found, not a server error."""
    from hiring.errors import NotFound

    ping = endpoint_ping(endpoint=endpoint, actor=admin_user)
    WebhookDelivery.objects.filter(pk=ping.pk).delete()

    with pytest.raises(NotFound, match="no longer kept"):
        delivery_redeliver(delivery=ping, actor=admin_user)
    assert not AuditEvent.objects.filter(action="webhook.redelivered").exists()


def test_it_claims_a_due_delivery_only_once(receiver, endpoint):
    _scored()
    (relayed,) = outbox_relay()  # leased to the relaying worker

    assert deliveries_claim() == []
    after_lease = timezone.now() + CLAIM_LEASE + timedelta(seconds=1)
    assert deliveries_claim(now=after_lease) == [relayed.pk]
    assert deliveries_claim(now=after_lease) == []


def test_it_sends_nothing_to_a_disabled_endpoint(receiver, endpoint, admin_user):
    endpoint_update(endpoint=endpoint, actor=admin_user, enabled=False)
    _scored()

    assert webhooks_send_task() == 0
    assert receiver.requests == []
