"""What hires' outcomes say about the assessments, and about their teams.

Two questions, both on arrays of hires (SCORING.md section 8):

- criterion validity: how strongly each predictor (a scale's T, the composite,
  the interview score) goes with each criterion (employed at 90 and 180 days,
  performance rating, quota attainment). ``validity_matrix`` computes every
  predictor x criterion pair in one pass of matrix products with pairwise
  deletion, then the Fisher-z interval (``fairness.correlation_ci``) and, as a
  secondary figure, the Thorndike case II correction (``fairness.thorndike_case2``);
- expected against observed, per manager or team: a logistic model of leaving
  by day 90 on the composite and a linear model of quota attainment on the
  composite, fitted over all hires, then each group's observed leavers set
  against the exact distribution of the number of leavers its hires' predicted
  probabilities imply (Poisson-binomial), and its mean quota against the
  model's prediction.

Pure: numpy and scipy, no Django, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import ScoringInputError
from .fairness import correlation_ci, thorndike_case2

# Below 30 pairs a correlation is "not yet estimable": the Fisher-z interval of an
# r of .20 at N = 30 runs from -.17 to .52, wider than the whole range (.1 to .3)
# that single scales are expected to reach, so a figure would only invite
# over-reading. The same floor as reliability (SCORING.md section 5).
MIN_VALIDITY_N = 30
# The models of the manager report need at least this many hires with the
# composite and the outcome, and both outcomes among them.
MIN_MODEL_N = 30
# A group with fewer hires than this gets a caution: its interval is wide and one
# leaver more or less moves it a long way.
SMALL_GROUP_N = 10


@dataclass(frozen=True)
class ValidityCell:
    """One predictor x criterion pair.

    ``r`` is the observed Pearson r (point-biserial for a 0/1 criterion) over
    ``n`` hires with both figures, ``ci_low``/``ci_high`` its Fisher-z 95 %
    interval. ``corrected`` is r corrected for direct range restriction
    (Thorndike case II) with ``u`` = applicants' SD / hires' SD of the predictor:
    a secondary figure. Everything is ``None`` while ``estimable`` is False
    (fewer than ``min_n`` pairs, or no spread in the predictor or criterion).
    """

    n: int
    r: float | None
    ci_low: float | None
    ci_high: float | None
    hired_sd: float | None
    u: float | None
    corrected: float | None
    estimable: bool


def _plain(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def validity_matrix(
    predictors,
    criteria,
    *,
    applicant_sd=None,
    min_n: int = MIN_VALIDITY_N,
    level: float = 0.95,
) -> list[list[ValidityCell]]:
    """Pearson r of every predictor column with every criterion column.

    ``predictors`` is hires x p, ``criteria`` hires x c, NaN where a figure is
    missing; each pair uses the hires that have both (pairwise deletion). The
    sums behind every r come from matrix products over the masks, so the cost is
    one pass over the data whatever p and c. The interval is Fisher's (1921)
    ``tanh(atanh r +/- z / sqrt(n - 3))``; the correction is Thorndike's (1949)
    case II, ``R = r u / sqrt(1 - r^2 + r^2 u^2)``, with ``u`` the ratio of
    ``applicant_sd[j]`` (the predictor's SD among all assessed applicants) to its
    SD among the hires of that pair. Returns ``cells[predictor][criterion]``.
    """
    x = np.asarray(predictors, dtype=float)
    y = np.asarray(criteria, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ScoringInputError("predictors and criteria need one row per hire")
    p, c = x.shape[1], y.shape[1]
    sd_applicants = (
        np.full(p, np.nan)
        if applicant_sd is None
        else np.asarray(applicant_sd, dtype=float).reshape(p)
    )
    mx, my = ~np.isnan(x), ~np.isnan(y)
    # Centring on each column's mean first keeps the sums of squares from
    # cancelling catastrophically (T scores around 50, quota around 100).
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean = np.where(mx, x, 0.0).sum(axis=0) / mx.sum(axis=0)
        y_mean = np.where(my, y, 0.0).sum(axis=0) / my.sum(axis=0)
    x0 = np.where(mx, x - x_mean, 0.0)
    y0 = np.where(my, y - y_mean, 0.0)
    fx, fy = mx.astype(float), my.astype(float)
    n = fx.T @ fy
    sx, sy = x0.T @ fy, fx.T @ y0
    sxx, syy = (x0**2).T @ fy, fx.T @ (y0**2)
    sxy = x0.T @ y0
    with np.errstate(invalid="ignore", divide="ignore"):
        cxx = sxx - sx**2 / n
        cyy = syy - sy**2 / n
        cxy = sxy - sx * sy / n
        r = cxy / np.sqrt(cxx * cyy)
        hired_sd = np.sqrt(cxx / (n - 1))
        u = sd_applicants[:, None] / hired_sd
    spread = (cxx > 1e-12 * np.maximum(sxx, 1)) & (cyy > 1e-12 * np.maximum(syy, 1))
    ok = (n >= max(min_n, 4)) & spread & ~np.isnan(r)
    r = np.clip(r, -1.0, 1.0)
    corrected = thorndike_case2(np.where(ok, r, 0.0), np.where(np.isnan(u), 1.0, u))
    cells = []
    for i in range(p):
        row = []
        for j in range(c):
            count = int(n[i, j])
            if not ok[i, j]:
                row.append(
                    ValidityCell(count, None, None, None, None, None, None, False)
                )
                continue
            low, high = correlation_ci(float(r[i, j]), count, level)
            has_u = bool(np.isfinite(u[i, j]) and u[i, j] > 0)
            row.append(
                ValidityCell(
                    n=count,
                    r=float(r[i, j]),
                    ci_low=_plain(low),
                    ci_high=_plain(high),
                    hired_sd=_plain(hired_sd[i, j]),
                    u=float(u[i, j]) if has_u else None,
                    corrected=float(corrected[i, j]) if has_u else None,
                    estimable=True,
                )
            )
        cells.append(row)
    return cells


# --- expectancy: the outcome per band -------------------------------------------------


@dataclass(frozen=True)
class ExpectancyRow:
    """The hires of one band: how many had the outcome, and its mean (a share
    for a 0/1 outcome), with a 95 % interval (Wilson's for a share, t for a
    mean); ``None`` figures for an empty band."""

    band: str
    n: int
    mean: float | None
    low: float | None
    high: float | None


def _wilson(successes: float, n: int, level: float = 0.95) -> tuple[float, float]:
    z = float(stats.norm.ppf((1 + level) / 2))
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    spread = math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    half = z * spread / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def expectancy_table(
    bands, outcome, order, *, binary: bool, level: float = 0.95
) -> list[ExpectancyRow]:
    """The outcome's mean per band, in ``order`` (the plan's bands, best first).

    ``bands`` is a band key per hire, ``outcome`` its outcome (NaN when not
    known yet). A share (``binary``) gets Wilson's (1927) interval, a mean the
    t interval ``mean +/- t(n-1) s / sqrt(n)``.
    """
    bands = np.asarray(bands, dtype=object)
    outcome = np.asarray(outcome, dtype=float)
    rows = []
    for band in order:
        values = outcome[(bands == band) & ~np.isnan(outcome)]
        n = int(values.size)
        if n == 0:
            rows.append(ExpectancyRow(band, 0, None, None, None))
            continue
        mean = float(values.mean())
        if binary:
            low, high = _wilson(float(values.sum()), n, level)
        elif n >= 2:
            half = float(
                stats.t.ppf((1 + level) / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
            )
            low, high = mean - half, mean + half
        else:
            low = high = None
        rows.append(ExpectancyRow(band, n, mean, low, high))
    return rows


# --- the models of the manager report -----------------------------------------------


@dataclass(frozen=True)
class ModelFit:
    """A fitted model ``intercept + slope * composite`` with its covariance.

    ``kind`` is "logistic" (the log-odds of leaving by day 90) or "linear" (quota
    attainment in percent). ``residual_sd`` is the linear model's; ``converged``
    says whether Newton's method met its tolerance (a logistic fit on separated
    data does not: its figures are then not used).
    """

    kind: str
    n: int
    intercept: float
    slope: float
    covariance: tuple[tuple[float, float], tuple[float, float]]
    residual_sd: float | None
    converged: bool

    @property
    def slope_se(self) -> float:
        return math.sqrt(self.covariance[1][1])

    def predict(self, composite) -> np.ndarray:
        """The probability of leaving (logistic) or the expected quota (linear)."""
        eta = self.intercept + self.slope * np.asarray(composite, dtype=float)
        if self.kind == "logistic":
            return stats.logistic.cdf(eta)
        return eta


def _design(composite) -> np.ndarray:
    composite = np.asarray(composite, dtype=float)
    return np.column_stack([np.ones_like(composite), composite])


def logistic_fit(
    composite, left, *, max_iterations: int = 50, tolerance: float = 1e-10
) -> ModelFit:
    """Maximum-likelihood logistic regression of ``left`` (0/1) on the composite.

    Newton-Raphson (iteratively reweighted least squares, McCullagh & Nelder
    1989, section 4.4); the covariance is the inverse of the observed
    information ``X' W X`` at the estimate, as ``statsmodels`` ``Logit`` gives.
    Rows with a NaN are dropped.
    """
    x, y = np.asarray(composite, dtype=float), np.asarray(left, dtype=float)
    keep = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[keep], y[keep]
    if x.size < 3 or np.ptp(y) == 0 or np.ptp(x) == 0:
        raise ScoringInputError("a logistic fit needs both outcomes and spread")
    design = _design(x)
    mean = y.mean()
    beta = np.array([math.log(mean / (1 - mean)), 0.0])
    converged = False
    information = np.eye(2)
    for _ in range(max_iterations):
        p = stats.logistic.cdf(design @ beta)
        weights = np.clip(p * (1 - p), 1e-12, None)
        information = design.T @ (design * weights[:, None])
        step = np.linalg.solve(information, design.T @ (y - p))
        beta = beta + step
        if np.max(np.abs(step)) < tolerance:
            converged = True
            break
    if converged:
        p = stats.logistic.cdf(design @ beta)
        information = design.T @ (design * (p * (1 - p))[:, None])
    covariance = np.linalg.inv(information)
    return ModelFit(
        kind="logistic",
        n=int(x.size),
        intercept=float(beta[0]),
        slope=float(beta[1]),
        covariance=tuple(map(tuple, covariance.tolist())),
        residual_sd=None,
        converged=converged and bool(np.all(np.isfinite(beta))),
    )


def linear_fit(composite, quota) -> ModelFit:
    """Ordinary least squares of quota attainment on the composite.

    Covariance ``s^2 (X'X)^-1`` with ``s^2`` the residual variance on n - 2
    degrees of freedom (as ``statsmodels`` ``OLS``). Rows with a NaN are dropped.
    """
    x, y = np.asarray(composite, dtype=float), np.asarray(quota, dtype=float)
    keep = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[keep], y[keep]
    if x.size < 3 or np.ptp(x) == 0:
        raise ScoringInputError("a linear fit needs three hires and spread")
    design = _design(x)
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ beta
    variance = float(residuals @ residuals) / (x.size - 2)
    covariance = variance * np.linalg.inv(design.T @ design)
    return ModelFit(
        kind="linear",
        n=int(x.size),
        intercept=float(beta[0]),
        slope=float(beta[1]),
        covariance=tuple(map(tuple, covariance.tolist())),
        residual_sd=math.sqrt(variance),
        converged=True,
    )


def poisson_binomial_pmf(probabilities) -> np.ndarray:
    """The distribution of the number of successes of independent trials with
    their own probabilities: ``pmf[k] = P(K = k)``, k = 0..n.

    The product of the generating polynomials ``(1 - p_i) + p_i x``, multiplied
    pairwise in a tree with batched FFTs (log2 n rounds of numpy, O(n log^2 n)),
    so a team of thousands costs milliseconds. Exact up to floating-point
    rounding (about 1e-16 per coefficient; tiny negative rounding is set to 0).
    """
    probabilities = np.asarray(probabilities, dtype=float).ravel()
    n = probabilities.size
    if n == 0:
        return np.ones(1)
    polys = np.column_stack([1 - probabilities, probabilities])
    while polys.shape[0] > 1:
        if polys.shape[0] % 2:
            one = np.zeros((1, polys.shape[1]))
            one[0, 0] = 1.0
            polys = np.vstack([polys, one])
        size = 2 * polys.shape[1] - 1
        length = 1 << (size - 1).bit_length()
        spectra = np.fft.rfft(polys, length, axis=1)
        polys = np.fft.irfft(spectra[0::2] * spectra[1::2], length, axis=1)[:, :size]
    pmf = np.clip(polys[0, : n + 1], 0.0, None)
    return pmf / pmf.sum()


@dataclass(frozen=True)
class TurnoverCheck:
    """A group's leavers by day 90 against what its hires' assessments predicted.

    ``expected`` = sum of the predicted probabilities of leaving; ``low``..``high``
    the central 95 % range of the exact Poisson-binomial distribution of the
    number of leavers; ``p_more`` = P(at least ``observed`` leavers) under the
    model. ``more_than_predicted`` when ``observed > high`` (so P <= 2.5 % by
    chance); ``fewer_than_predicted`` when ``observed < low``.
    """

    n: int
    observed: int
    expected: float
    low: int
    high: int
    p_more: float
    more_than_predicted: bool
    fewer_than_predicted: bool
    small_n: bool


def turnover_check(
    left, probabilities, *, level: float = 0.95, small_n: int = SMALL_GROUP_N
) -> TurnoverCheck:
    """Observed leavers of a group against the exact distribution the model gives.

    ``left`` is 0/1 per hire, ``probabilities`` each hire's predicted probability
    of leaving. Hires are taken as independent given their scores; the model's
    own estimation error is not added (it is small next to the binomial spread
    of a team, and the simulation in docs/outcome-reports.md measures the resulting
    false-alarm rate).
    """
    left = np.asarray(left, dtype=float)
    probabilities = np.asarray(probabilities, dtype=float)
    if left.shape != probabilities.shape:
        raise ScoringInputError("one probability per hire")
    pmf = poisson_binomial_pmf(probabilities)
    cdf = np.cumsum(pmf)
    tail = (1 - level) / 2
    low = int(np.searchsorted(cdf, tail - 1e-12))
    high = int(np.searchsorted(cdf, 1 - tail - 1e-12))
    observed = int(left.sum())
    p_more = float(min(1.0, pmf[observed:].sum()))
    return TurnoverCheck(
        n=int(left.size),
        observed=observed,
        expected=float(probabilities.sum()),
        low=low,
        high=high,
        p_more=p_more,
        more_than_predicted=observed > high,
        fewer_than_predicted=observed < low,
        small_n=left.size < small_n,
    )


@dataclass(frozen=True)
class QuotaCheck:
    """A group's mean quota attainment against the model's prediction for its
    hires: ``expected`` +/- z times the standard error of the difference
    (residual variance / n plus the prediction's own variance from the fit)."""

    n: int
    observed: float
    expected: float
    low: float
    high: float
    below_prediction: bool
    above_prediction: bool
    small_n: bool


def quota_check(
    quota, composite, fit: ModelFit, *, level: float = 0.95, small_n=SMALL_GROUP_N
) -> QuotaCheck:
    """Observed mean quota of a group against ``fit``'s prediction for its hires."""
    quota = np.asarray(quota, dtype=float)
    composite = np.asarray(composite, dtype=float)
    n = int(quota.size)
    if n == 0 or fit.residual_sd is None:
        raise ScoringInputError("a quota check needs hires and a linear fit")
    centre = np.array([1.0, float(composite.mean())])
    covariance = np.asarray(fit.covariance)
    variance = fit.residual_sd**2 / n + float(centre @ covariance @ centre)
    half = float(stats.norm.ppf((1 + level) / 2)) * math.sqrt(variance)
    expected = float(fit.predict(composite).mean())
    observed = float(quota.mean())
    return QuotaCheck(
        n=n,
        observed=observed,
        expected=expected,
        low=expected - half,
        high=expected + half,
        below_prediction=observed < expected - half,
        above_prediction=observed > expected + half,
        small_n=n < small_n,
    )
