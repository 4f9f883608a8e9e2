"""Rendered results, cached: a page of results is mostly bytes served again.

A result's representation is built from its report (labels, sentences, the
scales' names) and costs milliseconds; a poller reads the same results page
after page. Each result's JSON is cached under a key made of everything the
representation depends on that can change (its `updated_at` and `is_current`,
the external ids it repeats, the language, this module's version), so a stale
entry is never found, only left to expire.

Two tiers under that key: each web process keeps the renderings it served last in
memory (a page of 100 then costs no round trip for its content), in front of the
shared cache (Redis in production), which spares the other processes and the
next deploy the rendering.
"""

from __future__ import annotations

import hashlib
import threading

import orjson
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from assessments import reports, selectors
from assessments.api.serializers import ResultSerializer

# Bump when the representation changes shape or wording.
RENDERING_VERSION = 2
CACHE_SECONDS = 3600

# What each web process keeps in memory, at most (about 3.6 kB a result).
LOCAL_BYTES = 64 * 1024 * 1024

_fallback = JSONEncoder().default


class _Recent:
    """The renderings this process served last, up to ``limit`` bytes; the
    oldest go first."""

    def __init__(self, limit: int):
        self.limit = limit
        self.entries: dict[tuple, bytes] = {}
        self.size = 0
        # The web process's threads share it; a read needs no lock.
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        return self.entries.get(key)

    def put(self, key: tuple, body: bytes) -> None:
        with self._lock:
            if key in self.entries:
                return
            self.entries[key] = body
            self.size += len(body)
            while self.size > self.limit and self.entries:
                self.size -= len(self.entries.pop(next(iter(self.entries))))

    def forget(self, result_ids: set[int]) -> None:
        with self._lock:
            for key in [key for key in self.entries if key[1] in result_ids]:
                self.size -= len(self.entries.pop(key))

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
            self.size = 0


local = _Recent(LOCAL_BYTES)


def _local_key(stub: dict, language: str) -> tuple:
    return (
        language,
        stub["id"],
        stub["updated_at"],
        stub["is_current"],
        stub["application_external_id"],
        stub["candidate_external_id"],
        stub["job_external_id"],
    )


def _cache_key(stub: dict, language: str) -> str:
    parts = (
        stub["updated_at"].isoformat(),
        "1" if stub["is_current"] else "0",
        stub["application_external_id"],
        stub["candidate_external_id"],
        stub["job_external_id"],
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"api:result:{RENDERING_VERSION}:{language}:{stub['id']}:{digest}"


def _render(report) -> bytes:
    return orjson.dumps(ResultSerializer(report).data, default=_fallback)


def results_rendered(stubs) -> list[bytes]:
    """The JSON of each result (stubs read with `result_stubs_for_integrations`):
    from this process's memory, else one `get_many` from the cache; only the
    results missing there too are read in full (two queries, whatever their
    number), rendered and cached."""
    language = translation.get_language() or "en"
    local_keys = [_local_key(stub, language) for stub in stubs]
    rendered = [local.get(key) for key in local_keys]
    missing = [index for index, body in enumerate(rendered) if body is None]
    if not missing:
        return rendered
    keys = {index: _cache_key(stubs[index], language) for index in missing}
    cached = cache.get_many(list(keys.values()))
    unrendered = {
        key: stubs[index]["id"] for index, key in keys.items() if key not in cached
    }
    if unrendered:
        full = selectors.results_for_integrations().in_bulk(unrendered.values())
        fresh = {
            key: _render(reports.questionnaire_report_build(full[pk]))
            for key, pk in unrendered.items()
        }
        cache.set_many(fresh, CACHE_SECONDS)
        cached.update(fresh)
    for index, key in keys.items():
        rendered[index] = cached[key]
        local.put(local_keys[index], cached[key])
    return rendered


def results_rendered_forget(stubs) -> None:
    """Drop the cached renderings of these results, in every language: they
    repeat the external ids that an erasure overwrites."""
    stubs = list(stubs)
    cache.delete_many(
        [
            _cache_key(stub, language)
            for stub in stubs
            for language, _name in settings.LANGUAGES
        ]
    )
    local.forget({stub["id"] for stub in stubs})


def page_of_rendered(next_link: str | None, rendered: list[bytes]) -> bytes:
    return b"".join(
        (
            b'{"next":',
            orjson.dumps(next_link),
            b',"results":[',
            b",".join(rendered),
            b"]}",
        )
    )
