"""Local norms from the valid completed submissions, once there are enough."""

from __future__ import annotations

import logging
import math
from datetime import datetime

import numpy as np
from django.db.models import F
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone

from assessments.models import InstrumentVersion, NormSet
from assessments.statistics.submissions import CHUNK, valid_results, versions_or_all

logger = logging.getLogger(__name__)

MIN_NORM_N = 100


def _scale_means(version: InstrumentVersion) -> tuple[list[str], np.ndarray]:
    """Language and scale means (N x S, NaN when missing) of the valid submissions."""
    keys = [scale["key"] for scale in version.definition["scales"]]
    means = {
        f"mean_{j}": KeyTextTransform("raw_mean", KeyTransform(key, "scales"))
        for j, key in enumerate(keys)
    }
    rows = (
        valid_results(version)
        .annotate(language=F("invitation__language"), **means)
        .order_by("invitation_id")
        .values_list("language", *means)
    )
    languages, values = [], []
    for language, *figures in rows.iterator(chunk_size=CHUNK):
        languages.append(language)
        values.append([_number(v) for v in figures])
    return languages, np.array(values, dtype=float).reshape(-1, len(keys))


def _number(value) -> float:
    """A scale mean read as text: NaN for a scale left unscored, which PostgreSQL
    reads as NULL and SQLite as the text 'null' of the JSON value."""
    if value is None or value == "null":
        return math.nan
    return float(value)


def _norm_figures(
    keys: list[str], means: np.ndarray, min_n: int
) -> tuple[dict, dict] | None:
    scales, samples = {}, {}
    for j, key in enumerate(keys):
        column = means[:, j]
        column = np.sort(column[~np.isnan(column)])
        sd = float(column.std(ddof=1)) if column.size >= 2 else 0.0
        if column.size < min_n or not sd > 0:
            return None
        scales[key] = {"mean": float(column.mean()), "sd": sd, "n": int(column.size)}
        samples[key] = column.tolist()
    return scales, samples


def norms_recompute(
    *,
    version: InstrumentVersion | None = None,
    now: datetime | None = None,
    min_n: int = MIN_NORM_N,
) -> list[NormSet]:
    """Store local norm sets computed from the valid completed submissions.

    Per version and language with at least ``min_n`` valid submissions (and a
    pooled set, language "", when all languages together reach ``min_n``): per
    scale the mean, SD (ddof 1) and N of the scale means, and the sorted means
    as the sample for empirical percentiles. A set is stored only when it
    differs from the newest local set of its language, so running this daily
    does not make every submission look out of date for rescoring. Returns the
    sets created. New submissions are scored against the newest set;
    ``manage.py rescore`` brings older results onto it.
    """
    now = now or timezone.now()
    created = []
    for each in versions_or_all(version):
        keys = [scale["key"] for scale in each.definition["scales"]]
        languages, means = _scale_means(each)
        if len(languages) < min_n:
            continue
        language_of = np.array(languages, dtype=object)
        groups = {"": np.ones(len(languages), dtype=bool)}
        for language in sorted(set(languages)):
            groups[language] = language_of == language
        for language, chosen in groups.items():
            if chosen.sum() < min_n:
                continue
            figures = _norm_figures(keys, means[chosen], min_n)
            if figures is None:
                logger.info("%s: no local norms for %r yet", each, language)
                continue
            scales, samples = figures
            newest = (
                NormSet.objects.filter(
                    version=each, source=NormSet.Source.LOCAL, language=language
                )
                .order_by("-computed_at", "-id")
                .first()
            )
            if (
                newest is not None
                and newest.scales == scales
                and newest.samples == samples
            ):
                continue
            created.append(
                NormSet.objects.create(
                    version=each,
                    source=NormSet.Source.LOCAL,
                    language=language,
                    scales=scales,
                    samples=samples,
                    n=int(chosen.sum()),
                    computed_at=now,
                )
            )
    return created
