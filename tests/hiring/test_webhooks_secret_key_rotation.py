"""The server's secret key can be rotated without losing the webhook endpoints:
their sealed signing secrets open under a fallback key, are sealed again under
the new one by `reseal_webhook_secrets`, and an endpoint no key opens fails its
attempts with the reason instead of crashing the delivery task."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from standardwebhooks.webhooks import Webhook

from hiring.events import event_record
from hiring.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from hiring.tasks import webhooks_send_task
from hiring.webhooks.delivery import UNREADABLE_SECRET
from hiring.webhooks.services import endpoint_create, endpoint_rotate_secret

pytestmark = pytest.mark.django_db

OLD_KEY = "the-former-server-key-" + "o" * 40
NEW_KEY = "the-current-server-key-" + "n" * 40


@pytest.fixture
def endpoint(receiver, admin_user, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    endpoint, secret = endpoint_create(
        actor=admin_user, name="ATS", url=receiver.url, events=[]
    )
    endpoint.secret = secret
    return endpoint


def _deliver_one(receiver):
    event_record(type="assessment.scored", data={"invitation_id": 1})
    webhooks_send_task()
    return receiver.requests[-1]


def test_a_fallback_key_keeps_the_endpoints_signing(receiver, endpoint, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    request = _deliver_one(receiver)

    assert Webhook(endpoint.secret).verify(request.body, request.headers)
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED


def test_resealed_secrets_need_no_fallback(receiver, endpoint, admin_user, settings):
    # An overlap in progress: the previous secret is resealed too.
    new_secret = endpoint_rotate_secret(
        endpoint=endpoint, actor=admin_user, overlap=timedelta(hours=1)
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    before = WebhookEndpoint.objects.values_list(
        "secret_encrypted", "previous_secret_encrypted"
    ).get()

    call_command("reseal_webhook_secrets", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = []

    after = WebhookEndpoint.objects.values_list(
        "secret_encrypted", "previous_secret_encrypted"
    ).get()
    assert after[0] != before[0]
    assert after[1] != before[1]
    request = _deliver_one(receiver)
    # Both the new secret and the one still in its overlap sign.
    assert Webhook(new_secret).verify(request.body, request.headers)
    assert Webhook(endpoint.secret).verify(request.body, request.headers)


def test_an_endpoint_no_key_opens_fails_its_attempts_with_the_reason(
    receiver, endpoint, settings
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

    event_record(type="assessment.scored", data={"invitation_id": 1})
    webhooks_send_task()  # does not raise

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING  # backing off
    assert delivery.next_attempt_at is not None
    assert WebhookAttempt.objects.get().error == UNREADABLE_SECRET
    with pytest.raises(CommandError, match=rf"#{endpoint.pk} \(ATS\)"):
        call_command("reseal_webhook_secrets", stdout=io.StringIO())
