"""The production URLs plus two bare JSON views, for benchmarks/api.py.

``/bench/bare/`` serves, from memory, the bytes of one real page of 100 results
that the benchmark rendered before gunicorn started (the file named by
``CRIBA_BENCH_BODY``), with the results list's content type and cache header: the
ratio against it measures Criba's work per request, not the wire.
``/bench/tiny/`` answers a tiny body, printed for information.
"""

import os
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.cache import patch_cache_control

from config.urls import urlpatterns as criba_urlpatterns

_BODY_FILE = os.environ.get("CRIBA_BENCH_BODY")
PAGE_BODY = Path(_BODY_FILE).read_bytes() if _BODY_FILE else b'{"results":[]}'


def bare_json(request):
    """The floor: a page's bytes through the same stack, with no work behind them."""
    response = HttpResponse(PAGE_BODY, content_type="application/json")
    patch_cache_control(response, no_store=True, private=True)
    return response


def tiny_json(request):
    return JsonResponse({"results": []})


urlpatterns = [
    path("bench/bare/", bare_json),
    path("bench/tiny/", tiny_json),
    *criba_urlpatterns,
]
