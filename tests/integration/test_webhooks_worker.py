"""Webhooks delivered by real workers: a receiver that fails three times gets the
event once it accepts, with the same `webhook-id` every time and signatures that
the Standard Webhooks library verifies; two workers never send an attempt twice."""

import pytest
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from hiring.events import event_record, relay_wake
from hiring.models import WebhookDelivery
from hiring.webhooks.services import endpoint_create
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WEBHOOK_ENV = {
    "CRIBA_WEBHOOK_ALLOW_PRIVATE": "true",
    # 5 s, 1 min, 5 min become 10 ms, 120 ms, 600 ms.
    "CRIBA_WEBHOOK_BACKOFF_SCALE": "0.002",
}


@pytest.fixture
def endpoint(receiver, admin_user):
    endpoint, secret = endpoint_create(actor=admin_user, name="ATS", url=receiver.url)
    endpoint.secret = secret
    return endpoint


def test_it_delivers_after_three_failures_with_one_id(
    receiver, endpoint, broker_for_tests, start_worker
):
    receiver.answer([500, 502, 503])
    worker = start_worker(env=WEBHOOK_ENV).wait_ready()

    event = event_record(type="assessment.scored", data={"invitation_id": 7})

    requests = receiver.wait_for(4, timeout=60)
    wait_until(
        lambda: WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.SUCCEEDED
        ).exists(),
        timeout=30,
        what="the delivery to be recorded as delivered",
        log=worker.log,
    )
    assert {r.headers["webhook-id"] for r in requests} == {event.message_id}
    verifier = Webhook(endpoint.secret)
    for request in requests:
        assert verifier.verify(request.body, request.headers)["data"] == {
            "invitation_id": 7
        }
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 4
    assert [a.status_code for a in delivery.attempt_log.order_by("at")] == [
        500,
        502,
        503,
        204,
    ]


def test_two_workers_never_send_an_attempt_twice(
    receiver, endpoint, broker_for_tests, start_worker
):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("SKIP LOCKED claims need PostgreSQL")
    events = [
        event_record(type="assessment.scored", data={"invitation_id": i})
        for i in range(60)
    ]
    first = start_worker(env=WEBHOOK_ENV)
    second = start_worker(env=WEBHOOK_ENV)
    first.wait_ready()
    second.wait_ready()
    for _ in range(6):
        relay_wake()

    requests = receiver.wait_for(60, timeout=90)
    wait_until(
        lambda: (
            WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.SUCCEEDED
            ).count()
            == 60
        ),
        timeout=30,
        what="every delivery to be recorded",
        log=first.log,
    )
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 60
    assert sorted(ids) == sorted(e.message_id for e in events)
    assert len(requests) == 60
