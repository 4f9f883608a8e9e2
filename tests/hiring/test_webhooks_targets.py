"""Webhooks go only to public HTTPS addresses, checked at registration and again
at connect time."""

import pytest

from hiring.webhooks.targets import TargetRefused, target_check, target_parts


@pytest.fixture(autouse=True)
def _production_rules(settings):
    settings.DEBUG = False
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",  # loopback
        "https://[::1]/hook",  # loopback, IPv6
        "https://10.1.2.3/hook",  # private
        "https://192.168.0.10/hook",  # private
        "https://172.16.5.4/hook",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[fe80::1]/hook",  # link-local, IPv6
        "https://[::ffff:127.0.0.1]/hook",  # loopback mapped into IPv6
        "https://0.0.0.0/hook",  # unspecified
        "https://localhost/hook",  # a name that resolves to loopback
        "https://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
        "https://[64:ff9b:1::808:808]/hook",  # local-use NAT64, whatever follows
        "https://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
        "https://[::127.0.0.1]/hook",  # IPv4-compatible 127.0.0.1
    ],
)
def test_it_refuses_a_target_that_is_not_public(url):
    with pytest.raises(TargetRefused, match="public addresses"):
        target_check(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://203.0.113.9/hook", "HTTPS"),
        ("ftp://example.com/hook", "https://"),
        ("https://user:pw@example.com/hook", "password"),
        ("https://no-such-name.invalid/hook", "does not resolve"),
        ("https://[::1/hook", "not a valid URL"),
    ],
)
def test_it_names_what_is_wrong_with_a_url(url, reason):
    with pytest.raises(TargetRefused, match=reason):
        target_check(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:0/hook",
        "https://127.0.0.1:00/hook",
        "https://127.0.0.1:65536/hook",
        "https://127.0.0.1:99999999999/hook",
        "https://127.0.0.1:-1/hook",
        "https://127.0.0.1:+443/hook",
        "https://127.0.0.1:\u0664\u0664\u0663/hook",
    ],
)
def test_it_refuses_a_port_out_of_range(settings, url):
    # Loopback allowed, so only the port can be what is refused.
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True

    with pytest.raises(TargetRefused, match="not a valid URL"):
        target_check(url)


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("https://example.com/hook", 443),
        ("https://example.com:/hook", 443),
        ("https://example.com:1/hook", 1),
        ("https://example.com:65535/hook", 65535),
        ("http://example.com/hook", 80),
    ],
)
def test_it_reads_the_port_or_the_schemes_default(settings, url, port):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True

    assert target_parts(url)[2] == port


def test_it_allows_loopback_over_http_when_told_to(settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    target_check("http://127.0.0.1:9999/hook")
