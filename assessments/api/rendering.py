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
import json

from django.core.cache import cache
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from assessments import reports, selectors
from assessments.api.serializers import ResultSerializer

# Bump when the representation changes shape or wording.
RENDERING_VERSION = 1
CACHE_SECONDS = 3600


def _cache_key(result) -> str:
    application = result.invitation.application
    parts = [
        result.updated_at.isoformat(),
        str(result.is_current),
        application.external_id,
        application.candidate.external_id,
        application.job.external_id,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    language = translation.get_language() or "en"
    return f"api:result:{RENDERING_VERSION}:{language}:{result.pk}:{digest}"


def _render(report) -> bytes:
    data = ResultSerializer(report).data
    return json.dumps(
        data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def results_rendered(stubs) -> list[bytes]:
    """The JSON of each result (read with `result_stubs_for_integrations`), from
    the cache where it is fresh; the others are read in full, in two queries."""
    stubs = list(stubs)
    keys = [_cache_key(stub) for stub in stubs]
    cached = cache.get_many(keys)
    missing_ids = [
        stub.pk for key, stub in zip(keys, stubs, strict=True) if key not in cached
    ]
    if missing_ids:
        full = selectors.results_for_integrations().in_bulk(missing_ids)
        fresh = {
            key: _render(reports.questionnaire_report_build(full[stub.pk]))
            for key, stub in zip(keys, stubs, strict=True)
            if key not in cached
        }
        cache.set_many(fresh, CACHE_SECONDS)
        cached.update(fresh)
    return [cached[key] for key in keys]


def page_of_rendered(next_link: str | None, rendered: list[bytes]) -> bytes:
    return (
        b'{"next":'
        + json.dumps(next_link).encode()
        + b',"results":['
        + b",".join(rendered)
        + b"]}"
    )
