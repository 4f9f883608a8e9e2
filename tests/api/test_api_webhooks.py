"""Webhook endpoints through the API: each belongs to the key that registered it,
the secret once, never replayed, targets checked, and every event documented in
the schema."""

import pytest
from django.utils import timezone

from hiring.models import (
    WEBHOOK_EVENT_TYPES,
    ApiKey,
    AuditEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from hiring.services import api_key_revoke
from hiring.webhooks.services import endpoint_create

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

    listed = client.get("/api/v1/webhooks/").json()["results"]
    moved = client.patch(path, {"url": "https://127.0.0.1/moved"}, format="json")
    rotated = client.post(path + "rotate-secret/").json()
    ping = client.post(path + "ping/")
    disabled = client.patch(path, {"enabled": False}, format="json").json()
    deliveries = client.get(path + "deliveries/").json()
    deleted = client.delete(path)

    assert [row["id"] for row in listed] == [created["id"]]
    assert moved.json()["url"] == "https://127.0.0.1/moved"
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert ping.status_code == 202
    assert disabled["disabled_reason"] == "manual"
    assert [d["event_type"] for d in deliveries] == ["webhook.ping"]
    assert deleted.status_code == 204
    assert not WebhookDelivery.objects.exists()
    assert not WebhookEndpoint.objects.exists()


def test_it_gives_the_endpoint_to_the_key_and_names_the_key_in_the_audit(client):
    created = client.post(
        "/api/v1/webhooks/",
        {"name": "ATS", "url": "https://127.0.0.1/hook"},
        format="json",
    ).json()
    path = f"/api/v1/webhooks/{created['id']}/"
    client.patch(path, {"name": "ATS 2"}, format="json")
    client.post(path + "rotate-secret/")
    client.delete(path)

    rows = AuditEvent.objects.filter(object_id=str(created["id"])).order_by("id")
    assert [(row.action, row.data["api_key"]) for row in rows] == [
        (AuditEvent.Action.WEBHOOK_ENDPOINT_CREATED, client.api_key.prefix),
        (AuditEvent.Action.WEBHOOK_ENDPOINT_UPDATED, client.api_key.prefix),
        (AuditEvent.Action.WEBHOOK_SECRET_ROTATED, client.api_key.prefix),
        (AuditEvent.Action.WEBHOOK_ENDPOINT_DELETED, client.api_key.prefix),
    ]


def test_it_hides_an_endpoint_an_administrator_added_from_every_key(client, admin_user):
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="Payroll", url="https://127.0.0.1/payroll"
    )
    path = f"/api/v1/webhooks/{endpoint.pk}/"

    assert endpoint.api_key is None
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert client.get(path).status_code == 404
    assert (
        client.patch(path, {"url": "https://127.0.0.1/x"}, format="json").status_code
        == 404
    )
    assert client.post(path + "rotate-secret/").status_code == 404
    assert client.delete(path).status_code == 404
    assert WebhookEndpoint.objects.get().url == "https://127.0.0.1/payroll"


def test_it_disables_a_revoked_keys_endpoints_and_audits_it(
    client, api_client, admin_user
):
    mine = client.post(
        "/api/v1/webhooks/",
        {"name": "ATS", "url": "https://127.0.0.1/a"},
        format="json",
    ).json()
    other = (
        api_client(ApiKey.Scope.WEBHOOKS_MANAGE, name="Other")
        .post(
            "/api/v1/webhooks/",
            {"name": "B", "url": "https://127.0.0.1/b"},
            format="json",
        )
        .json()
    )
    admins, _secret = endpoint_create(
        actor=admin_user, name="C", url="https://127.0.0.1/c"
    )

    assert api_key_revoke(api_key=client.api_key, actor=admin_user)

    endpoint = WebhookEndpoint.objects.get(pk=mine["id"])
    assert not endpoint.enabled
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.KEY_REVOKED
    assert endpoint.api_key_id == client.api_key.pk  # still a record of who
    assert WebhookEndpoint.objects.get(pk=other["id"]).enabled
    assert WebhookEndpoint.objects.get(pk=admins.pk).enabled
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_REVOKED)
    assert (revoked.actor, revoked.data) == (
        admin_user,
        {"api_key": client.api_key.prefix},
    )
    disabled = AuditEvent.objects.get(
        action=AuditEvent.Action.WEBHOOK_ENDPOINT_UPDATED, object_id=str(mine["id"])
    )
    assert disabled.actor == admin_user
    assert disabled.data["reason"] == "revoked"
    assert disabled.data["api_key"] == client.api_key.prefix
    # Revoking again changes nothing and audits nothing.
    audited = AuditEvent.objects.count()
    assert not api_key_revoke(api_key=client.api_key, actor=admin_user)
    assert AuditEvent.objects.count() == audited


def test_a_key_revoked_elsewhere_reaches_no_endpoint_while_still_trusted(client):
    """Another web process revoked the key; this one trusts it a few seconds
    more, but it can neither reach its endpoints nor register one."""
    created = client.post(
        "/api/v1/webhooks/",
        {"name": "ATS", "url": "https://127.0.0.1/a"},
        format="json",
    ).json()
    ApiKey.objects.filter(pk=client.api_key.pk).update(revoked_at=timezone.now())
    path = f"/api/v1/webhooks/{created['id']}/"

    assert client.get("/api/v1/jobs/").status_code == 403  # trusted, not scoped
    assert client.patch(path, {"enabled": True}, format="json").status_code == 404
    assert client.post(path + "rotate-secret/").status_code == 404
    refused = client.post(
        "/api/v1/webhooks/",
        {"name": "New", "url": "https://127.0.0.1/n"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "api_key_revoked"
    assert WebhookEndpoint.objects.count() == 1


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
        "webhook.ping",  # what POST /webhooks/{id}/ping/ sends
    }
    scored = schema["x-webhooks"]["assessment.scored"]["post"]
    assert "webhook-signature" in scored["description"]


def test_each_events_type_is_an_enum_of_its_own_name(client):
    """A receiver tells events apart by `type`: the schema gives each envelope
    its one value, required, and the list of them all is the code's one list."""
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    types = {}
    for name, item in schema["x-webhooks"].items():
        envelope = item["post"]["requestBody"]["content"]["application/json"]
        event = envelope["schema"]["$ref"].rpartition("/")[2]
        component = components[event]
        assert "type" in component["required"]
        types[name] = component["properties"]["type"]["enum"]
        # The data is a component named after its event, for generated clients.
        (data,) = component["properties"]["data"]["allOf"]
        assert data["$ref"].endswith("/" + event.removesuffix("Event") + "Data")
    assert not [name for name in components if name.startswith("_")]

    assert types == {name: [name] for name in WEBHOOK_EVENT_TYPES}
    assert components["WebhookEventTypeEnum"]["enum"] == list(WEBHOOK_EVENT_TYPES)
    delivery = components["Delivery"]["properties"]["event_type"]
    assert delivery["allOf"] == [{"$ref": "#/components/schemas/WebhookEventTypeEnum"}]
    subscribed = components["WebhookEndpoint"]["properties"]["events"]
    assert subscribed["type"] == "array"
    assert subscribed["items"] == {
        "$ref": "#/components/schemas/WebhookSubscribableEventTypeEnum"
    }


def test_the_services_refuse_another_keys_endpoint_too(api_client):
    """Behind the API's queryset, each service checks the key it is given."""
    from hiring.errors import NotFound
    from hiring.webhooks import services

    owner = api_client(ApiKey.Scope.WEBHOOKS_MANAGE, name="Owner").api_key
    intruder = api_client(ApiKey.Scope.WEBHOOKS_MANAGE, name="Intruder").api_key
    endpoint, _secret = endpoint_create(
        actor=None, name="ATS", url="https://127.0.0.1/a", api_key=owner
    )
    attempts = [
        lambda: services.endpoint_update(
            endpoint=endpoint, actor=None, api_key=intruder, url="https://127.0.0.1/x"
        ),
        lambda: services.endpoint_rotate_secret(
            endpoint=endpoint, actor=None, api_key=intruder
        ),
        lambda: services.endpoint_ping(endpoint=endpoint, actor=None, api_key=intruder),
        lambda: services.endpoint_delete(
            endpoint=endpoint, actor=None, api_key=intruder
        ),
    ]

    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()

    assert WebhookEndpoint.objects.get().url == "https://127.0.0.1/a"
    assert not WebhookDelivery.objects.exists()
