"""Reliability per scale (alpha with its Feldt interval), which the SEM then uses."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from assessments.definitions import instrument_spec
from assessments.models import InstrumentVersion, ScaleReliability
from assessments.scoring import ScaleStatistics, instrument_reliability
from assessments.scoring.reliability import MIN_N as MIN_RELIABILITY_N
from assessments.statistics.submissions import (
    answers_of,
    valid_results,
    versions_or_all,
)

# Alpha's Feldt interval is about +/- .003 at N = 50,000: more rows would add
# memory, not information.
MAX_RELIABILITY_N = 50_000

__all__ = [
    "MAX_RELIABILITY_N",
    "MIN_RELIABILITY_N",
    "reliabilities_recompute",
    "reliability_figures",
]


def _valid_ids(version: InstrumentVersion, max_n: int) -> list[int]:
    newest = (
        valid_results(version)
        .order_by("-invitation_id")
        .values_list("invitation_id", flat=True)[:max_n]
    )
    return sorted(newest)


def reliability_figures(
    version: InstrumentVersion, max_n: int
) -> tuple[np.ndarray, dict[str, ScaleStatistics]]:
    spec = instrument_spec(version.definition)
    matrix = answers_of(_valid_ids(version, max_n), spec.item_keys)
    return matrix, dict(instrument_reliability(matrix, spec))


def reliabilities_recompute(
    *,
    version: InstrumentVersion | None = None,
    now: datetime | None = None,
    max_n: int = MAX_RELIABILITY_N,
) -> list[ScaleReliability]:
    """Estimate Cronbach's alpha with its Feldt 95 % interval per scale.

    From the newest ``max_n`` valid completed submissions of each version,
    listwise complete per scale. Below 30 respondents alpha is stored as
    ``None``, "not yet estimable", and scoring keeps the definition's figure
    (``results.norms.reliabilities_current``). The SEM of every later score uses the
    stored alpha.
    """
    now = now or timezone.now()
    stored = []
    for each in versions_or_all(version):
        _, figures = reliability_figures(each, max_n)
        with transaction.atomic():
            for key, stats in figures.items():
                row, _ = ScaleReliability.objects.update_or_create(
                    version=each,
                    scale_key=key,
                    defaults={
                        "n": stats.n,
                        "alpha": stats.alpha if stats.estimable else None,
                        "alpha_low": stats.alpha_low if stats.estimable else None,
                        "alpha_high": stats.alpha_high if stats.estimable else None,
                        "computed_at": now,
                    },
                )
                stored.append(row)
    return stored
