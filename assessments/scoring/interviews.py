"""Structured interview scoring and rater statistics (SCORING.md section 7).

Ratings are on the rubric's anchored scale 1..5; "no decision" is NaN. A panel's
ratings are a scorecards x competencies matrix; many interviews at once are an
interviews x raters x competencies array padded with NaN (``aggregate_batch``),
and ``aggregate_interview`` is its N = 1 case.

Conventions chosen here (each function's docstring gives its source):

- Competency score: mean of the submitted ratings, no-decision excluded.
- Interview score: mean of the competency scores weighted by the rubric's weights,
  over the competencies that have a score; the weight left out is reported as
  ``weight_covered`` so a reader sees how much of the rubric the score stands on.
- Agreement per competency: r_wg against the uniform null (James, Demaree & Wolf
  1984), truncated to 0 when the observed variance exceeds the null variance. A
  competency is flagged when r_wg < .70 (LeBreton & Senter 2008) or when the ratings
  span 2 or more points.
- Krippendorff's alpha at the interval level accepts missing cells, so it is the
  reliability across interviews whose panels differ; ICC(A,1) needs a complete,
  balanced candidates x raters table.
- Leniency: an interviewer's rating minus the panel mean (the panel includes them,
  as SCORING.md section 7 defines it, so in a panel of m the figure is (m - 1)/m
  of the difference from the other raters' mean; the page says so), averaged
  within an interview first so that one interview counts once, then over
  interviews with a t interval.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .errors import ScoringInputError

RATING_MIN = 1
RATING_MAX = 5
SCALE_POINTS = RATING_MAX - RATING_MIN + 1
RWG_FLAG_BELOW = 0.70
RANGE_FLAG_AT = 2.0

RECOMMENDATIONS = ("definitely_not", "no", "yes", "strong_yes", "no_decision")

# Below these sizes a figure is "not yet estimable" rather than a noisy number.
MIN_LENIENCY_INTERVIEWS = 5
MIN_AGREEMENT_UNITS = 10

FLAG_LOW_AGREEMENT = "low_agreement"
FLAG_WIDE_RANGE = "wide_range"

STATE_AWAITING = "awaiting"
STATE_PARTIAL = "partial"
STATE_COMPLETE = "complete"


def _ratings(values, ndim: int, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != ndim:
        raise ScoringInputError(f"{what} must have {ndim} dimensions")
    present = array[~np.isnan(array)]
    if present.size and (
        np.any(present < RATING_MIN)
        or np.any(present > RATING_MAX)
        or np.any(present != np.round(present))
    ):
        bad = present[
            (present < RATING_MIN)
            | (present > RATING_MAX)
            | (present != np.round(present))
        ][0]
        raise ScoringInputError(
            f"rating {bad:g} is not a whole number in {RATING_MIN}..{RATING_MAX}"
        )
    return array


def null_variance(scale_points: int = SCALE_POINTS) -> float:
    """Variance of the uniform (no-agreement) null, ``(A^2 - 1) / 12``.

    James, Demaree & Wolf (1984); 2.0 for a 5-point scale.
    """
    if scale_points < 2:
        raise ScoringInputError("a rating scale needs at least 2 points")
    return (scale_points**2 - 1) / 12.0


def rwg(ratings, scale_points: int = SCALE_POINTS) -> np.ndarray:
    """Within-group agreement ``r_wg = 1 - s^2 / sigma_EU^2`` along the last axis.

    s^2 is the sample variance (ddof 1) of the non-missing ratings; the result is
    truncated to 0 when s^2 exceeds the null variance (James, Demaree & Wolf 1984;
    LeBreton & Senter 2008). NaN where fewer than two ratings are present.
    Example: (4, 4, 5) -> .833; (2, 3, 5) -> 0.
    """
    ratings = np.asarray(ratings, dtype=float)
    present = ~np.isnan(ratings)
    n = present.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(ratings, axis=-1) / n
        squares = np.where(present, (ratings - mean[..., None]) ** 2, 0.0)
        variance = squares.sum(axis=-1) / (n - 1)
    result = np.clip(1.0 - variance / null_variance(scale_points), 0.0, 1.0)
    return np.where(n >= 2, result, np.nan)


@dataclass(frozen=True)
class CompetencyScore:
    key: str
    weight: float
    n: int  # ratings given (no-decision excluded)
    mean: float | None
    variance: float | None  # sample variance, ddof 1; None below 2 ratings
    r_wg: float | None
    spread: float | None  # highest minus lowest rating
    flags: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "weight": self.weight,
            "n": self.n,
            "mean": self.mean,
            "variance": self.variance,
            "r_wg": self.r_wg,
            "range": self.spread,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class InterviewAggregate:
    competencies: tuple[CompetencyScore, ...]
    score: float | None
    weight_covered: float  # share of the rubric's weight that has a score, 0..1
    submitted: int
    panel_size: int
    state: str  # awaiting | partial | complete
    recommendations: dict[str, int] = field(default_factory=dict)

    @property
    def flagged(self) -> tuple[CompetencyScore, ...]:
        """Flagged competencies first by r_wg (lowest first), then by range."""
        return tuple(
            sorted(
                (c for c in self.competencies if c.flagged),
                key=lambda c: (
                    c.r_wg if c.r_wg is not None else 1.0,
                    -(c.spread or 0.0),
                ),
            )
        )

    def to_dict(self) -> dict:
        return {
            "competencies": [c.to_dict() for c in self.competencies],
            "score": self.score,
            "weight_covered": self.weight_covered,
            "submitted": self.submitted,
            "panel_size": self.panel_size,
            "state": self.state,
            "recommendations": dict(self.recommendations),
            "flagged": [c.key for c in self.flagged],
        }


def completion_state(submitted: int, panel_size: int) -> str:
    """``awaiting`` before the first scorecard, ``complete`` when all are in."""
    if submitted < 0 or panel_size < 0:
        raise ScoringInputError("counts of scorecards cannot be negative")
    if submitted == 0:
        return STATE_AWAITING
    if submitted >= panel_size:
        return STATE_COMPLETE
    return STATE_PARTIAL


def _checked_weights(weights, n_competencies: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n_competencies,):
        raise ScoringInputError(
            f"expected {n_competencies} weights, got shape {weights.shape}"
        )
    if np.any(~np.isfinite(weights)) or np.any(weights <= 0):
        raise ScoringInputError("competency weights must be positive numbers")
    return weights


@dataclass(frozen=True)
class BatchAggregate:
    """Arrays over interviews x competencies (``n``, ``mean``, ``r_wg``...)."""

    n: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    r_wg: np.ndarray
    spread: np.ndarray
    low_agreement: np.ndarray
    wide_range: np.ndarray
    score: np.ndarray  # per interview
    weight_covered: np.ndarray  # per interview


def aggregate_batch(ratings, weights) -> BatchAggregate:
    """Competency means, r_wg, ranges, flags and weighted scores of many interviews.

    ``ratings`` is interviews x raters x competencies, NaN for "no decision" and for
    padding where a panel is smaller than the widest one. Competency score = mean of
    the ratings present; interview score = ``sum(w_c m_c) / sum(w_c)`` over the
    competencies with a score (SCORING.md section 7).
    """
    ratings = _ratings(ratings, 3, "interview ratings")
    weights = _checked_weights(weights, ratings.shape[2])
    present = ~np.isnan(ratings)
    n = present.sum(axis=1)
    filled = np.where(present, ratings, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=1) / n
        squares = np.where(present, (ratings - mean[:, None, :]) ** 2, 0.0)
        variance = np.where(n >= 2, squares.sum(axis=1) / (n - 1), np.nan)
    high = np.where(present, ratings, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(present, ratings, np.inf).min(axis=1, initial=np.inf)
    spread = np.where(n >= 1, high - low, np.nan)
    agreement = np.where(
        n >= 2, np.clip(1.0 - variance / null_variance(), 0.0, 1.0), np.nan
    )
    low_agreement = (n >= 2) & (np.nan_to_num(agreement, nan=1.0) < RWG_FLAG_BELOW)
    wide_range = (n >= 2) & (np.nan_to_num(spread) >= RANGE_FLAG_AT)
    scored = n >= 1
    covered = (weights * scored).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(
            covered > 0,
            (np.where(scored, mean, 0.0) * weights).sum(axis=1) / covered,
            np.nan,
        )
    return BatchAggregate(
        n=n,
        mean=mean,
        variance=variance,
        r_wg=agreement,
        spread=spread,
        low_agreement=low_agreement,
        wide_range=wide_range,
        score=score,
        weight_covered=covered / weights.sum(),
    )


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def aggregate_interview(
    ratings,
    *,
    keys: Sequence[str],
    weights,
    panel_size: int,
    recommendations: Sequence[str] = (),
) -> InterviewAggregate:
    """One interview's aggregate from its submitted scorecards.

    ``ratings`` is scorecards x competencies (NaN = no decision), in the order of
    ``keys`` and ``weights``; ``panel_size`` counts the interviewers expected, so
    the completion state says whether scorecards are missing. The N = 1 case of
    ``aggregate_batch``.
    """
    ratings = _ratings(ratings, 2, "a panel's ratings")
    if ratings.shape[1] != len(keys):
        raise ScoringInputError(
            f"expected ratings for {len(keys)} competencies, got {ratings.shape[1]}"
        )
    if len(set(keys)) != len(keys):
        raise ScoringInputError("competency keys must be unique")
    unknown = [r for r in recommendations if r not in RECOMMENDATIONS]
    if unknown:
        raise ScoringInputError(f"unknown recommendation {unknown[0]!r}")
    batch = aggregate_batch(ratings[None, :, :], weights)
    competencies = []
    for c, key in enumerate(keys):
        flags = []
        if batch.low_agreement[0, c]:
            flags.append(FLAG_LOW_AGREEMENT)
        if batch.wide_range[0, c]:
            flags.append(FLAG_WIDE_RANGE)
        competencies.append(
            CompetencyScore(
                key=key,
                weight=float(np.asarray(weights, dtype=float)[c]),
                n=int(batch.n[0, c]),
                mean=_optional(batch.mean[0, c]),
                variance=_optional(batch.variance[0, c]),
                r_wg=_optional(batch.r_wg[0, c]),
                spread=_optional(batch.spread[0, c]),
                flags=tuple(flags),
            )
        )
    submitted = ratings.shape[0]
    return InterviewAggregate(
        competencies=tuple(competencies),
        score=_optional(batch.score[0]),
        weight_covered=float(batch.weight_covered[0]),
        submitted=submitted,
        panel_size=panel_size,
        state=completion_state(submitted, panel_size),
        recommendations={
            r: sum(1 for given in recommendations if given == r)
            for r in RECOMMENDATIONS
        },
    )


# --- Reliability across interviews --------------------------------------------------


# Weighted interview scores that are equal can differ in their last bit (0.3 x 3
# + 0.3 x 3 + 0.4 x 1 is 2.1999999999999997, 0.3 + 0.3 + 0.4 x 4 is 2.2); a sum
# of squares this small relative to the figures is that noise, not variation.
RELATIVE_NOISE = 1e-12


def _rounding_noise_removed(ss: float, ss_total: float, grand: float, m: int) -> float:
    """``ss``, or 0 when it is rounding noise: below ``RELATIVE_NOISE`` of the
    total sum of squares, or the total itself below what deviations of
    ``RELATIVE_NOISE`` of the values over ``m`` cells would give."""
    floor = m * (RELATIVE_NOISE * max(abs(grand), 1.0)) ** 2
    if ss_total <= floor or ss <= RELATIVE_NOISE * ss_total:
        return 0.0
    return ss


def krippendorff_alpha_interval(table) -> float:
    """Krippendorff's alpha for interval data, ``1 - D_o / D_e``.

    ``table`` is units x raters with NaN for a missing rating (Krippendorff 2011,
    "Computing Krippendorff's alpha-reliability"). Only units with two or more
    ratings are pairable; n is the number of pairable values. With the squared
    difference metric a unit's sum over its ordered pairs of values is
    ``2 m_u SS_u`` (SS_u: squared deviations from the unit's mean), so the
    coincidence-matrix sums reduce to ``D_o = (2/n) sum_u m_u SS_u / (m_u - 1)``
    and ``D_e = 2 SS / (n - 1)``, SS taken over all pairable values. NaN when
    nothing is pairable or the values do not vary (equal weighted scores that
    differ in their last bits do not vary: ``RELATIVE_NOISE``).
    """
    table = np.asarray(table, dtype=float)
    if table.ndim != 2:
        raise ScoringInputError("a reliability table must be units x raters")
    present = ~np.isnan(table)
    m = present.sum(axis=1)
    pairable = m >= 2
    table, present, m = table[pairable], present[pairable], m[pairable]
    n = int(m.sum())
    if n < 2:
        return math.nan
    filled = np.where(present, table, 0.0)
    unit_mean = filled.sum(axis=1) / m
    unit_ss = np.where(present, (table - unit_mean[:, None]) ** 2, 0.0).sum(axis=1)
    grand = filled.sum() / n
    total_ss = float(np.where(present, (table - grand) ** 2, 0.0).sum())
    if _rounding_noise_removed(total_ss, total_ss, grand, n) == 0:
        return math.nan
    observed = 2.0 * float((m * unit_ss / (m - 1)).sum()) / n
    expected = 2.0 * total_ss / (n - 1)
    return 1.0 - observed / expected


@dataclass(frozen=True)
class IntraclassCorrelation:
    """Two-way ANOVA mean squares and the six ICC forms (Shrout & Fleiss 1979;
    McGraw & Wong 1996), with the 95 % interval of ICC(A,1)."""

    n: int  # targets (candidates)
    k: int  # raters
    msr: float
    msc: float
    mse: float
    msw: float
    icc_1_1: float
    icc_a_1: float
    icc_c_1: float
    icc_1_k: float
    icc_a_k: float
    icc_c_k: float
    icc_a_1_low: float
    icc_a_1_high: float


def icc_two_way(table, level: float = 0.95) -> IntraclassCorrelation:
    """ICCs of a complete targets x raters table (SCORING.md section 7).

    ``ICC(1,1) = (MSR-MSW)/(MSR+(k-1)MSW)``;
    ``ICC(A,1) = (MSR-MSE)/(MSR+(k-1)MSE+k(MSC-MSE)/n)``;
    ``ICC(C,1) = (MSR-MSE)/(MSR+(k-1)MSE)``; the k-rater forms follow McGraw & Wong
    (1996). The interval of ICC(A,1) is McGraw & Wong's (1996, case 2A) F-based
    interval with Satterthwaite's degrees of freedom, as pingouin and R's ``psych``
    compute it. Sums of squares that are rounding noise (``RELATIVE_NOISE``) count
    as 0, so equal scores give the same figures whatever their last bits.
    """
    table = np.asarray(table, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        raise ScoringInputError("ICC needs at least 2 targets x 2 raters")
    if np.isnan(table).any():
        raise ScoringInputError("ICC needs a complete table; use Krippendorff's alpha")
    n, k = table.shape
    grand = table.mean()
    ss_rows = k * float(((table.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((table.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((table - grand) ** 2).sum())
    ss_error = ss_total - ss_rows - ss_cols
    ss_rows, ss_cols, ss_error = (
        _rounding_noise_removed(ss, ss_total, grand, table.size)
        for ss in (ss_rows, ss_cols, ss_error)
    )
    # numpy floats: a table without variance (every rating alike, or each rater
    # constant) gives NaN ICCs, "not estimable", rather than a ZeroDivisionError.
    msr = np.float64(ss_rows) / (n - 1)
    msc = np.float64(ss_cols) / (k - 1)
    mse = np.float64(ss_error) / ((n - 1) * (k - 1))
    msw = np.float64(ss_cols + ss_error) / (n * (k - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        icc_a_1 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        icc = {
            "icc_1_1": (msr - msw) / (msr + (k - 1) * msw),
            "icc_a_1": icc_a_1,
            "icc_c_1": (msr - mse) / (msr + (k - 1) * mse),
            "icc_1_k": (msr - msw) / msr,
            "icc_a_k": (msr - mse) / (msr + (msc - mse) / n),
            "icc_c_k": (msr - mse) / msr,
        }
    low, high = _icc_a_1_interval(icc_a_1, msr, msc, mse, n, k, level)
    return IntraclassCorrelation(
        n=n,
        k=k,
        msr=float(msr),
        msc=float(msc),
        mse=float(mse),
        msw=float(msw),
        # A ratio over a zero variance is not estimable, whatever its sign.
        **{
            name: float(value) if math.isfinite(value) else math.nan
            for name, value in icc.items()
        },
        icc_a_1_low=low,
        icc_a_1_high=high,
    )


def _icc_a_1_interval(icc, msr, msc, mse, n, k, level) -> tuple[float, float]:
    if not math.isfinite(icc) or mse <= 0:
        return (math.nan, math.nan)
    tail = (1.0 - level) / 2.0
    fj = msc / mse
    vn = (k - 1) * (n - 1) * (k * icc * fj + n * (1 + (k - 1) * icc) - k * icc) ** 2
    vd = (n - 1) * k**2 * icc**2 * fj**2 + (n * (1 + (k - 1) * icc) - k * icc) ** 2
    v = vn / vd
    f_upper = stats.f.ppf(1 - tail, n - 1, v)
    f_lower = stats.f.ppf(1 - tail, v, n - 1)
    low = (n * (msr - f_upper * mse)) / (
        f_upper * (k * msc + (k * n - k - n) * mse) + n * msr
    )
    high = (n * (f_lower * msr - mse)) / (
        k * msc + (k * n - k - n) * mse + n * f_lower * msr
    )
    return (float(low), float(high))


# --- Interviewer calibration ---------------------------------------------------------


@dataclass(frozen=True)
class Leniency:
    """A rater's mean deviation from panel means: positive lenient, negative severe."""

    rater: int
    n: int  # interviews with at least one co-rated competency
    mean: float | None  # None below the minimum N ("not yet estimable")
    low: float | None
    high: float | None
    observed_mean: float | None  # shown with its N even below the minimum

    @property
    def estimable(self) -> bool:
        return self.mean is not None


def rater_leniency(
    table,
    unit_interview,
    *,
    min_interviews: int = MIN_LENIENCY_INTERVIEWS,
    level: float = 0.95,
) -> tuple[Leniency, ...]:
    """Each rater's leniency (+) or severity (-) against panel means.

    ``table`` is units x raters (a unit is one competency of one interview, NaN
    where the rater gave no rating); ``unit_interview`` names each unit's
    interview. For each unit rated by two or more raters, a rater's deviation is
    their rating minus the panel mean of that unit (the panel includes them). The
    deviations are averaged within each interview, then across interviews; the
    interval is the t interval over interviews, ``mean +/- t(N-1) sd / sqrt(N)``.
    Below ``min_interviews`` the figure is not estimable (``mean`` is None); the
    observed mean is still given with its N.
    """
    table = _ratings(table, 2, "a units x raters table")
    unit_interview = np.asarray(unit_interview)
    if unit_interview.shape != (table.shape[0],):
        raise ScoringInputError("each unit needs its interview")
    present = ~np.isnan(table)
    m = present.sum(axis=1)
    shared = m >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        panel_mean = np.where(present, table, 0.0).sum(axis=1) / m
    deviation = np.where(present & shared[:, None], table - panel_mean[:, None], np.nan)
    interviews, index = np.unique(unit_interview, return_inverse=True)
    results = []
    for rater in range(table.shape[1]):
        column = deviation[:, rater]
        used = ~np.isnan(column)
        sums = np.bincount(index[used], weights=column[used], minlength=len(interviews))
        counts = np.bincount(index[used], minlength=len(interviews))
        per_interview = sums[counts > 0] / counts[counts > 0]
        n = int(per_interview.size)
        observed = float(per_interview.mean()) if n else None
        if n < max(min_interviews, 2):
            results.append(Leniency(rater, n, None, None, None, observed))
            continue
        half = (
            stats.t.ppf((1 + level) / 2, n - 1)
            * per_interview.std(ddof=1)
            / math.sqrt(n)
        )
        results.append(
            Leniency(rater, n, observed, observed - half, observed + half, observed)
        )
    return tuple(results)


def balanced_table(table) -> tuple[np.ndarray, tuple[int, ...]]:
    """The largest complete block of a units x raters table, for ICC(A,1).

    Groups the units by the exact set of raters who rated them and returns the
    rows of the most frequent set of two or more raters (ties: more raters, then
    the first set met) with those raters' columns, and the column indexes used.
    """
    table = np.asarray(table, dtype=float)
    if table.ndim != 2:
        raise ScoringInputError("a reliability table must be units x raters")
    present = ~np.isnan(table)
    groups: dict[tuple[int, ...], list[int]] = {}
    for row, mask in enumerate(present):
        raters = tuple(int(i) for i in np.flatnonzero(mask))
        if len(raters) >= 2:
            groups.setdefault(raters, []).append(row)
    if not groups:
        return np.empty((0, 0)), ()
    raters, rows = max(groups.items(), key=lambda item: (len(item[1]), len(item[0])))
    return table[np.ix_(rows, raters)], raters


# --- Practice cases ------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeDistance:
    differences: tuple[float | None, ...]  # rating - agreed, per competency
    mean_absolute: float | None
    within_one: int  # competencies rated within one point of the agreed rating
    compared: int


def practice_distance(ratings, agreed) -> PracticeDistance:
    """How far a trainee's ratings sit from the agreed ratings of a practice case.

    Signed difference per competency (positive: more lenient than agreed), the mean
    absolute difference over the competencies both rated, and how many fall within
    one scale point (the usual calibration target for anchored scales).
    """
    ratings = _ratings(ratings, 1, "practice ratings")
    agreed = _ratings(agreed, 1, "agreed ratings")
    if ratings.shape != agreed.shape:
        raise ScoringInputError("ratings and agreed ratings differ in length")
    difference = ratings - agreed
    compared = ~np.isnan(difference)
    return PracticeDistance(
        differences=tuple(_optional(d) for d in difference),
        mean_absolute=(
            float(np.abs(difference[compared]).mean()) if compared.any() else None
        ),
        within_one=int((np.abs(difference[compared]) <= 1).sum()),
        compared=int(compared.sum()),
    )
