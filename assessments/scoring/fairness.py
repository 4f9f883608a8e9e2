"""Fairness and validity monitoring (SCORING.md section 8).

These work on aggregate counts and score/outcome arrays. Demographic answers
never enter any score; they only reach these functions, in aggregate.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import ScoringInputError

FOUR_FIFTHS = 0.8
MIN_GROUP_N = 30
MIN_EXPECTED_COUNT = 5


def selection_rate(selected, assessed) -> np.ndarray:
    """Selection rate ``SR = selected / assessed`` (NaN where nobody was assessed)."""
    selected = np.asarray(selected, dtype=float)
    assessed = np.asarray(assessed, dtype=float)
    if np.any(selected < 0) or np.any(selected > assessed):
        raise ScoringInputError("selected must lie between 0 and assessed")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(assessed > 0, selected / assessed, np.nan)


def impact_ratio(rates) -> np.ndarray:
    """Impact ratio ``IR = SR_group / SR_max`` (EEOC Uniform Guidelines 1978).

    The reference is the group with the highest rate. NaN if no group selected
    anybody (the ratio is undefined, not 1).
    """
    rates = np.asarray(rates, dtype=float)
    highest = np.nanmax(rates) if np.any(~np.isnan(rates)) else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(highest > 0, rates / highest, np.nan)


@dataclass(frozen=True)
class SignificanceTest:
    """A test statistic and its two-sided p value."""

    statistic: float
    p_value: float


def two_proportion_z(
    selected_a: int, assessed_a: int, selected_b: int, assessed_b: int
) -> SignificanceTest:
    """Pooled two-proportion z test of ``SR_a - SR_b``, two-sided p.

    ``z = (p_a - p_b) / sqrt(p (1 - p) (1/n_a + 1/n_b))`` with the pooled
    ``p = (x_a + x_b) / (n_a + n_b)``; the test recommended next to the impact
    ratio by Morris & Lobsenz 2000. NaN when a group is empty or ``p`` is 0 or 1.
    """
    if min(assessed_a, assessed_b) <= 0:
        return SignificanceTest(math.nan, math.nan)
    rate_a, rate_b = selected_a / assessed_a, selected_b / assessed_b
    pooled = (selected_a + selected_b) / (assessed_a + assessed_b)
    variance = pooled * (1 - pooled) * (1 / assessed_a + 1 / assessed_b)
    if variance <= 0:
        return SignificanceTest(math.nan, math.nan)
    z = (rate_a - rate_b) / math.sqrt(variance)
    return SignificanceTest(z, float(2 * stats.norm.sf(abs(z))))


def fisher_exact_2x2(table) -> SignificanceTest:
    """Fisher's exact test on ``[[sel_a, rej_a], [sel_b, rej_b]]``, two-sided.

    Fisher 1935, via ``scipy.stats.fisher_exact``. ``statistic`` is the sample
    odds ratio ``(sel_a rej_b) / (rej_a sel_b)`` (not the conditional MLE).
    """
    table = np.asarray(table)
    if table.shape != (2, 2) or np.any(table < 0):
        raise ScoringInputError("Fisher's test needs a 2 x 2 table of counts")
    result = stats.fisher_exact(table, alternative="two-sided")
    return SignificanceTest(float(result.statistic), float(result.pvalue))


@dataclass(frozen=True)
class GroupImpact:
    """One group against the reference (highest-rate) group.

    Test fields are ``None`` for the reference group itself, and ``odds_ratio``
    is ``None`` where a zero cell of the table makes it infinite or undefined
    (a group that selected everyone or nobody). ``small_n`` warns
    that the group or the reference has fewer than ``min_group_n`` assessed, or
    an expected cell count below 5: the impact ratio and z test are then unstable
    and the Fisher p should be read first.
    """

    group: str
    selected: int
    assessed: int
    selection_rate: float | None
    impact_ratio: float | None
    adverse_impact: bool
    z: float | None
    z_p_value: float | None
    odds_ratio: float | None
    fisher_p_value: float | None
    small_n: bool


@dataclass(frozen=True)
class AdverseImpactReport:
    """Adverse-impact figures of every group; ``reference_group`` has the top rate."""

    reference_group: str | None
    threshold: float
    groups: tuple[GroupImpact, ...]


def _plain(value) -> float | None:
    """A figure as a float, or ``None`` where it is undefined or infinite."""
    value = float(value)
    return value if math.isfinite(value) else None


def _small(counts: tuple[int, int], reference: tuple[int, int], min_n: int) -> bool:
    if min(counts[1], reference[1]) < min_n:
        return True
    table = np.array(
        [
            [reference[0], reference[1] - reference[0]],
            [counts[0], counts[1] - counts[0]],
        ],
        dtype=float,
    )
    columns = table.sum(axis=0)
    if not columns.all():
        # Everyone selected, or nobody: both rates are equal (1 or 0), no test
        # statistic is computed, and the expected counts say nothing of N.
        return False
    expected = np.outer(table.sum(axis=1), columns) / table.sum()
    return bool(expected.min() < MIN_EXPECTED_COUNT)


def adverse_impact(
    counts: Mapping[str, tuple[int, int]],
    *,
    threshold: float = FOUR_FIFTHS,
    min_group_n: int = MIN_GROUP_N,
) -> AdverseImpactReport:
    """Four-fifths rule with a z test and Fisher's exact test per group.

    ``counts`` maps group -> ``(selected, assessed)``. A group whose impact ratio
    is below ``threshold`` (0.8, EEOC Uniform Guidelines 1978, 29 CFR
    1607.4(D)) is marked ``adverse_impact``; that is evidence to examine, and the
    report says when N is too small to lean on it. Each group is tested against
    the reference: z from ``two_proportion_z(reference, group)`` (positive when
    the group is selected less), Fisher on ``[[ref_sel, ref_rej], [sel, rej]]``.
    """
    groups = list(counts)
    for group in groups:
        selected, assessed = counts[group]
        if not (0 <= selected <= assessed):
            raise ScoringInputError(f"group {group!r}: need 0 <= selected <= assessed")
    rates = selection_rate(
        [counts[g][0] for g in groups], [counts[g][1] for g in groups]
    )
    ratios = impact_ratio(rates)
    reference = None
    if np.any(~np.isnan(rates)):
        reference = groups[int(np.nanargmax(rates))]
    impacts = []
    for group, rate, ratio in zip(groups, rates, ratios, strict=True):
        selected, assessed = counts[group]
        z = p_z = odds = p_fisher = None
        small = assessed < min_group_n
        if reference is not None and group != reference:
            ref = counts[reference]
            test = two_proportion_z(ref[0], ref[1], selected, assessed)
            fisher = fisher_exact_2x2(
                [[ref[0], ref[1] - ref[0]], [selected, assessed - selected]]
            )
            z, p_z = _plain(test.statistic), _plain(test.p_value)
            odds, p_fisher = _plain(fisher.statistic), _plain(fisher.p_value)
            small = assessed == 0 or _small((selected, assessed), ref, min_group_n)
        impacts.append(
            GroupImpact(
                group=group,
                selected=int(selected),
                assessed=int(assessed),
                selection_rate=_plain(rate),
                impact_ratio=_plain(ratio),
                adverse_impact=bool(ratio < threshold),
                z=z,
                z_p_value=p_z,
                odds_ratio=odds,
                fisher_p_value=p_fisher,
                small_n=small,
            )
        )
    return AdverseImpactReport(reference, threshold, tuple(impacts))


def correlation_ci(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Fisher-z confidence interval for a correlation (Fisher 1921).

    ``tanh(atanh(r) +/- z_q / sqrt(n - 3))``; NaN for ``n <= 3`` or ``|r| = 1``.
    """
    if n <= 3 or math.isnan(r) or abs(r) >= 1:
        return (math.nan, math.nan)
    half = stats.norm.ppf((1 + level) / 2) / math.sqrt(n - 3)
    centre = math.atanh(r)
    return (math.tanh(centre - half), math.tanh(centre + half))


@dataclass(frozen=True)
class CriterionValidity:
    """Observed criterion r with its n and Fisher-z interval (``None`` if undefined)."""

    r: float | None
    n: int
    ci_low: float | None
    ci_high: float | None


def criterion_validity(scores, outcomes, level: float = 0.95) -> CriterionValidity:
    """Pearson r between a score and a later outcome, with a Fisher-z CI.

    With a 0/1 outcome (e.g. 90-day retention) this is the point-biserial r.
    Pairs with a missing score or outcome are dropped. Expect .1 to .3 for a
    single personality scale; a narrow interval needs a few hundred hires.
    """
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes, dtype=float)
    if scores.shape != outcomes.shape or scores.ndim != 1:
        raise ScoringInputError("scores and outcomes must be vectors of one length")
    both = ~np.isnan(scores) & ~np.isnan(outcomes)
    x, y = scores[both], outcomes[both]
    n = int(x.size)
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return CriterionValidity(None, n, None, None)
    r = float(np.corrcoef(x, y)[0, 1])
    low, high = correlation_ci(r, n, level)
    return CriterionValidity(r, n, _plain(low), _plain(high))


def thorndike_case2(r, u) -> np.ndarray:
    """Direct range-restriction correction, Thorndike (1949) case II.

    ``R = r u / sqrt(1 - r^2 + r^2 u^2)`` with ``u = applicant SD / hired SD``.
    Report it only as a secondary figure, after the observed r.
    """
    r = np.asarray(r, dtype=float)
    u = np.asarray(u, dtype=float)
    return r * u / np.sqrt(1.0 - r**2 + r**2 * u**2)


def range_restriction_correction(r, applicant_sd, hired_sd) -> np.ndarray:
    """``thorndike_case2`` with u computed from the two standard deviations."""
    return thorndike_case2(
        r, np.asarray(applicant_sd, float) / np.asarray(hired_sd, float)
    )
