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

    Behind ``CRIBA_PROXY_HOPS`` trusted proxies that each append to
    ``X-Forwarded-For``, the client is that many entries from the right; anything
    further left was written by the client and is not believed.
    """
    hops = settings.CRIBA_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return forwarded[-hops]
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_address(remote) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
