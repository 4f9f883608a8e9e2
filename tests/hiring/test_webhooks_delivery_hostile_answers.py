"""Whatever a receiver answers, the attempt is recorded: its excerpt is text the
database can hold. An attempt whose record fails to save is never counted, so it
would be made again after every claim's lease, never backing off nor disabling
the endpoint."""

from __future__ import annotations

import pytest

from hiring.events import event_record
from hiring.models import WebhookAttempt, WebhookDelivery
from hiring.webhooks.delivery import EXCERPT_BYTES, delivery_attempt
from hiring.webhooks.relay import outbox_relay
from hiring.webhooks.services import endpoint_create
from tests.webhook_receiver import RawReceiver

pytestmark = pytest.mark.django_db


def _answer(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\ncontent-length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


def _attempt_against(settings, admin_user, answer: bytes) -> WebhookDelivery:
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    receiver = RawReceiver(answer)
    try:
        endpoint_create(actor=admin_user, name="ATS", url=receiver.url, events=[])
        event_record(type="assessment.scored", data={"invitation_id": 1})
        (delivery,) = outbox_relay()
        delivery_attempt(delivery_id=delivery.pk)
    finally:
        receiver.stop()
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize(
    "body",
    [b"not\x00here", b"\x00" * 600, b"\xff\xfe\x00b\x00a\x00d"],
    ids=["nul", "only-nul", "utf-16"],
)
def test_it_records_an_answer_holding_nul_characters(settings, admin_user, body):
    delivery = _attempt_against(
        settings, admin_user, _answer("500 Internal Server Error", body)
    )

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 500
    assert "\x00" not in attempt.response_excerpt
    assert len(attempt.response_excerpt) <= EXCERPT_BYTES
    assert delivery.attempts == 1
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_a_success_with_nul_in_its_answer_is_delivered(settings, admin_user):
    delivery = _attempt_against(settings, admin_user, _answer("200 OK", b"ok\x00"))

    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert WebhookAttempt.objects.get(delivery=delivery).response_excerpt.startswith(
        "ok"
    )
