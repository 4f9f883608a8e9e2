"""Scale scores from item answers (SCORING.md section 1)."""

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .inputs import answer_matrix
from .spec import InstrumentSpec

MIN_ANSWERED_FRACTION = 0.8


def reverse(x, scale_min: int, scale_max: int) -> np.ndarray:
    """Reverse-key answers: ``x' = (min + max) - x``.

    The usual Likert reversal (Likert 1932); on 1..5, 2 -> 4. NaN stays NaN.
    """
    return (scale_min + scale_max) - np.asarray(x, dtype=float)


def apply_keys(answers, keyed, scale_min: int, scale_max: int) -> np.ndarray:
    """Reverse the columns whose entry in ``keyed`` is -1, keep the +1 columns.

    ``answers`` is N x k, ``keyed`` has length k.
    """
    answers = np.asarray(answers, dtype=float)
    return np.where(
        np.asarray(keyed) < 0, reverse(answers, scale_min, scale_max), answers
    )


def keyed_answers(answers, spec: InstrumentSpec) -> np.ndarray:
    """The N x k answer matrix with the spec's reverse-keyed items reversed."""
    return apply_keys(answers, spec.keyed_vector, spec.scale_min, spec.scale_max)


class CheckedAnswers:
    """An answer matrix already checked against ``spec``, with its keyed copy.

    Lets one ``score_batch`` call validate and reverse-key the answers once
    while every index function still accepts a plain array.
    """

    def __init__(self, answers, spec: InstrumentSpec) -> None:
        self.spec = spec
        self.raw = answer_matrix(answers, spec)
        self.raw.flags.writeable = False

    @cached_property
    def keyed(self) -> np.ndarray:
        keyed = keyed_answers(self.raw, self.spec)
        keyed.flags.writeable = False
        return keyed


def checked_answers(answers, spec: InstrumentSpec) -> CheckedAnswers:
    """``answers`` as ``CheckedAnswers`` (returned unchanged if already checked)."""
    if isinstance(answers, CheckedAnswers) and answers.spec is spec:
        return answers
    if isinstance(answers, CheckedAnswers):
        answers = answers.raw
    return CheckedAnswers(answers, spec)


def row_mean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the non-NaN entries of each row, and their count.

    Rows with nothing answered get NaN (without numpy's all-NaN warning).
    """
    answered = ~np.isnan(values)
    count = answered.sum(axis=1)
    total = np.where(answered, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    return mean, count


@dataclass(frozen=True, eq=False)
class ScaleScores:
    """Per-scale results as N x S arrays, columns ordered like ``scale_keys``.

    ``mean`` and ``prorated_sum`` are NaN where ``missing`` is True.
    """

    scale_keys: tuple[str, ...]
    n_items: np.ndarray
    mean: np.ndarray
    prorated_sum: np.ndarray
    n_answered: np.ndarray
    missing: np.ndarray


def scale_scores(
    answers, spec: InstrumentSpec, *, min_fraction: float = MIN_ANSWERED_FRACTION
) -> ScaleScores:
    """Scale means and prorated sums of N submissions.

    Scale score = mean of the scale's answered items after reverse keying;
    prorated sum = mean x number of items of the scale (person-mean proration,
    Downey & King 1998). A scale with fewer than ``min_fraction`` (80 %) of its
    items answered is missing: NaN here, ``None`` in a ``SubmissionResult``,
    never 0.

    ``answers`` is N x k (float, NaN for missing), columns in definition order;
    the presentation order does not enter the scale scores.
    """
    keyed = checked_answers(answers, spec).keyed
    n_rows, n_scales = keyed.shape[0], len(spec.scales)
    n_items = np.array([spec.scale_columns(key).size for key in spec.scale_keys])
    mean = np.empty((n_rows, n_scales))
    n_answered = np.empty((n_rows, n_scales), dtype=np.int64)
    for j, key in enumerate(spec.scale_keys):
        mean[:, j], n_answered[:, j] = row_mean(keyed[:, spec.scale_columns(key)])
    # Integer threshold so that 8 of 10 items counts as 80 % despite rounding.
    needed = np.array([math.ceil(min_fraction * k - 1e-9) for k in n_items])
    missing = n_answered < np.maximum(needed, 1)
    mean[missing] = np.nan
    return ScaleScores(
        scale_keys=spec.scale_keys,
        n_items=n_items,
        mean=mean,
        prorated_sum=mean * n_items,
        n_answered=n_answered,
        missing=missing,
    )
