"""Response validity (careless responding) indices (SCORING.md section 6).

Each index gives, per submission, a figure (``value``, NaN where it cannot be
computed) and a ``flag`` (never raised on NaN). Flags inform the recruiter; they
never change the scale scores. Overviews: Meade & Craig 2012; Curran 2016.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .errors import ScoringInputError
from .inputs import order_matrix
from .rules import VALIDITY_RULE, ValidityRule
from .scales import checked_answers, row_mean
from .spec import DEFAULT_THRESHOLDS, CovarianceNorm, InstrumentSpec, ValidityThresholds

INDEX_NAMES = (
    "longstring",
    "irv",
    "even_odd",
    "mahalanobis",
    "speed",
    "instructed",
    "infrequency",
    "impression",
    "consistency",
)


@dataclass(frozen=True, eq=False)
class ValidityIndex:
    """One index for N submissions: ``value`` and ``flag`` arrays of length N.

    Integer ``value`` arrays are counts; float arrays use NaN for "not
    computable" (e.g. an instrument without impression items). ``extra`` holds
    secondary figures of the same length.
    """

    value: np.ndarray
    flag: np.ndarray
    extra: Mapping[str, np.ndarray] = field(default_factory=dict)


def _matrix(answers) -> np.ndarray:
    try:
        matrix = np.asarray(answers, dtype=float)
    except (TypeError, ValueError):
        raise ScoringInputError("expected a numeric N x k matrix") from None
    if matrix.ndim != 2:
        raise ScoringInputError("answers must be an N x k matrix")
    return matrix


def _not_applicable(n_rows: int) -> ValidityIndex:
    return ValidityIndex(np.full(n_rows, np.nan), np.zeros(n_rows, dtype=bool))


def longstring(
    answers, order=None, *, thresholds: ValidityThresholds = DEFAULT_THRESHOLDS
) -> ValidityIndex:
    """Longest run of identical consecutive answers, in presentation order.

    Johnson 2005; Curran 2016. ``order`` (N x k, or one row for all) lists the
    answer columns in the order each submission saw them; ``None`` means
    definition order. Raw (not reverse-keyed) answers, as the respondent gave
    them; a missing answer ends a run. ``extra["mean_run"]`` is the average run
    length, answered items / number of runs. Flag:
    ``longest >= thresholds.longstring_limit(k)``.
    """
    matrix = _matrix(answers)
    n_rows, n_items = matrix.shape
    if order is not None:
        matrix = np.take_along_axis(matrix, order_matrix(order, n_rows, n_items), 1)
    answered = ~np.isnan(matrix)
    same = matrix[:, 1:] == matrix[:, :-1]
    current = answered[:, 0].astype(np.int64)
    longest = current.copy()
    for j in range(1, n_items):
        current = np.where(same[:, j - 1], current + 1, answered[:, j].astype(np.int64))
        np.maximum(longest, current, out=longest)
    starts = answered.copy()
    starts[:, 1:] &= ~same
    runs = starts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_run = np.where(runs > 0, answered.sum(axis=1) / runs, np.nan)
    flag = longest >= thresholds.longstring_limit(n_items)
    return ValidityIndex(longest, flag, {"mean_run": mean_run})


def irv(
    answers, *, thresholds: ValidityThresholds = DEFAULT_THRESHOLDS
) -> ValidityIndex:
    """Intra-individual response variability: SD of a person's answers, ddof 1.

    Dunn, Heggestad, Shanock & Theilgard 2018. Raw answers over all items
    answered; NaN with fewer than two. Near 0 means straight-lining; flag when
    below ``thresholds.irv_min``.
    """
    matrix = _matrix(answers)
    mean, count = row_mean(matrix)
    squares = np.where(np.isnan(matrix), 0.0, (matrix - mean[:, None]) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(count >= 2, np.sqrt(squares / (count - 1)), np.nan)
    return ValidityIndex(value, value < thresholds.irv_min)


def even_odd(
    answers,
    spec: InstrumentSpec,
    *,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
) -> ValidityIndex:
    """Even-odd consistency, negated so that higher means more careless.

    Jackson 1976; Johnson 2005. Per scale, the mean of the odd-position and of
    the even-position items (positions in definition order, after reverse
    keying); Pearson r across scales between the two vectors; Spearman-Brown
    corrected ``2r / (1 + r)``, clipped to [-1, 1] since negative r would leave
    that range; reported as ``-corrected``. Scales without both halves answered
    are left out; NaN with fewer than ``thresholds.even_odd_min_scales`` scales
    or no variance across scales. NaN for every submission of an instrument
    where the index means little (``ValidityThresholds.even_odd_applicable``:
    too few scales with enough items). Flag when the index is above
    ``thresholds.even_odd_max`` (-.30).
    """
    keyed = checked_answers(answers, spec).keyed
    n_rows, n_scales = keyed.shape[0], len(spec.scales)
    if not thresholds.even_odd_applicable(spec):
        return _not_applicable(n_rows)
    odd = np.empty((n_rows, n_scales))
    even = np.empty((n_rows, n_scales))
    for j, key in enumerate(spec.scale_keys):
        columns = spec.scale_columns(key)
        odd[:, j], _ = row_mean(keyed[:, columns[0::2]])
        even[:, j], _ = row_mean(keyed[:, columns[1::2]])
    usable = ~np.isnan(odd) & ~np.isnan(even)
    odd_mean, count = row_mean(np.where(usable, odd, np.nan))
    even_mean, _ = row_mean(np.where(usable, even, np.nan))
    odd_dev = np.where(usable, odd - odd_mean[:, None], 0.0)
    even_dev = np.where(usable, even - even_mean[:, None], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (odd_dev * even_dev).sum(axis=1) / np.sqrt(
            (odd_dev**2).sum(axis=1) * (even_dev**2).sum(axis=1)
        )
        corrected = np.clip(2.0 * r / (1.0 + r), -1.0, 1.0)
    value = np.where(count >= thresholds.even_odd_min_scales, -corrected, np.nan)
    return ValidityIndex(value, value > thresholds.even_odd_max)


def mahalanobis_critical(n_variables, alpha: float = 0.001):
    """Chi-square critical value ``chi2_{1-alpha}(k)`` for the Mahalanobis flag.

    ``n_variables`` may be an array (one k per submission).
    """
    value = stats.chi2.ppf(1.0 - alpha, n_variables)
    return float(value) if np.ndim(value) == 0 else value


def _patterns(answered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean matrix and the index of each row's.

    Rows are packed into bytes first: sorting a few bytes per row is much
    faster than ``np.unique(axis=0)`` on the booleans.
    """
    packed = np.packbits(answered, axis=1)
    width = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((packed.shape[0], width), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    keys = padded.view(np.uint64)
    if keys.shape[1] == 1:
        _, first, which = np.unique(keys[:, 0], return_index=True, return_inverse=True)
    else:
        _, first, which = np.unique(
            keys, axis=0, return_index=True, return_inverse=True
        )
    return answered[first], which.reshape(-1)


def mahalanobis(
    x, mean, cov, *, thresholds: ValidityThresholds = DEFAULT_THRESHOLDS
) -> ValidityIndex:
    """Squared Mahalanobis distance ``D^2 = (x - mu)' Sigma^-1 (x - mu)``.

    Mahalanobis 1936; as a careless-responding index Meade & Craig 2012 and the
    R package careless (``mahad``), computed here against a norm mean (m) and
    covariance (m x m) rather than the sample's own. Rows of ``x`` are N x m.

    Missing answers: D^2 is computed over the answered variables only, with the
    matching entries of the mean and the sub-matrix of the covariance (the
    marginal of a multivariate normal is normal with those parameters), and
    compared with the chi-square quantile for as many degrees of freedom as
    variables were used (``extra["items"]``). A row with fewer than
    ``thresholds.mahalanobis_min_fraction`` of the variables answered is NaN.
    Computed for all rows at once with the norm's precision matrix ``P``; for
    a row with missing items the partitioned inverse gives the answered items'
    ``Sigma_oo^-1 = P_oo - P_om P_mm^-1 P_mo``, one small solve per pattern of
    missing answers. Flag when
    ``D^2 > chi2_{1 - thresholds.mahalanobis_alpha}(items)``.
    """
    x = _matrix(x)
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if mean.shape != x.shape[1:] or cov.shape != (mean.size, mean.size):
        raise ScoringInputError("mahalanobis: x is N x m, mean m, cov m x m")
    n_rows, m = x.shape
    answered = ~np.isnan(x)
    used = answered.sum(axis=1)
    enough = used >= max(2, math.ceil(thresholds.mahalanobis_min_fraction * m - 1e-9))
    value = np.full(n_rows, np.nan)
    if enough.any():
        rows = np.flatnonzero(enough)
        deviation = np.where(answered[rows], x[rows] - mean, 0.0)
        precision = np.linalg.inv(cov)
        weighted = deviation @ precision
        distance = (deviation * weighted).sum(axis=1)
        # Rows with missing items: the inverse of the answered items'
        # sub-covariance is P_oo - P_om P_mm^-1 P_mo (partitioned inverse), so
        # with the missing deviations at 0, D^2 = d'P d - w_m' P_mm^-1 w_m,
        # w = P d; one small solve per pattern of missing answers.
        incomplete = np.flatnonzero(~answered[rows].all(axis=1))
        if incomplete.size:
            patterns, which = _patterns(answered[rows[incomplete]])
            for p, pattern in enumerate(patterns):
                members = incomplete[which == p]
                missing = np.flatnonzero(~pattern)
                w = weighted[members][:, missing]
                block = precision[missing][:, missing]
                distance[members] -= (w * np.linalg.solve(block, w.T).T).sum(axis=1)
        # A distance of 0 can come out a hair below it in floating point.
        value[rows] = np.maximum(distance, 0.0)
    critical = np.where(
        enough,
        mahalanobis_critical(np.maximum(used, 1), thresholds.mahalanobis_alpha),
        np.inf,
    )
    flag = np.where(np.isnan(value), False, value > critical)
    items = np.where(enough, used, 0)
    return ValidityIndex(value, flag, {"items": items})


def speed(
    page_items, page_seconds, *, thresholds: ValidityThresholds = DEFAULT_THRESHOLDS
) -> ValidityIndex:
    """Seconds per item on the fastest page; flag any page under 2 s per item.

    Huang, Curran, Keeney, Poposki & DeShon 2012. ``page_items`` and
    ``page_seconds`` are N x P, NaN-padded for submissions with fewer pages;
    pages without a time or without items are skipped. ``extra["fast_pages"]``
    counts the pages below ``thresholds.speed_seconds_per_item``.
    """
    items = _matrix(page_items)
    seconds = _matrix(page_seconds)
    if items.shape != seconds.shape:
        raise ScoringInputError(
            f"page_items {items.shape} and page_seconds {seconds.shape} differ"
        )
    if np.any(seconds < 0) or np.any(items < 0):
        raise ScoringInputError("page times and item counts cannot be negative")
    timed = np.isfinite(items) & np.isfinite(seconds) & (items > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_item = np.where(timed, seconds / items, np.inf)
    fastest = per_item.min(axis=1, initial=np.inf)
    fast_pages = (per_item < thresholds.speed_seconds_per_item).sum(axis=1)
    value = np.where(np.isfinite(fastest), fastest, np.nan)
    return ValidityIndex(value, fast_pages > 0, {"fast_pages": fast_pages})


def instructed(answers, spec: InstrumentSpec) -> ValidityIndex:
    """Count of instructed-response items answered other than instructed.

    Meade & Craig 2012 ("choose Agree for this statement"). An unanswered
    instructed item is not counted as a failure. Flag on one failure; NaN when
    the instrument has no instructed items.
    """
    matrix = checked_answers(answers, spec).raw
    columns = spec.kind_columns("instructed")
    if columns.size == 0:
        return _not_applicable(matrix.shape[0])
    chosen = matrix[:, columns]
    failures = (~np.isnan(chosen) & (chosen != spec.expected_vector[columns])).sum(
        axis=1
    )
    return ValidityIndex(failures, failures >= 1)


def infrequency(
    answers,
    spec: InstrumentSpec,
    *,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
) -> ValidityIndex:
    """Count of infrequency items endorsed (answer ``>= expected``).

    Huang, Bowling, Liu & Li 2015 ("I have never spoken to another person").
    Flag on ``thresholds.infrequency_min`` endorsements; NaN when the
    instrument has none.
    """
    matrix = checked_answers(answers, spec).raw
    columns = spec.kind_columns("infrequency")
    if columns.size == 0:
        return _not_applicable(matrix.shape[0])
    endorsed = (matrix[:, columns] >= spec.expected_vector[columns]).sum(axis=1)
    return ValidityIndex(endorsed, endorsed >= thresholds.infrequency_min)


def impression(
    answers,
    spec: InstrumentSpec,
    *,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
) -> ValidityIndex:
    """Count of extreme favourable answers on the impression-management items.

    Counting only the most extreme answer follows Paulhus's (1984, 1991) BIDR
    scoring. The favourable end is ``scale_max`` for ``keyed = 1`` and
    ``scale_min`` for ``keyed = -1``. Flag (not a correction) when the count
    reaches ``thresholds.impression_fraction`` of the instrument's impression
    items; NaN when it has none.
    """
    matrix = checked_answers(answers, spec).raw
    columns = spec.kind_columns("impression")
    if columns.size == 0:
        return _not_applicable(matrix.shape[0])
    favourable = np.where(
        spec.keyed_vector[columns] > 0, spec.scale_max, spec.scale_min
    )
    count = (matrix[:, columns] == favourable).sum(axis=1)
    needed = np.ceil(thresholds.impression_fraction * columns.size - 1e-9)
    return ValidityIndex(count, count >= needed)


def consistency(
    answers,
    spec: InstrumentSpec,
    *,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
) -> ValidityIndex:
    """Mean absolute difference within the spec's consistency pairs.

    Psychometric synonyms (Meade & Craig 2012; Curran 2016) scored as a
    distance: both items reverse keyed first, pairs with a missing answer
    skipped; NaN when fewer than ``thresholds.consistency_min_fraction`` of the
    pairs (and at least one) are answered, since the mean of one or two
    differences is mostly chance. Flag when the mean difference is
    ``>= thresholds.consistency_max_difference`` scale points.
    """
    keyed = checked_answers(answers, spec).keyed
    if not spec.consistency_pairs:
        return _not_applicable(keyed.shape[0])
    first = spec.item_indices([a for a, _ in spec.consistency_pairs])
    second = spec.item_indices([b for _, b in spec.consistency_pairs])
    value, count = row_mean(np.abs(keyed[:, first] - keyed[:, second]))
    needed = max(1, math.ceil(thresholds.consistency_min_fraction * first.size - 1e-9))
    value = np.where(count >= needed, value, np.nan)
    return ValidityIndex(value, value >= thresholds.consistency_max_difference)


def validity_status(
    indices: Mapping[str, ValidityIndex], rule: ValidityRule = VALIDITY_RULE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number of flags, overall status and matching clause per submission.

    Applies ``rule`` (``rules.py``; the rule in words: docs/scoring.md) to the
    flags of every index and the figures of the counting indices. An index that
    is not applicable (NaN, never flagged) never counts.
    """
    return rule.evaluate(
        {name: index.flag for name, index in indices.items()},
        {name: index.value for name, index in indices.items()},
    )


@dataclass(frozen=True, eq=False)
class ValidityResult:
    """All indices of N submissions, their flag count and overall status."""

    indices: Mapping[str, ValidityIndex]
    n_flags: np.ndarray
    status: np.ndarray
    clause: np.ndarray

    def __getitem__(self, name: str) -> ValidityIndex:
        return self.indices[name]


def validity_indices(
    answers,
    spec: InstrumentSpec,
    *,
    order=None,
    page_items=None,
    page_seconds=None,
    covariance_norm: CovarianceNorm | None = None,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
    rule: ValidityRule = VALIDITY_RULE,
) -> ValidityResult:
    """Every index of section 6 plus the overall status, for N submissions.

    Speed needs ``page_items`` and ``page_seconds``; Mahalanobis needs a
    ``covariance_norm`` over items (``CovarianceNorm.items``). An index without
    its inputs is NaN and unflagged. The distance is taken over the item
    answers, not the scale means: random answers pull scale means towards the
    middle of the scale, where the distance is small, while across items they
    break the correlations the norm expects.
    """
    checked = checked_answers(answers, spec)
    matrix = checked.raw
    n_rows = matrix.shape[0]
    if (page_items is None) != (page_seconds is None):
        raise ScoringInputError("give both page_items and page_seconds, or neither")
    if page_items is None:
        timing = _not_applicable(n_rows)
    else:
        timing = speed(page_items, page_seconds, thresholds=thresholds)
        if timing.value.shape[0] != n_rows:
            raise ScoringInputError(f"page timings must have {n_rows} rows")
    if covariance_norm is None:
        distance = _not_applicable(n_rows)
    else:
        columns = spec.item_indices(covariance_norm.items)
        distance = mahalanobis(
            matrix[:, columns],
            covariance_norm.mean,
            covariance_norm.cov,
            thresholds=thresholds,
        )
    indices = {
        "longstring": longstring(matrix, order, thresholds=thresholds),
        "irv": irv(matrix, thresholds=thresholds),
        "even_odd": even_odd(checked, spec, thresholds=thresholds),
        "mahalanobis": distance,
        "speed": timing,
        "instructed": instructed(checked, spec),
        "infrequency": infrequency(checked, spec, thresholds=thresholds),
        "impression": impression(checked, spec, thresholds=thresholds),
        "consistency": consistency(checked, spec, thresholds=thresholds),
    }
    n_flags, status, clause = validity_status(indices, rule)
    return ValidityResult(indices, n_flags, status, clause)
