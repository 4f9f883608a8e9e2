"""An integration fixes its receiver, enables its endpoint again and sends what
failed once more, through the API alone, with the same `webhook-id`."""

import pytest
from standardwebhooks.webhooks import Webhook

from hiring.events import event_record
from hiring.models import ApiKey, AuditEvent, WebhookDelivery
from hiring.tasks import webhooks_send_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api_client):
    return api_client(ApiKey.Scope.WEBHOOKS_MANAGE, ApiKey.Scope.RESULTS_READ)


def _register(client, receiver) -> dict:
    return client.post(
        "/api/v1/webhooks/", {"name": "ATS", "url": receiver.url}, format="json"
    ).json()


def _scored(invitation_id: int) -> None:
    event_record(
        type="assessment.scored",
        data={"invitation_id": invitation_id, "application_id": 1},
    )


def test_it_sends_a_failed_delivery_again_with_the_same_id(client, receiver):
    created = _register(client, receiver)
    path = f"/api/v1/webhooks/{created['id']}/"
    receiver.answer([410])  # the receiver was broken: the endpoint is disabled
    _scored(1)
    webhooks_send_task()
    (failed,) = client.get(path + "deliveries/").json()
    assert failed["status"] == "failed"

    client.patch(path, {"enabled": True}, format="json")
    answer = client.post(path + f"deliveries/{failed['id']}/redeliver/")
    webhooks_send_task()

    assert answer.status_code == 202
    assert answer.json()["status"] == "pending"
    first, again = receiver.wait_for(2)
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert Webhook(created["secret"]).verify(again.body, again.headers)["data"] == {
        "invitation_id": 1,
        "application_id": 1,
    }
    (listed,) = client.get(path + "deliveries/").json()
    assert (listed["status"], listed["attempts"]) == ("succeeded", 1)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.WEBHOOK_REDELIVERED)
    assert audit.data["api_key"] == client.api_key.prefix


def test_it_refuses_a_delivery_still_being_tried(client, receiver):
    created = _register(client, receiver)
    path = f"/api/v1/webhooks/{created['id']}/"
    receiver.answer([500])
    _scored(1)
    webhooks_send_task()
    (pending,) = client.get(path + "deliveries/").json()

    answer = client.post(path + f"deliveries/{pending['id']}/redeliver/")

    assert answer.status_code == 409
    assert answer.json()["code"] == "pending"


def test_it_answers_404_for_another_endpoints_delivery(client, api_client, receiver):
    mine = _register(client, receiver)
    other_client = api_client(ApiKey.Scope.WEBHOOKS_MANAGE, ApiKey.Scope.RESULTS_READ)
    theirs = _register(other_client, receiver)
    _scored(1)
    webhooks_send_task()
    their_delivery = WebhookDelivery.objects.get(endpoint_id=theirs["id"])

    through_mine = client.post(
        f"/api/v1/webhooks/{mine['id']}/deliveries/{their_delivery.pk}/redeliver/"
    )
    through_theirs = client.post(
        f"/api/v1/webhooks/{theirs['id']}/deliveries/{their_delivery.pk}/redeliver/"
    )

    assert through_mine.status_code == 404
    assert through_mine["content-type"] == "application/problem+json"
    assert through_theirs.status_code == 404
    too_large = client.post(
        f"/api/v1/webhooks/{mine['id']}/deliveries/{'9' * 30}/redeliver/"
    )
    assert too_large.status_code == 404
    their_delivery.refresh_from_db()
    assert their_delivery.status == WebhookDelivery.Status.SUCCEEDED


def test_it_sends_nothing_of_what_happened_while_it_was_disabled(client, receiver):
    created = _register(client, receiver)
    path = f"/api/v1/webhooks/{created['id']}/"
    client.patch(path, {"enabled": False}, format="json")
    _scored(1)
    webhooks_send_task()

    client.patch(path, {"enabled": True}, format="json")
    _scored(2)
    webhooks_send_task()

    (received,) = receiver.wait_for(1)
    body = Webhook(created["secret"]).verify(received.body, received.headers)
    assert body["data"]["invitation_id"] == 2
    assert [d["event_type"] for d in client.get(path + "deliveries/").json()] == [
        "assessment.scored"
    ]
