"""Candidate pages are rate-limited per address and per invitation: 429, a
``Retry-After`` and a page that tells the candidate what to do."""

import uuid
from ipaddress import ip_network

import pytest
from django.urls import reverse

from assessments import services
from assessments.tokens import invitation_token
from hiring import ratelimit
from tests.factories import ApplicationFactory


@pytest.fixture
def address():
    """An address in a /64 of its own, so counts left in the cache by other tests
    differ (an IPv6 client is counted by its /64)."""
    number = uuid.uuid4().int
    return f"2001:db8:{number % 65535:x}:{(number >> 16) % 65535:x}::1"


def test_it_refuses_a_flood_of_link_guesses_from_one_address(
    client, db, settings, address
):
    settings.CRIBA_CANDIDATE_RATE_PER_ADDRESS = 5
    guesses = [f"{uuid.uuid4().hex}{uuid.uuid4().hex}" for _ in range(6)]

    answers = [
        client.get(reverse("take:landing", args=[g]), REMOTE_ADDR=address)
        for g in guesses
    ]

    assert [a.status_code for a in answers] == [404] * 5 + [429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Please slow down" in page
    assert "Your saved answers are kept" in page
    assert refused["Referrer-Policy"] == "no-referrer"
    assert "no-store" in refused["Cache-Control"]


def test_it_counts_an_ipv6_client_by_its_64(client, db, settings, address):
    settings.CRIBA_CANDIDATE_RATE_PER_ADDRESS = 3
    network = address.removesuffix("::1")
    # One client holding a /64 picks another address in it for every request.
    answers = [_guess(client, REMOTE_ADDR=f"{network}::{n + 1:x}") for n in range(4)]
    elsewhere = _guess(client, REMOTE_ADDR=address.replace("2001:db8:", "2001:db9:"))

    assert answers == [404, 404, 404, 429]
    assert elsewhere == 404


def test_it_limits_one_invitation_across_addresses(client, invited, settings):
    settings.CRIBA_CANDIDATE_RATE_PER_INVITATION = 3
    _invitation, token = invited
    url = reverse("take:landing", args=[token])

    answers = [
        client.get(url, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)
    ]

    assert answers == [200, 200, 200, 429]


def test_it_answers_autosave_with_a_problem_and_retry_after(
    client, taking, settings, address
):
    settings.CRIBA_CANDIDATE_RATE_PER_INVITATION = 2
    url = reverse("take:autosave")
    body = {"page": 1, "answers": {}}

    answers = [
        client.post(url, body, content_type="application/json", REMOTE_ADDR=address)
        for _ in range(3)
    ]

    assert [a.status_code for a in answers[:2]] == [200, 200]
    refused = answers[2]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "too_many"
    assert int(refused["Retry-After"]) >= 1


def test_it_counts_invitations_apart(
    client, job, alice, instrument_version, settings, address
):
    settings.CRIBA_CANDIDATE_RATE_PER_INVITATION = 1
    first, second = (
        invitation_token(
            services.invitation_create(
                application=ApplicationFactory(job=job),
                user=alice,
                instrument_version=instrument_version,
            )
        )
        for _ in range(2)
    )

    answers = [
        client.get(reverse("take:landing", args=[token]), REMOTE_ADDR=address)
        for token in (first, second, first)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]


def test_it_keeps_the_token_out_of_the_cache_keys(client, invited, monkeypatch):
    _invitation, token = invited
    keys = []
    add = ratelimit.cache.add

    def recording_add(key, *args, **kwargs):
        keys.append(key)
        return add(key, *args, **kwargs)

    monkeypatch.setattr(ratelimit.cache, "add", recording_add)

    client.get(reverse("take:landing", args=[token]))

    assert any(key.startswith("ratelimit:take:token:") for key in keys)
    assert all(token not in key for key in keys)


@pytest.fixture
def behind_a_proxy(settings):
    settings.CRIBA_PROXY_HOPS = 1
    settings.CRIBA_TRUSTED_PROXIES = [ip_network("10.0.0.0/24")]
    settings.CRIBA_CANDIDATE_RATE_PER_ADDRESS = 2


def _guess(client, **headers):
    token = f"{uuid.uuid4().hex}{uuid.uuid4().hex}"
    return client.get(reverse("take:landing", args=[token]), **headers).status_code


def test_it_counts_the_candidates_behind_a_trusted_proxy_apart(
    client, db, behind_a_proxy, address
):
    other = address.replace("2001:db8:", "2001:db9:")

    first = [_guess(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)]
    first += [_guess(client, REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=address)]
    second = _guess(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=other)
    third = _guess(client, REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=address)

    assert first == [404, 404]
    assert second == 404
    assert third == 429


def test_it_does_not_let_a_direct_client_name_other_addresses(
    client, db, behind_a_proxy, address
):
    # Each request claims another client; the connection is not the proxy's.
    answers = [
        _guess(client, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(3)
    ]

    assert answers == [404, 404, 429]
