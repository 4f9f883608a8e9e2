"""Reliability of a scale from a respondents x items matrix (SCORING.md section 5).

Matrices hold keyed (reverse-scored) answers, one row per completed valid
submission, NaN for missing; see ``scales.keyed_answers``.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import ScoringInputError
from .scales import checked_answers
from .spec import InstrumentSpec

MIN_N = 30
# Alpha this close to 1 means every respondent answered the items alike (each
# item moving exactly with the others): the data show no measurement error,
# which is a response set, not a perfect scale.
ALIKE_TOLERANCE = 1e-9


def _complete_rows(matrix) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2:
        raise ScoringInputError("a reliability matrix must be respondents x items")
    return matrix[~np.isnan(matrix).any(axis=1)]


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not total > 0:
        return math.nan
    alpha = k / (k - 1) * (1.0 - np.trace(cov) / total)
    # Cauchy-Schwarz bounds alpha by 1; clip the rounding noise of near-identical items.
    return float(min(alpha, 1.0))


def cronbach_alpha(matrix) -> float:
    """Cronbach's alpha, ``k/(k-1) * (1 - sum var_i / var_total)`` (Cronbach 1951).

    Sample variances (ddof 1); listwise deletion of respondents with any missing
    item. NaN when fewer than 2 complete respondents or 2 items, or when the total
    score does not vary. Never above 1; it can be negative.
    """
    complete = _complete_rows(matrix)
    if complete.shape[0] < 2:
        return math.nan
    return _alpha_from_cov(
        np.cov(complete, rowvar=False, ddof=1).reshape(
            complete.shape[1], complete.shape[1]
        )
    )


def feldt_interval(
    alpha: float, n: int, k: int, level: float = 0.95
) -> tuple[float, float]:
    """Feldt's confidence interval for alpha (Feldt 1965; Feldt et al. 1987).

    ``1 - (1 - alpha) * F(q; n - 1, (n - 1)(k - 1))``; the upper quantile
    ``q = (1 + level)/2`` gives the lower limit, ``q = (1 - level)/2`` the upper.
    """
    if n < 2 or k < 2 or math.isnan(alpha):
        return (math.nan, math.nan)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1.0 - level) / 2.0
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(tail, df1, df2)
    return (float(low), float(high))


def spearman_brown(r, k=2.0) -> np.ndarray:
    """Spearman-Brown prophecy, ``r_kk = k r / (1 + (k - 1) r)``.

    Spearman 1910; Brown 1910. ``k = 2`` steps a split-half r up to full length.
    """
    r = np.asarray(r, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return k * r / (1.0 + (k - 1.0) * r)


def mcdonald_omega(loadings) -> float:
    """McDonald's omega (total) from standardised one-factor loadings.

    ``(sum l)^2 / ((sum l)^2 + sum(1 - l^2))`` (McDonald 1999), uniquenesses
    taken as ``1 - l^2``.
    """
    loadings = np.asarray(loadings, dtype=float)
    if loadings.ndim != 1 or loadings.size == 0 or np.any(np.abs(loadings) > 1):
        raise ScoringInputError("loadings must be a non-empty vector in [-1, 1]")
    common = loadings.sum() ** 2
    return float(common / (common + np.sum(1.0 - loadings**2)))


def corrected_item_total(matrix) -> np.ndarray:
    """Corrected item-total correlations: r of each item with the sum of the others.

    The item is left out of the total so that it does not correlate with itself
    (Nunnally & Bernstein 1994). Listwise deletion; NaN for an item or rest score
    with no variance.
    """
    complete = _complete_rows(matrix)
    if complete.shape[0] < 2:
        return np.full(complete.shape[1], np.nan)
    rest = complete.sum(axis=1, keepdims=True) - complete
    item_dev = complete - complete.mean(axis=0)
    rest_dev = rest - rest.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (item_dev * rest_dev).sum(axis=0) / np.sqrt(
            (item_dev**2).sum(axis=0) * (rest_dev**2).sum(axis=0)
        )


def alpha_if_dropped(matrix) -> np.ndarray:
    """Cronbach's alpha of the scale without each item in turn (listwise deletion).

    NaN for scales of two items or fewer (one item has no alpha).
    """
    complete = _complete_rows(matrix)
    k = complete.shape[1]
    if complete.shape[0] < 2 or k < 3:
        return np.full(k, np.nan)
    cov = np.cov(complete, rowvar=False, ddof=1)
    keep = ~np.eye(k, dtype=bool)
    return np.array([_alpha_from_cov(cov[np.ix_(keep[j], keep[j])]) for j in range(k)])


@dataclass(frozen=True)
class ScaleStatistics:
    """Reliability report of one scale; reliability fields are ``None`` below min N.

    ``mean`` and ``sd`` describe the scale score (the item mean) of the complete
    respondents; ``item_variances`` and ``total_variance`` (of the item sum) are
    the sample variances alpha is built from. ``answered_alike`` says that alpha
    came out as 1 because every respondent answered the items alike (e.g. one
    answer to every item of a scale keyed one way): alpha is then ``None``, not
    estimable, and scoring keeps the definition's figure.
    """

    n: int
    k: int
    estimable: bool
    mean: float | None
    sd: float | None
    item_variances: tuple[float, ...] | None
    total_variance: float | None
    alpha: float | None
    alpha_low: float | None
    alpha_high: float | None
    item_total: tuple[float | None, ...] | None
    alpha_if_dropped: tuple[float | None, ...] | None
    answered_alike: bool = False


def _plain(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def scale_statistics(
    matrix, *, min_n: int = MIN_N, level: float = 0.95
) -> ScaleStatistics:
    """N, mean, SD, alpha with Feldt interval, item-total r and alpha-if-dropped.

    Below ``min_n`` complete respondents (default 30) reliability is "not yet
    estimable": ``estimable`` is False and the reliability fields are ``None``.
    Alpha is ``None`` too when the total does not vary, or when it comes out
    as 1 on answers given alike (``answered_alike``): a Feldt interval of
    [1, 1] and an SEM of 0 would be false certainty.
    """
    complete = _complete_rows(matrix)
    n, k = complete.shape
    scores = complete.mean(axis=1) if k else np.empty(0)
    mean = _plain(scores.mean()) if n >= 1 else None
    sd = variances = total = None
    if n >= 2:
        sd = _plain(scores.std(ddof=1))
        variances = tuple(float(v) for v in complete.var(axis=0, ddof=1))
        total = float(complete.sum(axis=1).var(ddof=1))
    if n < max(min_n, 2):
        return ScaleStatistics(
            n, k, False, mean, sd, variances, total, None, None, None, None, None
        )
    alpha = cronbach_alpha(complete)
    alike = bool(alpha >= 1.0 - ALIKE_TOLERANCE)
    if alike:
        alpha = math.nan
    low, high = feldt_interval(alpha, n, k, level)
    return ScaleStatistics(
        n=n,
        k=k,
        estimable=True,
        mean=mean,
        sd=sd,
        item_variances=variances,
        total_variance=total,
        alpha=_plain(alpha),
        alpha_low=_plain(low),
        alpha_high=_plain(high),
        item_total=tuple(_plain(r) for r in corrected_item_total(complete)),
        alpha_if_dropped=tuple(_plain(a) for a in alpha_if_dropped(complete)),
        answered_alike=alike,
    )


def instrument_reliability(
    answers, spec: InstrumentSpec, *, min_n: int = MIN_N, level: float = 0.95
) -> Mapping[str, ScaleStatistics]:
    """``scale_statistics`` for every scale of ``spec`` from raw answers.

    Pass only completed, valid submissions of one instrument version; items are
    reverse keyed here.
    """
    keyed = checked_answers(answers, spec).keyed
    return {
        key: scale_statistics(
            keyed[:, spec.scale_columns(key)], min_n=min_n, level=level
        )
        for key in spec.scale_keys
    }
