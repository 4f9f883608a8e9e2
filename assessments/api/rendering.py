"""Rendered results, cached: a page of results is mostly bytes served again.

A result's representation is built from its report (labels, sentences, the
scales' names) and costs milliseconds; a poller reads the same results page
after page. Each result's JSON is cached under a key made of everything the
representation depends on that can change (its `updated_at` and `is_current`,
the external ids it repeats, the language, this module's version), so a stale
entry is never found, only left to expire.
"""

from __future__ import annotations

import hashlib

import orjson
from django.core.cache import cache
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from assessments import reports, selectors
from assessments.api.serializers import ResultSerializer

# Bump when the representation changes shape or wording.
RENDERING_VERSION = 1
CACHE_SECONDS = 3600

_fallback = JSONEncoder().default


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
    one `get_many` from the cache; only the results missing there are read in
    full (two queries, whatever their number), rendered and cached."""
    language = translation.get_language() or "en"
    keys = [_cache_key(stub, language) for stub in stubs]
    cached = cache.get_many(keys)
    if len(cached) < len(keys):
        missing = {
            key: stub["id"]
            for key, stub in zip(keys, stubs, strict=True)
            if key not in cached
        }
        full = selectors.results_for_integrations().in_bulk(missing.values())
        fresh = {
            key: _render(reports.questionnaire_report_build(full[pk]))
            for key, pk in missing.items()
        }
        cache.set_many(fresh, CACHE_SECONDS)
        cached.update(fresh)
    return [cached[key] for key in keys]


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
