"""An endpoint a key registers receives only the events whose data that key's
scopes may read through the API: `webhooks:manage` alone opens no results,
interviews or hire outcomes."""

import pytest
from django.utils import timezone

from hiring.events import event_record
from hiring.models import ApiKey, OutboxEvent, WebhookDelivery
from hiring.services import api_key_create
from hiring.tasks import webhooks_send_task
from hiring.webhooks.delivery import delivery_attempt, delivery_send
from hiring.webhooks.relay import outbox_relay
from hiring.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

HOOKS = ApiKey.Scope.WEBHOOKS_MANAGE


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True


def _every_event() -> None:
    for event_type in OutboxEvent.Type.values:
        event_record(type=event_type, data={"application_id": 1})


def _received(*scopes: str) -> set[str]:
    api_key, _raw = api_key_create(name=f"ATS {scopes}", scopes=[HOOKS, *scopes])
    endpoint, _secret = endpoint_create(
        actor=None, name="ATS", url="https://127.0.0.1/hook", api_key=api_key
    )
    _every_event()
    outbox_relay()
    return set(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list(
            "event_type", flat=True
        )
    )


def test_a_key_that_only_manages_webhooks_receives_no_data():
    assert _received() == set()


def test_results_read_receives_the_scored_event_and_nothing_more():
    assert _received(ApiKey.Scope.RESULTS_READ) == {"assessment.scored"}


def test_outcomes_and_interviews_need_their_own_scopes():
    assert _received(ApiKey.Scope.OUTCOMES_READ) == {"hire_outcome.recorded"}
    assert _received(ApiKey.Scope.INTERVIEWS_READ) == {
        "scorecard.submitted",
        "interview.completed",
    }


def test_an_endpoint_an_administrator_added_receives_everything(admin_user):
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="Ops", url="https://127.0.0.1/ops"
    )
    _every_event()
    outbox_relay()

    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == len(
        OutboxEvent.Type.values
    )


def test_every_event_names_the_scopes_that_read_it():
    from hiring.models import EVENT_SCOPES

    assert set(EVENT_SCOPES) == set(OutboxEvent.Type.values)


def test_it_refuses_to_subscribe_a_key_to_events_it_may_not_read(api_client):
    client = api_client(HOOKS, ApiKey.Scope.RESULTS_READ)

    response = client.post(
        "/api/v1/webhooks/",
        {
            "name": "x",
            "url": "https://127.0.0.1/h",
            "events": ["assessment.scored", "hire_outcome.recorded"],
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "event_out_of_scope"
    (message,) = body["errors"]["events"]
    assert "hire_outcome.recorded" in message
    assert "outcomes:read" in message
    assert not client.api_key.webhook_endpoints.exists()


def test_a_scope_taken_away_later_stops_its_events(api_client):
    client = api_client(HOOKS, ApiKey.Scope.OUTCOMES_READ)
    client.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "https://127.0.0.1/h"},
        format="json",
    )
    ApiKey.objects.filter(pk=client.api_key.pk).update(scopes=[HOOKS])

    event_record(type="hire_outcome.recorded", data={"application_id": 1})
    outbox_relay()

    assert not WebhookDelivery.objects.exists()


def test_an_administrator_cannot_tick_an_event_the_endpoints_key_may_not_read(
    admin_user,
):
    from hiring.errors import Invalid
    from hiring.webhooks.services import endpoint_update

    api_key, _raw = api_key_create(
        name="ATS", scopes=[HOOKS, ApiKey.Scope.RESULTS_READ]
    )
    endpoint, _secret = endpoint_create(
        actor=None, name="ATS", url="https://127.0.0.1/hook", api_key=api_key
    )

    with pytest.raises(Invalid) as refused:
        endpoint_update(
            endpoint=endpoint,
            actor=admin_user,
            events=["assessment.scored", "hire_outcome.recorded"],
        )

    assert refused.value.code == "event_out_of_scope"
    endpoint.refresh_from_db()
    assert endpoint.events == []
    # What the key reads may still be ticked.
    endpoint_update(endpoint=endpoint, actor=admin_user, events=["assessment.scored"])
    endpoint.refresh_from_db()
    assert endpoint.events == ["assessment.scored"]


def _scored_delivery(receiver, *scopes: str):
    api_key, _raw = api_key_create(name="ATS", scopes=[HOOKS, *scopes])
    endpoint, _secret = endpoint_create(
        actor=None, name="ATS", url=receiver.url, api_key=api_key
    )
    event_record(type="assessment.scored", data={"invitation_id": 1, "band": "A"})
    (delivery,) = outbox_relay()
    return api_key, endpoint, delivery


def test_a_scope_taken_away_stops_the_deliveries_already_queued(receiver):
    # Queued (a retry waiting, say) while the key could read results; the key
    # loses the scope before the attempt is made.
    api_key, _endpoint, delivery = _scored_delivery(receiver, ApiKey.Scope.RESULTS_READ)
    ApiKey.objects.filter(pk=api_key.pk).update(scopes=[HOOKS])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now()
    )

    delivery_attempt(delivery_id=delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code is None
    assert "results:read" in attempt.error


def test_a_delivery_is_not_sent_again_once_its_scope_is_taken_away(
    receiver, api_client
):
    client = api_client(HOOKS, ApiKey.Scope.RESULTS_READ)
    created = client.post(
        "/api/v1/webhooks/", {"name": "x", "url": receiver.url}, format="json"
    )
    endpoint_id = created.json()["id"]
    event_record(type="assessment.scored", data={"invitation_id": 1, "band": "A"})
    (delivery,) = outbox_relay()
    delivery_send(delivery)
    assert len(receiver.requests) == 1
    ApiKey.objects.filter(pk=client.api_key.pk).update(scopes=[HOOKS])

    response = client.post(
        f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery.pk}/redeliver/"
    )

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "event_out_of_scope"
    assert "results:read" in response.json()["detail"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    webhooks_send_task()
    assert len(receiver.requests) == 1


def test_a_key_endpoint_still_gets_its_test_ping(receiver, api_client):
    client = api_client(HOOKS)
    created = client.post(
        "/api/v1/webhooks/", {"name": "x", "url": receiver.url}, format="json"
    )

    response = client.post(f"/api/v1/webhooks/{created.json()['id']}/ping/")
    webhooks_send_task()

    assert response.status_code == 202
    (request,) = receiver.requests
    assert request.headers["webhook-id"] == response.json()["message_id"]
