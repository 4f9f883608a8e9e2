"""Sign-in is throttled per account and per address, audited, and can be lifted."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from hiring.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.hiring.support import logged_in

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_refuses_the_right_password_after_20_wrong_ones(client, alice, settings):
    answers = [sign_in(client, "alice", f"guess {n}") for n in range(20)]
    response = sign_in(client, "alice", PASSWORD)

    assert [a.status_code for a in answers[: settings.AXES_FAILURE_LIMIT - 1]] == [
        200
    ] * (settings.AXES_FAILURE_LIMIT - 1)
    assert all(a.status_code == 429 for a in answers[settings.AXES_FAILURE_LIMIT :])
    assert response.status_code == 429
    assert not signed_in(client)
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "ask an administrator" in page


def test_it_locks_the_account_from_every_address(client, alice, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong", address=f"198.51.100.{n + 1}")

    response = sign_in(client, "alice", PASSWORD, address="192.0.2.200")

    assert response.status_code == 429
    assert not signed_in(client)


def test_it_locks_an_address_that_tries_many_accounts(client, alice, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{n}", "wrong", address="203.0.113.50")

    response = sign_in(client, "alice", PASSWORD, address="203.0.113.50")

    assert response.status_code == 429
    assert not signed_in(client)


def test_it_locks_an_ipv6_client_by_its_64(client, alice, settings):
    # One client holding a /64 takes another address in it for every guess.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{n}", "wrong", address=f"2001:db8:7:8::{n + 1:x}")

    same_network = sign_in(client, "alice", PASSWORD, address="2001:db8:7:8::ffff")
    other_network = sign_in(client, "alice", PASSWORD, address="2001:db8:7:9::1")

    assert same_network.status_code == 429
    assert other_network.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="2001:db8:7:8::").exists()


def test_it_lets_the_account_in_below_the_limit_and_forgets_the_failures(
    client, alice, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "wrong")

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_it_audits_the_lockout_once(client, alice, settings):
    for _ in range(20):
        sign_in(client, "alice", "wrong")

    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_LOCKED_OUT)
    assert events.count() == 1
    event = events.get()
    assert event.object_type == "auth.user"
    assert event.object_id == str(alice.pk)
    assert event.data == {"username": "alice", "ip_address": "203.0.113.7"}
    assert event.actor is None


@pytest.fixture
def locked_alice(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    return alice


def test_it_lets_an_administrator_lift_the_lockout_in_the_admin(
    client, locked_alice, admin_user
):
    attempt = AccessAttempt.objects.get(username="alice")
    admin = logged_in(type(client)(), admin_user)

    listing = admin.get("/admin/axes/accessattempt/?q=alice")
    response = admin.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200
    assert "alice" in listing.content.decode()
    assert response.status_code == 302
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert signed_in(client)
    lifted = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_LOCKOUT_LIFTED)
    assert lifted.actor == admin_user
    assert lifted.data == {"username": "alice", "ip_address": "203.0.113.7"}


def test_it_lets_an_administrator_lift_several_lockouts_at_once(
    client, locked_alice, admin_user
):
    other = UserFactory(username="erin")
    for _ in range(5):
        sign_in(client, "erin", "wrong", address="198.51.100.9")
    admin = logged_in(type(client)(), admin_user)

    response = admin.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": list(
                AccessAttempt.objects.values_list("pk", flat=True)
            ),
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "erin", PASSWORD, address="198.51.100.9").status_code == 302
    assert other.pk == int(client.session["_auth_user_id"])
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_LOCKOUT_LIFTED).count()
        == 2
    )


def test_it_lets_an_administrator_lift_the_lockout_from_the_command_line(
    client, locked_alice
):
    call_command("axes_reset_username", "alice")

    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_it_ends_the_lockout_after_the_cool_off(client, locked_alice, settings):
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert sign_in(client, "alice", PASSWORD).status_code == 302
