"""Interviewer calibration of a rubric: leniency, Krippendorff's alpha and ICC(A,1).

Reads the latest version of every submitted scorecard of the rubric's interviews
(all versions of the rubric: the competency keys are what is compared) and
returns each figure with its N, or "not yet estimable" below the stated minimum.

Agreement (alpha and ICC) is computed on a candidates x raters table, as
SCORING.md section 7 defines it: one row per interview, each cell one
interviewer's score of that candidate (the rubric's weighted mean of the
competencies they rated). Rows of one competency each would count one interview
several times and make the interval too narrow. Leniency compares each rating
with its competency's panel mean and averages the deviations within each
interview, so it reads the competency-level table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assessments.interview_selectors import calibration_versions
from assessments.models import Rubric
from assessments.scoring.interviews import (
    MIN_AGREEMENT_UNITS,
    MIN_LENIENCY_INTERVIEWS,
    balanced_table,
    icc_two_way,
    krippendorff_alpha_interval,
    rater_leniency,
)


@dataclass(frozen=True)
class RaterRow:
    interviewer: object
    n: int
    mean: float | None
    low: float | None
    high: float | None
    observed_mean: float | None

    @property
    def estimable(self) -> bool:
        return self.mean is not None


@dataclass(frozen=True)
class Figure:
    value: float | None
    n: int
    minimum: int
    low: float | None = None
    high: float | None = None
    raters: int = 0

    @property
    def estimable(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class RubricCalibration:
    raters: list[RaterRow]
    alpha: Figure
    icc: Figure
    interviews: int
    scorecards: int
    min_leniency_interviews: int = MIN_LENIENCY_INTERVIEWS
    min_agreement_units: int = MIN_AGREEMENT_UNITS


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _rater_score(ratings: dict, weights: dict[str, float]) -> float | None:
    """One interviewer's score of a candidate: the weighted mean of the
    competencies they rated (weights of the rated ones only), None if none."""
    rated = [
        (weights.get(key, 0.0), rating)
        for key, rating in ratings.items()
        if rating is not None
    ]
    total = sum(weight for weight, _rating in rated)
    if not rated or total <= 0:
        return None
    return sum(weight * rating for weight, rating in rated) / total


def _table(cells: dict, rows: list, column: dict[int, int]) -> np.ndarray:
    table = np.full((len(rows), len(column)), np.nan)
    for row, key in enumerate(rows):
        for rater, value in cells[key].items():
            table[row, column[rater]] = value
    return table


def rubric_calibration(*, rubric: Rubric) -> RubricCalibration:
    versions = calibration_versions(rubric_id=rubric.pk)
    raters: dict[int, object] = {}
    units: dict[tuple[int, str], dict[int, float]] = {}
    scores: dict[int, dict[int, float]] = {}
    for version in versions:
        card = version.scorecard
        raters.setdefault(card.interviewer_id, card.interviewer)
        for key, rating in version.ratings.items():
            if rating is not None:
                units.setdefault((card.interview_id, key), {})[card.interviewer_id] = (
                    rating
                )
        rubric_version = card.interview.rubric_version
        weights = dict(
            zip(rubric_version.competency_keys, rubric_version.weights, strict=True)
        )
        score = _rater_score(version.ratings, weights)
        if score is not None:
            scores.setdefault(card.interview_id, {})[card.interviewer_id] = score
    rater_ids = sorted(raters)
    column = {rater: i for i, rater in enumerate(rater_ids)}
    unit_keys = sorted(units)
    table = _table(units, unit_keys, column)
    candidates = _table(scores, sorted(scores), column)
    unit_interview = np.array([key[0] for key in unit_keys], dtype=int)
    interviews = len({key[0] for key in unit_keys})
    leniency = rater_leniency(table, unit_interview) if table.size else ()
    rows = sorted(
        (
            RaterRow(
                interviewer=raters[rater_ids[item.rater]],
                n=item.n,
                mean=item.mean,
                low=item.low,
                high=item.high,
                observed_mean=item.observed_mean,
            )
            for item in leniency
        ),
        key=lambda r: (-r.n, str(r.interviewer)),
    )
    pairable = (
        int(((~np.isnan(candidates)).sum(axis=1) >= 2).sum()) if candidates.size else 0
    )
    alpha_value = (
        _finite(krippendorff_alpha_interval(candidates))
        if pairable >= MIN_AGREEMENT_UNITS
        else None
    )
    alpha = Figure(value=alpha_value, n=pairable, minimum=MIN_AGREEMENT_UNITS)
    block, block_raters = (
        balanced_table(candidates) if candidates.size else (np.empty((0, 0)), ())
    )
    if block.shape[0] >= MIN_AGREEMENT_UNITS:
        result = icc_two_way(block)
        icc = Figure(
            value=_finite(result.icc_a_1),
            n=block.shape[0],
            minimum=MIN_AGREEMENT_UNITS,
            low=_finite(result.icc_a_1_low),
            high=_finite(result.icc_a_1_high),
            raters=len(block_raters),
        )
    else:
        icc = Figure(
            value=None,
            n=block.shape[0],
            minimum=MIN_AGREEMENT_UNITS,
            raters=len(block_raters),
        )
    return RubricCalibration(
        raters=rows,
        alpha=alpha,
        icc=icc,
        interviews=interviews,
        scorecards=len(versions),
    )
