"""The budget per API key counts in Redis, shared by every web process: one
round trip a request, and the last request of a budget goes to one caller only."""

import secrets
import threading
from types import SimpleNamespace

import pytest

from hiring.api.throttling import ApiKeyRateThrottle
from hiring.models import ApiKey


@pytest.fixture
def budget(settings):
    """Ten requests a minute per key, counted in Redis whatever the test run's
    cache."""
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "10/minute"},
    }


def _caller():
    """A request of a new key, as the throttle sees it (no database needed)."""
    api_key = ApiKey(prefix=f"crb_{secrets.token_hex(4)}")
    return SimpleNamespace(auth=api_key)


class _Clock:
    def __init__(self, now: float):
        self.now = now


def _throttle(clock: _Clock | None = None) -> ApiKeyRateThrottle:
    throttle = ApiKeyRateThrottle()
    if clock is not None:
        throttle.timer = lambda: clock.now
    return throttle


def test_it_lets_exactly_the_budget_through_concurrent_processes(budget):
    request = _caller()
    allowed = []
    start = threading.Barrier(8)

    def process() -> None:
        start.wait()
        for _ in range(5):
            # Each call its own throttle, as in separate web processes.
            allowed.append(_throttle().allow_request(request, None))

    threads = [threading.Thread(target=process) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 10
    assert allowed.count(False) == 30


def test_it_slides_the_window_and_counts_no_refused_request(budget):
    request = _caller()
    clock = _Clock(1_000_000.0)
    for second in range(10):
        clock.now = 1_000_000.0 + second
        assert _throttle(clock).allow_request(request, None)

    clock.now = 1_000_030.0
    refused = _throttle(clock)
    assert not refused.allow_request(request, None)
    # The oldest request leaves the window 30 s from now: DRF's Retry-After.
    assert refused.wait() == pytest.approx(30.0)

    # A minute after the first request, its place (and only its) is free again,
    # however many were refused meanwhile.
    clock.now = 1_000_060.0
    assert _throttle(clock).allow_request(request, None)
    assert not _throttle(clock).allow_request(request, None)


def test_it_keeps_each_keys_budget_apart(budget):
    spender, other = _caller(), _caller()
    for _ in range(10):
        _throttle().allow_request(spender, None)

    assert not _throttle().allow_request(spender, None)
    assert _throttle().allow_request(other, None)
