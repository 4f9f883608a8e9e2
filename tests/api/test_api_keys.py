"""API keys: stored as prefix and hash, shown once by the command and the admin,
revoked in the admin, used only through the Authorization header."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hiring.models import ApiKey
from hiring.selectors import API_KEY_RECHECK_SECONDS
from hiring.services import api_key_revoke
from tests.hiring.support import logged_in


def test_it_prints_the_key_once_as_the_last_line(db):
    out = io.StringIO()

    call_command(
        "create_api_key",
        "--name",
        "Teamtailor",
        "--scopes",
        "jobs:read, results:read",
        stdout=out,
    )

    raw_key = out.getvalue().strip().splitlines()[-1]
    api_key = ApiKey.objects.get()
    assert raw_key.startswith(api_key.prefix + "_")
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert api_key.scopes == ["jobs:read", "results:read"]
    assert raw_key not in str(ApiKey.objects.values_list())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/api/v1/jobs/").status_code == 200


@pytest.mark.parametrize("scopes", ["", "jobs:read,everything"])
def test_it_refuses_unknown_or_missing_scopes(db, scopes):
    with pytest.raises(CommandError):
        call_command(
            "create_api_key", "--name", "x", "--scopes", scopes, stdout=io.StringIO()
        )
    assert not ApiKey.objects.exists()


def test_it_does_not_let_a_session_login_call_the_api(client, admin_user):
    logged_in(client, admin_user)

    response = client.get("/api/v1/jobs/")

    assert response.status_code == 401


def test_it_refuses_a_key_that_only_shares_the_prefix(api_client):
    good = api_client()
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=f"Bearer {good.api_key.prefix}_guess")

    assert forged.get("/api/v1/jobs/").status_code == 401


def test_it_writes_the_last_use_at_most_once_a_minute(
    api_client, key_clock, django_assert_num_queries
):
    client = api_client()
    client.get("/api/v1/jobs/")
    first_use = ApiKey.objects.get().last_used_at
    key_clock.advance(API_KEY_RECHECK_SECONDS)  # the key is looked up again

    with django_assert_num_queries(2):  # the key and the page; no write
        client.get("/api/v1/jobs/")

    assert first_use is not None
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    key_clock.advance(API_KEY_RECHECK_SECONDS)
    client.get("/api/v1/jobs/")
    assert ApiKey.objects.get().last_used_at > first_use


def test_it_trusts_a_key_it_just_looked_up_without_asking_again(
    api_client, django_assert_num_queries
):
    client = api_client()
    client.get("/api/v1/jobs/")

    with django_assert_num_queries(1):  # the page only
        assert client.get("/api/v1/jobs/").status_code == 200


def test_it_refuses_a_key_revoked_by_another_process_within_seconds(
    api_client, key_clock
):
    client = api_client()
    assert client.get("/api/v1/jobs/").status_code == 200

    # Another web process (the admin's) revokes it: this one goes on trusting
    # what it looked up, for less than API_KEY_RECHECK_SECONDS...
    ApiKey.objects.filter(pk=client.api_key.pk).update(revoked_at=timezone.now())
    key_clock.advance(API_KEY_RECHECK_SECONDS - 0.01)
    assert client.get("/api/v1/jobs/").status_code == 200
    # ...and not a moment longer.
    key_clock.advance(0.01)
    assert client.get("/api/v1/jobs/").status_code == 401
    key_clock.advance(API_KEY_RECHECK_SECONDS)
    assert client.get("/api/v1/jobs/").status_code == 401
    assert API_KEY_RECHECK_SECONDS <= 5


def test_it_refuses_a_key_revoked_by_this_process_at_once(api_client):
    client = api_client()
    assert client.get("/api/v1/jobs/").status_code == 200

    api_key_revoke(api_key=ApiKey.objects.get(pk=client.api_key.pk))

    assert client.get("/api/v1/jobs/").status_code == 401


def test_it_shows_the_key_once_in_the_admin_and_keeps_it_out_of_the_session(
    client, admin_user
):
    logged_in(client, admin_user)

    response = client.post(
        reverse("admin:hiring_apikey_add"),
        {"name": "Greenhouse", "scopes": ["jobs:read", "invitations:write"]},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get()
    raw_key = response.context["raw_key"]
    assert raw_key.startswith(api_key.prefix)
    assert raw_key in response.content.decode()
    assert api_key.created_by == admin_user
    assert raw_key not in str(dict(client.session))
    listing = client.get(reverse("admin:hiring_apikey_changelist"))
    assert api_key.prefix in listing.content.decode()
    assert raw_key not in listing.content.decode()


def test_staff_granted_the_add_permission_still_cannot_create_a_key(client, db):
    """A key reads every team's data its scopes cover: only an administrator
    (superuser) creates one, whatever permissions a staff member was given."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="hiring",
            codename__in=["add_apikey", "view_apikey", "change_apikey"],
        )
    )
    logged_in(client, staff)

    response = client.post(
        reverse("admin:hiring_apikey_add"),
        {"name": "Side door", "scopes": ["results:read"]},
    )

    assert response.status_code == 403
    assert not ApiKey.objects.exists()
    listing = client.get(reverse("admin:hiring_apikey_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:hiring_apikey_add") not in listing.content.decode()


def test_it_revokes_keys_from_the_admin(client, admin_user, api_client):
    api = api_client()
    logged_in(client, admin_user)

    client.post(
        reverse("admin:hiring_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api.api_key.pk]},
    )

    assert ApiKey.objects.get(pk=api.api_key.pk).revoked_at is not None
    assert api.get("/api/v1/jobs/").status_code == 401


def test_a_prefix_another_key_has_is_drawn_again(db, monkeypatch):
    """Prefixes are 32 random bits: among enough keys two draws meet. The second
    key gets a new prefix instead of a database error, and both keys work."""
    from hiring import services

    first, first_raw = services.api_key_create(name="First", scopes=["jobs:read"])
    draws = iter([first.prefix.removeprefix(services.API_KEY_PREFIX), "0badcafe"])
    monkeypatch.setattr(services.secrets, "token_hex", lambda _n: next(draws))

    second, second_raw = services.api_key_create(name="Second", scopes=["jobs:read"])

    assert second.prefix == services.API_KEY_PREFIX + "0badcafe"
    assert ApiKey.objects.count() == 2
    for raw_key in (first_raw, second_raw):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        assert client.get("/api/v1/jobs/").status_code == 200


def test_a_prefix_that_keeps_clashing_is_an_error_not_a_loop(db, monkeypatch):
    from django.db import IntegrityError

    from hiring import services

    first, _raw = services.api_key_create(name="First", scopes=["jobs:read"])
    clash = first.prefix.removeprefix(services.API_KEY_PREFIX)
    monkeypatch.setattr(services.secrets, "token_hex", lambda _n: clash)

    with pytest.raises(IntegrityError):
        services.api_key_create(name="Second", scopes=["jobs:read"])
    assert ApiKey.objects.count() == 1
