"""The request limiter counts in the shared cache (Redis in production)."""

import uuid
from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from hiring.ratelimit import Rate, client_address, client_key, rate_hit

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
    settings.CRIBA_TRUSTED_PROXIES = []
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert client_address(request) == "192.0.2.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.CRIBA_PROXY_HOPS = 1
    settings.CRIBA_TRUSTED_PROXIES = [ip_network("10.0.0.0/24")]


def test_it_believes_only_the_trusted_proxies_entries(behind_one_proxy):
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )

    assert client_address(request) == "203.0.113.9"


def test_it_ignores_the_header_from_a_connection_that_is_not_a_trusted_proxy(
    behind_one_proxy,
):
    # A client reaching gunicorn directly, naming someone else in the header.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert client_address(request) == "192.0.2.1"


def test_it_falls_back_to_the_connection_on_a_forged_entry(behind_one_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address"
    )

    assert client_address(request) == "10.0.0.2"


def test_it_takes_the_proxy_itself_when_the_proxy_sent_no_header(behind_one_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")

    assert client_address(request) == "10.0.0.2"


def test_it_reads_as_many_hops_as_there_are_trusted_proxies(settings):
    # A CDN (192.0.2.0/24) in front of the load balancer (10.0.0.0/24).
    settings.CRIBA_PROXY_HOPS = 2
    settings.CRIBA_TRUSTED_PROXIES = [
        ip_network("10.0.0.0/24"),
        ip_network("192.0.2.0/24"),
    ]
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9, 192.0.2.7",
    )

    assert client_address(request) == "203.0.113.9"


def test_it_stops_at_the_first_hop_that_is_not_a_trusted_proxy(settings):
    # Two hops configured, but the client reached the load balancer directly.
    settings.CRIBA_PROXY_HOPS = 2
    settings.CRIBA_TRUSTED_PROXIES = [
        ip_network("10.0.0.0/24"),
        ip_network("192.0.2.0/24"),
    ]
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )

    assert client_address(request) == "203.0.113.9"


def test_it_reads_an_ipv4_client_of_a_dual_stack_socket_as_ipv4(behind_one_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="::ffff:10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert client_address(request) == "203.0.113.9"


def test_it_has_no_address_without_one():
    request = RequestFactory().get("/", REMOTE_ADDR="")

    assert client_address(request) is None


@pytest.mark.parametrize(
    ("remote", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
    ],
)
def test_it_keys_an_ipv4_client_by_its_address_and_an_ipv6_one_by_its_64(
    settings, remote, key
):
    settings.CRIBA_PROXY_HOPS = 0
    settings.CRIBA_TRUSTED_PROXIES = []

    assert client_key(RequestFactory().get("/", REMOTE_ADDR=remote)) == key


def test_it_keys_the_forwarded_client_by_its_64(behind_one_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8:5:6:7::9"
    )

    assert client_key(request) == "2001:db8:5:6::"


def test_it_has_no_key_without_an_address():
    assert client_key(RequestFactory().get("/", REMOTE_ADDR="")) is None
