"""The webhook settings pages: superusers only, the secret shown once in the
response that made it and kept out of the session."""

import pytest
from django.contrib.sessions.models import Session

from hiring.events import event_record
from hiring.models import ApiKey, WebhookDelivery, WebhookEndpoint
from hiring.services import api_key_create, api_key_revoke
from hiring.webhooks.relay import outbox_relay
from hiring.webhooks.services import endpoint_create
from tests.hiring.support import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True


@pytest.mark.parametrize("who", ["alice", "bob", "dana", "charlie"])
def test_it_is_only_for_administrators(client, request, who):
    user = request.getfixturevalue(who)
    response = logged_in(client, user).get("/settings/webhooks/")
    assert response.status_code in {302, 403}
    assert response.status_code != 200


def test_it_shows_a_new_secret_once_and_never_in_the_session(client, admin_user):
    logged_in(client, admin_user)

    response = client.post(
        "/settings/webhooks/",
        {
            "name": "ATS",
            "url": "http://127.0.0.1:9/hook",
            "events": ["assessment.scored"],
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["assessment.scored"]
    secret = page.split(
        'id="new-secret" class="copy-field" type="text" readonly value="'
    )[1].split('"')[0]
    assert secret.startswith("whsec_")
    assert secret not in client.get("/settings/webhooks/").content.decode()
    assert not any(secret in str(s.get_decoded()) for s in Session.objects.all())


def test_it_names_a_refused_url(client, admin_user, settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = False
    logged_in(client, admin_user)

    response = client.post(
        "/settings/webhooks/", {"name": "x", "url": "https://169.254.169.254/"}
    )

    assert response.status_code == 400
    assert "public addresses" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_it_rotates_pings_and_toggles(client, admin_user):
    endpoint, old = endpoint_create(
        actor=admin_user, name="ATS", url="http://127.0.0.1:9/hook"
    )
    logged_in(client, admin_user)

    rotated = client.post(f"/settings/webhooks/{endpoint.pk}/rotate/")
    client.post(f"/settings/webhooks/{endpoint.pk}/ping/")
    client.post(f"/settings/webhooks/{endpoint.pk}/toggle/")

    assert rotated.status_code == 200
    assert "whsec_" in rotated.content.decode()
    assert old not in rotated.content.decode()
    assert WebhookDelivery.objects.get().event_type == "webhook.ping"
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    detail = client.get(f"/settings/webhooks/{endpoint.pk}/")
    assert "webhook.ping" in detail.content.decode()


def test_it_shows_and_manages_every_endpoint_with_the_key_that_registered_it(
    client, admin_user
):
    api_key, _raw = api_key_create(name="Teamtailor", scopes=["webhooks:manage"])
    revoked_key, _raw = api_key_create(name="Old ATS", scopes=["webhooks:manage"])
    theirs, _secret = endpoint_create(
        actor=None, name="Theirs", url="http://127.0.0.1:9/t", api_key=api_key
    )
    endpoint_create(
        actor=None, name="Gone", url="http://127.0.0.1:9/g", api_key=revoked_key
    )
    api_key_revoke(api_key=revoked_key)
    endpoint_create(actor=admin_user, name="Ours", url="http://127.0.0.1:9/o")
    logged_in(client, admin_user)

    page = client.get("/settings/webhooks/").content.decode()
    detail = client.get(f"/settings/webhooks/{theirs.pk}/").content.decode()
    rotated = client.post(f"/settings/webhooks/{theirs.pk}/rotate/")
    client.post(f"/settings/webhooks/{theirs.pk}/toggle/")

    for name in ("Theirs", "Gone", "Ours"):
        assert name in page
    assert f"Teamtailor (<code>{api_key.prefix}</code>)" in page
    assert f"Old ATS (<code>{revoked_key.prefix}</code>) · Revoked" in page
    assert "An administrator, on this page" in page
    assert api_key.prefix in detail
    assert "The API key that registered it was revoked" in page
    assert rotated.status_code == 200
    theirs.refresh_from_db()
    assert not theirs.enabled
    assert theirs.api_key == api_key


def test_a_disabled_endpoint_offers_no_test_event_but_says_why(client, admin_user):
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="ATS", url="http://127.0.0.1:9/hook"
    )
    logged_in(client, admin_user)

    enabled_page = client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    client.post(f"/settings/webhooks/{endpoint.pk}/toggle/")
    disabled_page = client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()

    ping = f'action="/settings/webhooks/{endpoint.pk}/ping/"'
    assert ping in enabled_page
    assert "data-ping-disabled" not in enabled_page
    assert ping not in disabled_page
    assert "Enable the endpoint before testing it." in disabled_page


def test_it_says_why_a_delivery_the_endpoints_key_may_no_longer_read_is_not_sent(
    client, admin_user
):
    api_key, _raw = api_key_create(
        name="ATS", scopes=[ApiKey.Scope.WEBHOOKS_MANAGE, ApiKey.Scope.RESULTS_READ]
    )
    _endpoint, _secret = endpoint_create(
        actor=None, name="ATS", url="http://127.0.0.1:9/hook", api_key=api_key
    )
    event_record(type="assessment.scored", data={"invitation_id": 1})
    (delivery,) = outbox_relay()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED
    )
    ApiKey.objects.filter(pk=api_key.pk).update(scopes=[ApiKey.Scope.WEBHOOKS_MANAGE])
    logged_in(client, admin_user)

    response = client.post(f"/settings/webhook-deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 403
    assert "results:read" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
