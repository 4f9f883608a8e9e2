"""The statistics page of a version: N, mean, SD, alpha, item analysis."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assessments.definitions import instrument_spec, item_texts
from assessments.models import InstrumentVersion, NormSet, ScaleReliability
from assessments.results.norms import norm_set_current
from assessments.scoring import ScaleStatistics, keyed_answers, reliability_for_sem
from assessments.statistics.reliability import (
    MAX_RELIABILITY_N,
    MIN_RELIABILITY_N,
    reliability_figures,
)
from assessments.statistics.submissions import scored_results, valid_results


@dataclass(frozen=True)
class ItemStatistics:
    key: str
    text: str
    keyed: int
    mean: float | None  # of the raw answers of the scale's complete respondents
    sd: float | None
    item_total: float | None  # corrected item-total correlation
    alpha_if_dropped: float | None


@dataclass(frozen=True)
class ScaleReport:
    key: str
    name: str
    higher_is_better: bool
    statistics: ScaleStatistics
    items: tuple[ItemStatistics, ...]
    reliability_used: float | None  # what the SEM uses now
    # "estimate" (stored alpha), "floored" (a negative stored alpha: the SEM
    # uses 0), "capped" (a figure above the ceiling: the SEM uses the ceiling)
    # or "definition"
    reliability_source: str


@dataclass(frozen=True)
class InstrumentStatistics:
    version: InstrumentVersion
    scored: int  # completed submissions with a current result
    valid: int  # of which valid
    used: int  # valid submissions the figures come from (at most max_n)
    scales: tuple[ScaleReport, ...]
    # (candidates' language, the set scoring uses for it now), per language
    norm_sets: tuple[tuple[str, NormSet], ...]
    min_n: int = MIN_RELIABILITY_N


def _optional(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def instrument_statistics(
    version: InstrumentVersion,
    *,
    language: str = "en",
    max_n: int = MAX_RELIABILITY_N,
) -> InstrumentStatistics:
    """Per scale N, mean, SD, alpha with its interval, item-total correlations and
    alpha if an item were dropped, from the valid completed submissions.

    Computed live from the answers (the newest ``max_n``), so it always shows
    the data as it is; the reliability that scores use is the stored one.
    """
    definition = version.definition
    spec = instrument_spec(definition)
    texts = item_texts(
        definition, language if language in definition["languages"] else "en"
    )
    matrix, figures = reliability_figures(version, max_n)
    keyed = keyed_answers(matrix, spec)
    stored = {
        r.scale_key: r.alpha
        for r in ScaleReliability.objects.filter(version=version, alpha__isnull=False)
    }
    reports = []
    for scale in definition["scales"]:
        key = scale["key"]
        columns = spec.scale_columns(key)
        raw = matrix[:, columns]
        complete = raw[~np.isnan(keyed[:, columns]).any(axis=1)]
        stats = figures[key]
        items = []
        for position, column in enumerate(columns.tolist()):
            item = spec.items[column]
            values = complete[:, position]
            items.append(
                ItemStatistics(
                    key=item.key,
                    text=texts[item.key],
                    keyed=item.keyed,
                    mean=_optional(values.mean()) if values.size else None,
                    sd=_optional(values.std(ddof=1)) if values.size >= 2 else None,
                    item_total=stats.item_total[position] if stats.item_total else None,
                    alpha_if_dropped=stats.alpha_if_dropped[position]
                    if stats.alpha_if_dropped
                    else None,
                )
            )
        used, source = reliability_for_sem(
            key, stored.get(key), scale.get("reliability")
        )
        if source == "default":
            source = "definition"
        reports.append(
            ScaleReport(
                key=key,
                name=version.scale_name(key, language),
                higher_is_better=scale.get("higher_is_better", True),
                statistics=stats,
                items=tuple(items),
                reliability_used=used,
                reliability_source=source,
            )
        )
    scored = scored_results(version)
    languages = sorted(set(definition["languages"]))
    return InstrumentStatistics(
        version=version,
        scored=scored.count(),
        valid=valid_results(version).count(),
        used=matrix.shape[0],
        scales=tuple(reports),
        norm_sets=tuple((lang, norm_set_current(version, lang)) for lang in languages),
    )
