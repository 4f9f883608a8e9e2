"""A fixed-window request limiter on Django's cache (Redis in production).

Each (key, window) pair is one cache counter that expires with its window, so
every web process and host shares the count and nothing needs cleaning up.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def rate_hit(key: str, rate: Rate, *, now: float | None = None) -> int | None:
    """Count one request under ``key``; the seconds to wait when over the rate.

    ``None`` means the request is allowed. Keys must hold no secret: they are
    visible to whoever can read the cache.
    """
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    counter = f"ratelimit:{key}:{window}"
    # add() is atomic: the first request of a window creates the counter.
    cache.add(counter, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add() and incr()
        cache.add(counter, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.limit:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, ``None`` when there is none.

    Behind ``CRIBA_PROXY_HOPS`` proxies that each append the address they were
    reached from to ``X-Forwarded-For``, the client is that many entries from
    the right, provided every hop on the way (the connection itself, then the
    entries proxies added) is one of ``CRIBA_TRUSTED_PROXIES``. The first hop
    that is not a trusted proxy is the client: whatever stands to its left was
    written by the client and is not believed. A connection from anywhere else
    is its own address, whatever its headers say.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    hops = settings.CRIBA_PROXY_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [part.strip() for part in forwarded.split(",")] if forwarded else []
    client = remote
    for _ in range(hops):
        if not _is_trusted_proxy(client) or not entries:
            break
        written = _address(entries.pop())
        if written is None:  # not an address: a forgery or a broken proxy
            break
        client = written
    return str(client)


def client_key(request: HttpRequest) -> str | None:
    """What the per-client limits count a request under, ``None`` when unknown.

    An IPv4 client is its address. An IPv6 client is its /64 network, written
    as the network's first address (``2001:db8:1:2::`` for any address in
    ``2001:db8:1:2::/64``): one subscriber is routinely handed a whole /64 and
    can pick any address in it, so counting addresses would let one client
    spread its requests over as many counters as it likes. Every limit by
    client (candidate pages, sign-in lockouts) counts under this key; it stays
    an address because django-axes stores it in an address column.
    """
    address = client_address(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.CRIBA_TRUSTED_PROXIES)
