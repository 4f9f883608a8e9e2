"""The request limiter counts in the shared cache (Redis in production)."""

import uuid

import pytest
from django.test import RequestFactory

from hiring.ratelimit import Rate, client_address, rate_hit

START = 60 * 20_000  # the start of a 60-second window


@pytest.fixture
def key():
    return f"test:{uuid.uuid4().hex}"


def test_it_allows_up_to_the_limit_then_says_how_long_to_wait(key):
    rate = Rate(limit=3, seconds=60)
    now = START + 20.0

    allowed = [rate_hit(key, rate, now=now) for _ in range(3)]
    refused = rate_hit(key, rate, now=now)

    assert allowed == [None, None, None]
    assert refused == 40


def test_it_starts_again_in_the_next_window(key):
    rate = Rate(limit=1, seconds=60)

    assert rate_hit(key, rate, now=START + 19.0) is None
    assert rate_hit(key, rate, now=START + 19.5) == 41
    assert rate_hit(key, rate, now=START + 60.0) is None


def test_it_never_asks_to_wait_less_than_a_second(key):
    rate = Rate(limit=1, seconds=60)
    end = START + 59.9

    rate_hit(key, rate, now=end)

    assert rate_hit(key, rate, now=end) == 1


def test_it_counts_each_key_apart(key):
    rate = Rate(limit=1, seconds=60)

    assert rate_hit(key + ":a", rate, now=START) is None
    assert rate_hit(key + ":b", rate, now=START) is None
    assert rate_hit(key + ":a", rate, now=START) == 60


def test_it_reads_the_address_from_the_connection_by_default(settings):
    settings.CRIBA_PROXY_HOPS = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert client_address(request) == "192.0.2.1"


def test_it_believes_only_the_trusted_proxies_entries(settings):
    settings.CRIBA_PROXY_HOPS = 1
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )

    assert client_address(request) == "203.0.113.9"


def test_it_falls_back_to_the_connection_on_a_forged_entry(settings):
    settings.CRIBA_PROXY_HOPS = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address"
    )

    assert client_address(request) == "10.0.0.2"


def test_it_has_no_address_without_one():
    request = RequestFactory().get("/", REMOTE_ADDR="")

    assert client_address(request) is None
