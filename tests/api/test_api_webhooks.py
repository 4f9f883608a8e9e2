"""Webhook endpoints through the API: the secret once, never replayed, targets
checked, and every event documented in the schema."""

import pytest

from hiring.models import ApiKey, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def client(api_client):
    return api_client(ApiKey.Scope.WEBHOOKS_MANAGE)


def test_it_shows_the_secret_once_and_never_replays_it(client):
    body = {"name": "ATS", "url": "https://127.0.0.1/hook", "events": []}

    first = client.post(
        "/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == 201
    assert first.json()["secret"].startswith("whsec_")
    assert again.status_code == 201
    assert again.json()["secret"] is None
    assert again.json()["id"] == first.json()["id"]
    assert WebhookEndpoint.objects.count() == 1
    assert "secret" not in client.get(f"/api/v1/webhooks/{first.json()['id']}/").json()


def test_it_names_a_refused_target(client, settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = False

    response = client.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "https://169.254.169.254/latest"},
        format="json",
    )

    assert response.status_code == 400
    assert "public addresses" in response.json()["errors"]["url"][0]


def test_it_refuses_an_unknown_event_type(client):
    response = client.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "https://127.0.0.1/h", "events": ["everything"]},
        format="json",
    )
    assert response.status_code == 400
    assert any(key.startswith("events") for key in response.json()["errors"])


def test_it_rotates_pings_disables_and_deletes(client):
    created = client.post(
        "/api/v1/webhooks/",
        {"name": "ATS", "url": "https://127.0.0.1/hook"},
        format="json",
    ).json()
    path = f"/api/v1/webhooks/{created['id']}/"

    rotated = client.post(path + "rotate-secret/").json()
    ping = client.post(path + "ping/")
    disabled = client.patch(path, {"enabled": False}, format="json").json()
    deliveries = client.get(path + "deliveries/").json()
    deleted = client.delete(path)

    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert ping.status_code == 202
    assert disabled["disabled_reason"] == "manual"
    assert [d["event_type"] for d in deliveries] == ["webhook.ping"]
    assert deleted.status_code == 204
    assert not WebhookDelivery.objects.exists()


def test_it_documents_every_event_in_the_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()

    assert set(schema["x-webhooks"]) == {
        "invitation.sent",
        "invitation.opened",
        "assessment.submitted",
        "assessment.scored",
        "scorecard.submitted",
        "interview.completed",
        "application.decided",
        "hire_outcome.recorded",
    }
    scored = schema["x-webhooks"]["assessment.scored"]["post"]
    assert "webhook-signature" in scored["description"]
