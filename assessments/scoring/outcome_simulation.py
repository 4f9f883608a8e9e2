"""Simulated hires whose truth is known, to check the outcome reports' figures.

- ``validity_coverage``: applicants with a known true correlation between a
  score and an outcome (continuous, or 0/1 by a threshold on a latent
  outcome); hires drawn at random or top-down on the score (direct range
  restriction). How often does the report's 95 % interval hold the truth, and
  how close does the Thorndike-corrected r come to it?
- ``team_flag_rates``: teams whose hires leave by a known logistic model, one
  of them with a truly higher turnover. How often is an ordinary team flagged
  (false alarms), and how often the bad one (power)?

Pure and seeded: numpy and scipy only; the figures are in docs/outcome-reports.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .outcomes import logistic_fit, turnover_check, validity_matrix


def _wilson(hits: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    share = hits / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    spread = math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    half = z * spread / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def point_biserial_truth(rho: float, share_one: float) -> float:
    """Population correlation of a normal score with ``1{latent > c}`` when the
    latent outcome correlates ``rho`` with the score and ``P(1) = share_one``:
    ``rho phi(c) / sqrt(p (1 - p))`` (the biserial-point-biserial relation)."""
    c = stats.norm.ppf(1 - share_one)
    return float(rho * stats.norm.pdf(c) / math.sqrt(share_one * (1 - share_one)))


@dataclass(frozen=True)
class CoverageOutcome:
    """``covered`` of ``replications`` intervals held ``truth``."""

    truth: float
    n: int
    replications: int
    covered: int
    mean_r: float
    mean_corrected: float | None

    @property
    def share(self) -> float:
        return self.covered / self.replications

    @property
    def interval(self) -> tuple[float, float]:
        return _wilson(self.covered, self.replications)


def validity_coverage(
    *,
    rho: float,
    n: int,
    replications: int,
    seed: int,
    binary_share: float | None = None,
    selection_ratio: float | None = None,
) -> CoverageOutcome:
    """Simulate ``replications`` samples of ``n`` hires and run the report's
    ``validity_matrix`` on each.

    Score and latent outcome are standard bivariate normal with correlation
    ``rho``. With ``binary_share`` the outcome is 1 for the top ``binary_share``
    of the latent outcome (e.g. .75 employed at 90 days), and the truth is the
    population point-biserial r. With ``selection_ratio`` (e.g. .3) the hires
    are the top 30 % of ``n / selection_ratio`` applicants on the score: the
    truth is then the applicants' r, which the observed r underestimates and the
    Thorndike correction (u from the applicants' SD) recovers; the interval of
    the observed r is then not expected to hold it.
    """
    rng = np.random.default_rng(seed)
    truth = rho if binary_share is None else point_biserial_truth(rho, binary_share)
    threshold = None if binary_share is None else stats.norm.ppf(1 - binary_share)
    pool = n if selection_ratio is None else round(n / selection_ratio)
    covered, rs, corrected = 0, [], []
    for _ in range(replications):
        score = rng.standard_normal(pool)
        latent = rho * score + math.sqrt(1 - rho * rho) * rng.standard_normal(pool)
        outcome = latent if threshold is None else (latent > threshold).astype(float)
        applicant_sd = float(score.std(ddof=1))
        if selection_ratio is not None:
            hired = np.argsort(score)[-n:]
            score, outcome = score[hired], outcome[hired]
        cell = validity_matrix(
            score[:, None], outcome[:, None], applicant_sd=[applicant_sd]
        )[0][0]
        if not cell.estimable:
            continue
        rs.append(cell.r)
        if cell.corrected is not None:
            corrected.append(cell.corrected)
        covered += int(cell.ci_low <= truth <= cell.ci_high)
    return CoverageOutcome(
        truth=truth,
        n=n,
        replications=replications,
        covered=covered,
        mean_r=float(np.mean(rs)),
        mean_corrected=float(np.mean(corrected)) if corrected else None,
    )


@dataclass(frozen=True)
class TeamFlagOutcome:
    """Flags raised on ordinary teams (false alarms) and on the team with truly
    higher turnover (detections), over all replications."""

    teams: int
    hires_per_team: int
    replications: int
    false_alarms: int
    ordinary_checks: int
    detections: int
    bad_checks: int
    bad_team_rate: float
    ordinary_rate: float

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.ordinary_checks

    @property
    def false_alarm_interval(self) -> tuple[float, float]:
        return _wilson(self.false_alarms, self.ordinary_checks)

    @property
    def power(self) -> float:
        return self.detections / self.bad_checks

    @property
    def power_interval(self) -> tuple[float, float]:
        return _wilson(self.detections, self.bad_checks)


def team_flag_rates(
    *,
    teams: int,
    hires_per_team: int,
    replications: int,
    seed: int,
    intercept: float = -1.4,
    slope: float = -0.7,
    bad_team_shift: float = 1.2,
) -> TeamFlagOutcome:
    """Simulate ``teams`` teams of ``hires_per_team`` hires each; hire i leaves
    by day 90 with ``logistic(intercept + slope * composite_i)``, plus
    ``bad_team_shift`` on the log-odds in team 0 (a management effect the
    composite knows nothing of). Each replication fits the report's logistic
    model over all hires and checks every team as the report does.
    """
    rng = np.random.default_rng(seed)
    size = teams * hires_per_team
    team = np.repeat(np.arange(teams), hires_per_team)
    false_alarms = detections = fitted = 0
    bad_left = ordinary_left = 0.0
    for _ in range(replications):
        composite = rng.standard_normal(size)
        eta = intercept + slope * composite + bad_team_shift * (team == 0)
        left = (rng.random(size) < stats.logistic.cdf(eta)).astype(float)
        fit = logistic_fit(composite, left)
        if not fit.converged:  # a degenerate sample: skipped, and not counted
            continue
        fitted += 1
        predicted = fit.predict(composite)
        for t in range(teams):
            member = team == t
            check = turnover_check(left[member], predicted[member])
            if t == 0:
                detections += int(check.more_than_predicted)
                bad_left += check.observed / hires_per_team
            else:
                false_alarms += int(check.more_than_predicted)
                ordinary_left += check.observed / hires_per_team
    return TeamFlagOutcome(
        teams=teams,
        hires_per_team=hires_per_team,
        replications=fitted,
        false_alarms=false_alarms,
        ordinary_checks=fitted * (teams - 1),
        detections=detections,
        bad_checks=fitted,
        bad_team_rate=bad_left / max(fitted, 1),
        ordinary_rate=ordinary_left / max(fitted * (teams - 1), 1),
    )
