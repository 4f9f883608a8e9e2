"""A request budget per API key, counted in the default cache (Redis in production)."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from hiring.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str | None:
        # Read at each request, not at import, so the setting can change under tests.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None  # refused with 401 before any budget is spent
        # The prefix, not the id: ids come back after a database is recreated.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
