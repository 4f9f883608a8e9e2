"""Local norms from the valid completed submissions, once there are enough."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from django.db.models import F
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone

from assessments.models import InstrumentVersion, NormSet
from assessments.scoring import RELIABILITY_CEILING
from assessments.scoring.precision import sem
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


@dataclass(frozen=True)
class NormsOutcome:
    """What one norm group (a language, or ``""`` for all) got from a run.

    ``reason`` is ``"created"`` (``norm_set`` holds the new set), ``"unchanged"``
    (the newest local set has the same figures), ``"too_few"`` (fewer than
    ``min_n`` valid submissions in the group, or scored on ``scale``), or
    ``"no_spread"`` (every valid submission has the same score on ``scale``, so
    there is no SD to standardise against), or ``"too_narrow"`` (the SD on
    ``scale``, ``sd``, is below ``min_sd``, the least that measurement error
    alone gives: ``norm_sd_floor``); ``n`` counts the group's valid
    submissions, or the scored ones on ``scale``.
    """

    language: str
    reason: str
    n: int
    scale: str | None = None
    norm_set: NormSet | None = None
    sd: float | None = None
    min_sd: float | None = None


def norm_sd_floor(published_sd: float, published_reliability: float) -> float:
    """The smallest SD of scale means a local norm may have: the published SEM.

    Classical test theory: observed variance = true variance + error variance
    (Lord & Novick 1968, ch. 3), and the error variance of a scale does not
    depend on who takes it. So even candidates whose true scores were all equal
    would spread by the SEM, ``SD sqrt(1 - r_xx)`` (SCORING.md section 3), on
    the published figures; with the reliability at most
    ``RELIABILITY_CEILING``, as for the bands. A smaller SD comes from answers
    given alike or copied, not from a homogeneous pool, and z against it would
    put the next candidate at an extreme: on the starter (SD .55 to .70, r .80)
    the floor is .45 of the published SD, and an SD of .02 would put a
    candidate one answer step above the mean at T 100.
    """
    return float(sem(published_sd, min(published_reliability, RELIABILITY_CEILING)))


def _norm_figures(
    definition: dict, means: np.ndarray, min_n: int
) -> tuple[dict, dict] | NormsOutcome:
    """``(scales, samples)``, or the outcome (language left blank) naming the
    first scale that cannot be normed: a local set needs every scale, else
    scores would mix norms."""
    scales, samples = {}, {}
    for j, scale in enumerate(definition["scales"]):
        key = scale["key"]
        column = means[:, j]
        column = np.sort(column[~np.isnan(column)])
        if column.size < min_n:
            return NormsOutcome("", "too_few", int(column.size), key)
        # Equal scale means are equal floats (an exact ratio, rounded once),
        # but their SD need not be 0: 130 copies of 3.3 give 4.5e-16, and z
        # against it would be astronomic. So test the spread on the values.
        if np.ptp(column) == 0:
            return NormsOutcome("", "no_spread", int(column.size), key)
        sd = float(column.std(ddof=1))
        floor = norm_sd_floor(scale["norms"]["sd"], scale["reliability"])
        if sd < floor:
            return NormsOutcome(
                "", "too_narrow", int(column.size), key, sd=sd, min_sd=floor
            )
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
    as the sample for empirical percentiles. No set is stored while a scale's
    SD is below the SEM of the published figures (``norm_sd_floor``): z
    against a near-constant group would be extreme. A set is stored only when it
    differs from the newest local set of its language, so running this daily
    does not make every submission look out of date for rescoring. Returns the
    sets created. New submissions are scored against the newest set;
    ``manage.py rescore`` brings older results onto it.
    """
    return [
        outcome.norm_set
        for outcomes in norms_recompute_outcomes(
            version=version, now=now, min_n=min_n
        ).values()
        for outcome in outcomes
        if outcome.norm_set is not None
    ]


def norms_recompute_outcomes(
    *,
    version: InstrumentVersion | None = None,
    now: datetime | None = None,
    min_n: int = MIN_NORM_N,
) -> dict[InstrumentVersion, list[NormsOutcome]]:
    """``norms_recompute``, saying per version and norm group what happened
    and, when no set was stored, why (``NormsOutcome``)."""
    now = now or timezone.now()
    outcomes = {}
    for each in versions_or_all(version):
        languages, means = _scale_means(each)
        language_of = np.array(languages, dtype=object)
        groups = {"": np.ones(len(languages), dtype=bool)}
        for language in sorted(set(languages)):
            groups[language] = language_of == language
        found = outcomes[each] = []
        for language, chosen in groups.items():
            n = int(chosen.sum())
            if n < min_n:
                found.append(NormsOutcome(language, "too_few", n))
                continue
            figures = _norm_figures(each.definition, means[chosen], min_n)
            if isinstance(figures, NormsOutcome):
                logger.info("%s: no local norms for %r yet", each, language)
                found.append(replace(figures, language=language))
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
                found.append(NormsOutcome(language, "unchanged", n))
                continue
            norm_set = NormSet.objects.create(
                version=each,
                source=NormSet.Source.LOCAL,
                language=language,
                scales=scales,
                samples=samples,
                n=n,
                computed_at=now,
            )
            found.append(NormsOutcome(language, "created", n, norm_set=norm_set))
    return outcomes
