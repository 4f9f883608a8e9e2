"""A receiver that drips its answer a byte at a time cannot hold an attempt past
its time: the read timeout bounds each wait for a byte, not their sum, so the
attempt as a whole has its own limit. Otherwise one hostile endpoint outlives the
claim's lease (another worker sends the event again) and the task's time limit
(the attempt is never recorded, so it never backs off nor disables the endpoint,
and holds a worker every minute)."""

from __future__ import annotations

import time

import pytest

from hiring.events import event_record
from hiring.models import WebhookAttempt, WebhookDelivery
from hiring.webhooks import delivery as delivery_module
from hiring.webhooks.delivery import attempt_seconds, delivery_attempt, http_post
from hiring.webhooks.relay import CLAIM_LEASE, outbox_relay
from hiring.webhooks.services import endpoint_create
from tests.webhook_receiver import RawReceiver

pytestmark = pytest.mark.django_db

DRIP_SECONDS = 0.1
# Each byte well within the read timeout, the whole answer (about 9 s) not.
SLOW_ANSWER = (
    b"HTTP/1.1 200 OK\r\nx-slow: " + b"a" * 60 + b"\r\ncontent-length: 2\r\n\r\nok"
)


@pytest.fixture
def dripping(settings, monkeypatch):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    # The attempt's limit is 1 s here.
    monkeypatch.setattr(delivery_module, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(delivery_module, "READ_TIMEOUT", 0.5)
    receiver = RawReceiver(SLOW_ANSWER, drip=DRIP_SECONDS)
    yield receiver
    receiver.stop()


def test_it_ends_an_attempt_whose_answer_trickles_in_past_its_limit(dripping):
    started = time.monotonic()

    outcome = http_post(dripping.url, b"{}", {"content-type": "application/json"})

    took = time.monotonic() - started
    assert took < attempt_seconds() + 1.5
    assert outcome.status_code is None
    assert not outcome.succeeded
    assert outcome.error


def test_it_records_the_cut_attempt_and_schedules_a_retry(dripping, admin_user):
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="Slow", url=dripping.url, events=[]
    )
    event_record(type="assessment.scored", data={"invitation_id": 1})
    [delivery] = outbox_relay()

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.duration_ms < (attempt_seconds() + 1.5) * 1000
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    endpoint.refresh_from_db()
    assert endpoint.failure_streak == 1


def test_an_attempt_ends_before_its_claim_runs_out():
    # A claimed delivery is not claimed again while its attempt may still run;
    # the name's resolution comes before and is bounded by the resolver.
    assert attempt_seconds() < CLAIM_LEASE.total_seconds() / 2
