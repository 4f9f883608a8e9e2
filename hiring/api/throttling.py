"""A request budget per API key, counted in Redis in production.

The count is DRF's sliding log (each allowed request is remembered for the
window; a refused one is not) kept in one Redis sorted set per key and updated by
one Lua script, so every web process shares it, two processes cannot both take
the last request of the budget, and a call costs one round trip. Without Redis
(the embedded mode) DRF's own log in the default cache does it.
"""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from hiring.models import ApiKey

# KEYS[1]: the key's log; ARGV: now, window (seconds), limit, a unique member.
# Returns {requests in the window, the oldest one's time when refused}.
_SLIDING_LOG = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {count, oldest[2] or ARGV[1]}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
return {count + 1, false}
"""


@cache
def _sliding_log(redis_url: str):
    import redis

    return redis.Redis.from_url(redis_url).register_script(_SLIDING_LOG)


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"
    cache_format = "criba:throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str | None:
        # Read at each request, not at import, so the setting can change under tests.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None  # refused with 401 before any budget is spent
        # The prefix, not the id: ids come back after a database is recreated.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

    def allow_request(self, request, view) -> bool:
        redis_url = settings.REDIS_URL
        if not redis_url or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        count, oldest = _sliding_log(redis_url)(
            keys=[self.key],
            args=[
                repr(self.now),
                self.duration,
                self.num_requests,
                os.urandom(8).hex(),
            ],
        )
        if oldest is None:
            return True
        # What DRF's wait() reads: the requests in the window, oldest last.
        self.history = [float(oldest)] * count
        return False
