"""The engine's entry points: ``score_batch`` for N submissions, ``score_one``.

``score_one`` is ``score_batch`` on a 1 x k matrix, so a single submission goes
through exactly the code that bulk rescoring uses.
"""

import math
import numbers
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .composite import (
    BandExplanation,
    Bands,
    band_index,
    check_bands,
    composite_score,
    explanation_for,
    plan_weights,
)
from .errors import ScoringInputError
from .inputs import order_matrix
from .precision import confidence_band, sem
from .scales import checked_answers, scale_scores
from .spec import (
    DEFAULT_THRESHOLDS,
    CovarianceNorm,
    InstrumentSpec,
    Norm,
    ValidityThresholds,
)
from .standard import (
    empirical_percentile,
    normal_percentile,
    stanine,
    sten,
    t_score,
    z_score,
)
from .validity import ValidityResult, validity_indices
from .version import SCORING_VERSION

PERCENTILE_METHODS = ("normal", "empirical")
T_SD = 10.0
BAND_Z = 1.96
# The most reliability a band is drawn with. Short Likert scales do not reach
# alpha above .95 by measuring well: such a figure says the items are
# redundant or the respondents answered them all alike (Streiner 2003), and an
# alpha of 1 (everyone straight-lining a scale whose items are keyed alike)
# would give SEM 0, a band of zero width. At .95 the T band is at least
# +/- 4.4 points, about two answer steps of an 8-item scale.
RELIABILITY_CEILING = 0.95


def _plain(value):
    """A numpy scalar as a JSON-ready Python value; NaN becomes ``None``."""
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def _plain_int(value) -> int | None:
    value = float(value)
    return None if math.isnan(value) else int(value)


@dataclass(frozen=True)
class ScaleResult:
    """One scale of one submission. Every score is ``None`` when ``missing``.

    ``sem`` is the SEM of the T score, ``10 * sqrt(1 - reliability)``;
    ``t_low``..``t_high`` is the 95 % band ``T +/- 1.96 SEM``.
    """

    raw_mean: float | None
    prorated_sum: float | None
    n_answered: int
    n_items: int
    missing: bool
    z: float | None
    t: float | None
    t_low: float | None
    t_high: float | None
    percentile: float | None
    percentile_method: str
    sten: int | None
    stanine: int | None
    sem: float
    reliability: float
    reliability_source: str
    norm_source: str


@dataclass(frozen=True)
class SubmissionResult:
    """The scored submission as plain Python values; ``to_dict()`` is JSON-ready."""

    scoring_version: str
    scales: dict[str, ScaleResult]
    validity: dict[str, dict[str, float | int | bool | None]]
    validity_status: str
    n_flags: int
    composite: float | None
    band: str | None
    explanation: BandExplanation | None

    def to_dict(self) -> dict:
        return {
            "scoring_version": self.scoring_version,
            "scales": {key: dict(vars(scale)) for key, scale in self.scales.items()},
            "validity": {name: dict(index) for name, index in self.validity.items()},
            "validity_status": self.validity_status,
            "n_flags": self.n_flags,
            "composite": self.composite,
            "band": self.band,
            "explanation": None
            if self.explanation is None
            else self.explanation.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Scores of N submissions as numpy arrays.

    Per-scale arrays are N x S with columns ordered like ``scale_keys``; NaN marks
    a missing score (sten and stanine are floats for that reason). Per-scale
    constants (``sem``, ``reliability``, sources) have length S.
    ``band_index`` is -1 where there is no band.
    """

    scoring_version: str
    scale_keys: tuple[str, ...]
    n_items: np.ndarray
    raw_mean: np.ndarray
    prorated_sum: np.ndarray
    n_answered: np.ndarray
    missing: np.ndarray
    z: np.ndarray
    t: np.ndarray
    t_low: np.ndarray
    t_high: np.ndarray
    percentile: np.ndarray
    sten: np.ndarray
    stanine: np.ndarray
    sem: np.ndarray
    reliability: np.ndarray
    reliability_source: tuple[str, ...]
    norm_source: tuple[str, ...]
    percentile_method: tuple[str, ...]
    validity: ValidityResult
    composite: np.ndarray
    band_index: np.ndarray
    bands: Bands
    weights: Mapping[str, float] | None

    def __len__(self) -> int:
        return self.raw_mean.shape[0]

    def scale_column(self, key: str) -> int:
        try:
            return self.scale_keys.index(key)
        except ValueError:
            raise ScoringInputError(f"unknown scale key {key!r}") from None

    @property
    def band(self) -> np.ndarray:
        """Band label per row (object array, ``None`` where there is no band)."""
        labels = np.array([label for _, label in self.bands] + [None], dtype=object)
        return labels[self.band_index]

    def row(self, i: int) -> SubmissionResult:
        """Submission ``i`` as a ``SubmissionResult`` of plain Python values."""
        i = operator.index(i)
        if not 0 <= i < len(self):
            raise IndexError(f"row {i} of a batch of {len(self)}")
        scales = {}
        for j, key in enumerate(self.scale_keys):
            scales[key] = ScaleResult(
                raw_mean=_plain(self.raw_mean[i, j]),
                prorated_sum=_plain(self.prorated_sum[i, j]),
                n_answered=int(self.n_answered[i, j]),
                n_items=int(self.n_items[j]),
                missing=bool(self.missing[i, j]),
                z=_plain(self.z[i, j]),
                t=_plain(self.t[i, j]),
                t_low=_plain(self.t_low[i, j]),
                t_high=_plain(self.t_high[i, j]),
                percentile=_plain(self.percentile[i, j]),
                percentile_method=self.percentile_method[j],
                sten=_plain_int(self.sten[i, j]),
                stanine=_plain_int(self.stanine[i, j]),
                sem=float(self.sem[j]),
                reliability=float(self.reliability[j]),
                reliability_source=self.reliability_source[j],
                norm_source=self.norm_source[j],
            )
        validity = {}
        for name, index in self.validity.indices.items():
            figures = {"value": _plain(index.value[i]), "flag": bool(index.flag[i])}
            figures.update({key: _plain(v[i]) for key, v in index.extra.items()})
            validity[name] = figures
        composite = _plain(self.composite[i])
        explanation = None
        if self.weights is not None:
            explanation = explanation_for(
                {key: scales[key].z for key in self.weights},
                self.weights,
                self.bands,
                composite,
            )
        band = int(self.band_index[i])
        return SubmissionResult(
            scoring_version=self.scoring_version,
            scales=scales,
            validity=validity,
            validity_status=str(self.validity.status[i]),
            n_flags=int(self.validity.n_flags[i]),
            composite=composite,
            band=None if band < 0 else self.bands[band][1],
            explanation=explanation,
        )

    def rows(self) -> Iterator[SubmissionResult]:
        for i in range(len(self)):
            yield self.row(i)


def reliability_for_sem(key: str, value, default: float) -> tuple[float, str]:
    """The reliability the SEM of scale ``key`` uses, and where it comes from.

    ``None`` -> ``default`` ("default"); a negative estimate -> 0, SEM = SD
    ("floored"); a figure above ``RELIABILITY_CEILING`` (the estimate or the
    default) -> the ceiling ("capped"); otherwise the estimate itself
    ("estimate"). Raises ``ScoringInputError`` above 1 or for a value that is
    not a number.
    """
    if value is None:
        if default > RELIABILITY_CEILING:
            return RELIABILITY_CEILING, "capped"
        return default, "default"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScoringInputError(f"reliability of scale {key!r} must be a number")
    if not (math.isfinite(value) and value <= 1):
        raise ScoringInputError(
            f"reliability of scale {key!r} is {value}; it must be at most 1 "
            "(pass None to use the default)"
        )
    if value < 0:
        # A negative alpha is a real (bad) estimate: floor it so the band gets as
        # wide as classical theory allows (SEM = SD), never narrower by a default.
        return 0.0, "floored"
    if value > RELIABILITY_CEILING:
        return RELIABILITY_CEILING, "capped"
    return float(value), "estimate"


def _check_keys(name: str, given: Mapping, spec: InstrumentSpec) -> None:
    unknown = sorted(set(given) - set(spec.scale_keys))
    if unknown:
        raise ScoringInputError(f"{name} for unknown scales: {unknown}")


def score_batch(
    spec: InstrumentSpec,
    answers,
    *,
    norms: Mapping[str, Norm],
    reliabilities: Mapping[str, float | None],
    order=None,
    page_items=None,
    page_seconds=None,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
    weights: Mapping[str, float] | None = None,
    bands: Sequence[Sequence] = (),
    default_reliability: float = 0.80,
    percentiles: str = "normal",
    covariance_norm: CovarianceNorm | None = None,
) -> BatchResult:
    """Score N submissions of one instrument version in one numpy pass.

    ``answers`` is N x k (NaN for missing), columns in ``spec.items`` order.
    Per scale: mean and prorated sum (80 % rule), z against ``norms[key]`` (on
    the scale-mean metric), T, sten, stanine, percentile (``"normal"``:
    ``100 Phi(z)``; ``"empirical"``: mid-rank in ``norm.sample``, falling back
    to normal for a scale whose norm has no sample), and the 95 % T band with
    ``SEM_T = 10 sqrt(1 - r)``. ``reliabilities[key]`` of ``None`` (or absent)
    means "not yet estimable": ``default_reliability`` is used and the result
    says so (``reliability_source`` "default"); a negative estimate is floored
    at 0, i.e. SEM = SD (``"floored"``), and any figure above
    ``RELIABILITY_CEILING`` (.95) is capped there (``"capped"``). Validity
    indices use ``order`` (presentation order, N x k),
    ``page_items``/``page_seconds`` (N x P) and ``covariance_norm`` when given.
    With ``weights`` (signed by scale direction) the composite and its band
    from ``bands`` (``(lower_bound, label)``, descending) are added; without
    weights, or with only zero weights, the composite is missing (``None``).

    Raises ``ScoringInputError`` naming the problem for any bad input.
    """
    checked = checked_answers(answers, spec)
    n_rows = checked.raw.shape[0]
    if order is not None:
        order = order_matrix(order, n_rows, spec.n_items)
    if percentiles not in PERCENTILE_METHODS:
        raise ScoringInputError(
            f"percentiles must be one of {PERCENTILE_METHODS}, got {percentiles!r}"
        )
    _check_keys("norms", norms, spec)
    _check_keys("reliabilities", reliabilities, spec)
    if not (
        isinstance(default_reliability, numbers.Real) and 0 <= default_reliability <= 1
    ):
        raise ScoringInputError("default_reliability must be a number in [0, 1]")
    default_reliability = float(default_reliability)
    bands = check_bands(bands)
    if weights is not None and not any(weights.values()):
        # An empty plan has no composite; a sum over no scales would read as 0.
        weights = None
    if bands and weights is None:
        raise ScoringInputError("bands need weights to compute a composite")
    weight_vector = None if weights is None else plan_weights(spec, weights)

    scores = scale_scores(checked, spec)
    n_scales = len(spec.scales)
    z = np.empty((n_rows, n_scales))
    percentile = np.empty((n_rows, n_scales))
    reliability = np.empty(n_scales)
    reliability_source, norm_source, percentile_method = [], [], []
    for j, key in enumerate(spec.scale_keys):
        norm = norms.get(key)
        if not isinstance(norm, Norm):
            raise ScoringInputError(f"no norm for scale {key!r}")
        z[:, j] = z_score(scores.mean[:, j], norm.mean, norm.sd)
        if percentiles == "empirical" and norm.sorted_sample is not None:
            percentile[:, j] = empirical_percentile(
                scores.mean[:, j], norm.sorted_sample
            )
            percentile_method.append("empirical")
        else:
            percentile[:, j] = normal_percentile(z[:, j])
            percentile_method.append("normal")
        reliability[j], source = reliability_for_sem(
            key, reliabilities.get(key), default_reliability
        )
        reliability_source.append(source)
        norm_source.append(norm.source)
    t = t_score(z)
    sem_t = sem(T_SD, reliability)
    t_low, t_high = confidence_band(t, sem_t, BAND_Z)

    validity = validity_indices(
        checked,
        spec,
        order=order,
        page_items=page_items,
        page_seconds=page_seconds,
        covariance_norm=covariance_norm,
        thresholds=thresholds,
    )
    if weight_vector is None:
        composite = np.full(n_rows, np.nan)
    else:
        composite = composite_score(z, weight_vector)
    return BatchResult(
        scoring_version=SCORING_VERSION,
        scale_keys=spec.scale_keys,
        n_items=scores.n_items,
        raw_mean=scores.mean,
        prorated_sum=scores.prorated_sum,
        n_answered=scores.n_answered,
        missing=scores.missing,
        z=z,
        t=t,
        t_low=t_low,
        t_high=t_high,
        percentile=percentile,
        sten=sten(z),
        stanine=stanine(z),
        sem=sem_t,
        reliability=reliability,
        reliability_source=tuple(reliability_source),
        norm_source=tuple(norm_source),
        percentile_method=tuple(percentile_method),
        validity=validity,
        composite=composite,
        band_index=band_index(composite, bands),
        bands=bands,
        weights=None if weights is None else dict(weights),
    )


def _answer_value(key: str, value) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScoringInputError(f"item {key!r}: answer {value!r} is not an integer")
    return float(value)


def score_one(
    spec: InstrumentSpec,
    answers_by_key: Mapping[str, int | None],
    *,
    norms: Mapping[str, Norm],
    reliabilities: Mapping[str, float | None],
    order: Sequence[str] | None = None,
    page_items: Sequence[float] | None = None,
    page_seconds: Sequence[float] | None = None,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
    weights: Mapping[str, float] | None = None,
    bands: Sequence[Sequence] = (),
    default_reliability: float = 0.80,
    percentiles: str = "normal",
    covariance_norm: CovarianceNorm | None = None,
) -> SubmissionResult:
    """Score one submission: ``score_batch`` on a 1 x k matrix, then ``row(0)``.

    ``answers_by_key`` maps item keys to answers (absent or ``None``: missing);
    ``order`` lists the item keys as presented; ``page_items`` and
    ``page_seconds`` have one entry per page.
    """
    row = np.full((1, spec.n_items), np.nan)
    for key, value in answers_by_key.items():
        row[0, spec.item_index(key)] = _answer_value(key, value)
    presented = None if order is None else spec.item_indices(order)[np.newaxis, :]
    pages = [None if seq is None else [list(seq)] for seq in (page_items, page_seconds)]
    batch = score_batch(
        spec,
        row,
        norms=norms,
        reliabilities=reliabilities,
        order=presented,
        page_items=pages[0],
        page_seconds=pages[1],
        thresholds=thresholds,
        weights=weights,
        bands=bands,
        default_reliability=default_reliability,
        percentiles=percentiles,
        covariance_norm=covariance_norm,
    )
    return batch.row(0)
