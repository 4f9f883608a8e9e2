"""Frozen descriptions of an instrument, its norms and the validity thresholds.

These are the only inputs the engine needs besides the answers themselves; the
Django side builds them from an ``InstrumentVersion`` definition and a ``NormSet``.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .errors import ScoringInputError

ITEM_KINDS = ("likert", "instructed", "infrequency", "impression")
NORM_SOURCES = ("provisional", "local")


def _read_only(values, dtype) -> np.ndarray:
    array = np.asarray(values, dtype=dtype)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class ItemSpec:
    """One item of an instrument.

    ``kind``:
      - ``"likert"``: belongs to ``scale``; ``keyed`` is +1 or -1 (reverse-keyed).
      - ``"instructed"``: an attention check whose correct answer is ``expected``.
      - ``"infrequency"``: endorsed when the answer is ``>= expected`` (``expected``
        holds the lowest endorsing value).
      - ``"impression"``: impression-management item; ``keyed`` gives the
        favourable direction (+1: ``scale_max`` is the extreme favourable answer,
        -1: ``scale_min``). It may also belong to a scale, or to none.

    Instructed and infrequency items never belong to a scale: they check the
    respondent, they do not measure a trait.
    """

    key: str
    scale: str | None
    keyed: int = 1
    kind: str = "likert"
    expected: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ScoringInputError(
                f"item key must be a non-empty string: {self.key!r}"
            )
        if self.kind not in ITEM_KINDS:
            raise ScoringInputError(
                f"item {self.key}: kind {self.kind!r} is not one of {ITEM_KINDS}"
            )
        if isinstance(self.keyed, bool) or self.keyed not in (1, -1):
            raise ScoringInputError(f"item {self.key}: keyed must be 1 or -1")
        if self.kind == "likert" and not self.scale:
            raise ScoringInputError(f"item {self.key}: a likert item needs a scale")
        if self.kind in ("instructed", "infrequency"):
            if self.scale is not None:
                raise ScoringInputError(
                    f"item {self.key}: a {self.kind} item cannot belong to a scale"
                )
            if isinstance(self.expected, bool) or not isinstance(self.expected, int):
                raise ScoringInputError(
                    f"item {self.key}: a {self.kind} item needs an integer expected"
                )


@dataclass(frozen=True)
class ScaleSpec:
    """A scale; ``higher_is_better=False`` marks e.g. negativity scales.

    The direction matters only for composite weights (see ``composite``).
    """

    key: str
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ScoringInputError(
                f"scale key must be a non-empty string: {self.key!r}"
            )


@dataclass(frozen=True)
class InstrumentSpec:
    """An instrument version as the engine sees it.

    Answer matrices have one column per item, in the order of ``items`` (the
    definition order), whatever order the items were presented in.
    ``consistency_pairs`` are pairs of item keys that should get the same answer
    once reverse keying is applied.
    """

    scale_min: int
    scale_max: int
    items: tuple[ItemSpec, ...]
    scales: tuple[ScaleSpec, ...]
    consistency_pairs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "scales", tuple(self.scales))
        object.__setattr__(
            self,
            "consistency_pairs",
            tuple(tuple(pair) for pair in self.consistency_pairs),
        )
        for bound in (self.scale_min, self.scale_max):
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise ScoringInputError(f"scale bounds must be integers: {bound!r}")
        if self.scale_min >= self.scale_max:
            raise ScoringInputError("scale_min must be below scale_max")
        if not self.items:
            raise ScoringInputError("an instrument needs at least one item")
        item_keys = [item.key for item in self.items]
        scale_keys = [scale.key for scale in self.scales]
        for name, keys in (("item", item_keys), ("scale", scale_keys)):
            duplicates = sorted({key for key in keys if keys.count(key) > 1})
            if duplicates:
                raise ScoringInputError(f"duplicate {name} keys: {duplicates}")
        known_scales = set(scale_keys)
        used_scales = set()
        for item in self.items:
            if item.scale is not None:
                if item.scale not in known_scales:
                    raise ScoringInputError(
                        f"item {item.key}: unknown scale {item.scale!r}"
                    )
                used_scales.add(item.scale)
            if item.expected is not None and not (
                self.scale_min <= item.expected <= self.scale_max
            ):
                raise ScoringInputError(
                    f"item {item.key}: expected {item.expected} is outside "
                    f"{self.scale_min}..{self.scale_max}"
                )
        empty = [key for key in scale_keys if key not in used_scales]
        if empty:
            raise ScoringInputError(f"scales without items: {empty}")
        known_items = set(item_keys)
        for pair in self.consistency_pairs:
            if len(pair) != 2 or pair[0] == pair[1]:
                raise ScoringInputError(f"a consistency pair needs two items: {pair}")
            unknown = [key for key in pair if key not in known_items]
            if unknown:
                raise ScoringInputError(
                    f"consistency pair with unknown items: {unknown}"
                )

    @property
    def n_items(self) -> int:
        return len(self.items)

    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @cached_property
    def scale_keys(self) -> tuple[str, ...]:
        return tuple(scale.key for scale in self.scales)

    @cached_property
    def _item_positions(self) -> dict[str, int]:
        return {key: index for index, key in enumerate(self.item_keys)}

    def item_index(self, key: str) -> int:
        """Column of item ``key`` in an answer matrix."""
        try:
            return self._item_positions[key]
        except KeyError:
            raise ScoringInputError(f"unknown item key {key!r}") from None

    def item_indices(self, keys: Sequence[str]) -> np.ndarray:
        """Columns of several items, in the order given."""
        return np.array([self.item_index(key) for key in keys], dtype=np.intp)

    def scale(self, key: str) -> ScaleSpec:
        """The ``ScaleSpec`` of scale ``key``."""
        for scale in self.scales:
            if scale.key == key:
                return scale
        raise ScoringInputError(f"unknown scale key {key!r}")

    @cached_property
    def _scale_columns(self) -> dict[str, np.ndarray]:
        return {
            scale.key: _read_only(
                [i for i, item in enumerate(self.items) if item.scale == scale.key],
                np.intp,
            )
            for scale in self.scales
        }

    def scale_columns(self, key: str) -> np.ndarray:
        """Columns of the items of scale ``key``, in definition order."""
        if key not in self._scale_columns:
            raise ScoringInputError(f"unknown scale key {key!r}")
        return self._scale_columns[key]

    def kind_columns(self, kind: str) -> np.ndarray:
        """Columns of the items of one ``kind``, in definition order."""
        if kind not in ITEM_KINDS:
            raise ScoringInputError(f"unknown item kind {kind!r}")
        return _read_only(
            [i for i, item in enumerate(self.items) if item.kind == kind], np.intp
        )

    @cached_property
    def keyed_vector(self) -> np.ndarray:
        """+1 / -1 per column."""
        return _read_only([item.keyed for item in self.items], np.int8)

    @cached_property
    def expected_vector(self) -> np.ndarray:
        """``expected`` per column, NaN where an item has none."""
        return _read_only(
            [
                math.nan if item.expected is None else item.expected
                for item in self.items
            ],
            float,
        )


@dataclass(frozen=True)
class Norm:
    """Norm group statistics of one scale, on the scale-mean metric.

    ``source`` is ``"provisional"`` (published or pilot figures) or ``"local"``
    (computed from this deployment's own valid submissions). ``sample`` holds the
    norm group's scale means for empirical percentile ranks.
    """

    mean: float
    sd: float
    n: int
    source: str
    sample: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.mean):
            raise ScoringInputError(f"norm mean must be finite: {self.mean!r}")
        if not (math.isfinite(self.sd) and self.sd > 0):
            raise ScoringInputError(f"norm sd must be positive: {self.sd!r}")
        if self.source not in NORM_SOURCES:
            raise ScoringInputError(
                f"norm source {self.source!r} is not one of {NORM_SOURCES}"
            )
        if self.sample is not None:
            sample = tuple(float(value) for value in self.sample)
            if not sample or not all(math.isfinite(value) for value in sample):
                raise ScoringInputError("a norm sample must be non-empty and finite")
            object.__setattr__(self, "sample", sample)

    @cached_property
    def sorted_sample(self) -> np.ndarray | None:
        if self.sample is None:
            return None
        return _read_only(np.sort(self.sample), float)


@dataclass(frozen=True)
class CovarianceNorm:
    """Mean vector and covariance matrix of the scale items in a norm group.

    Used only for the item-level Mahalanobis index; ``items`` names the item of
    each entry (scale items only: check items have almost no variance among
    attentive respondents and are judged by their own indices). ``n`` is 0 for
    a norm implied by the definition's figures (``itemmodel``).
    """

    mean: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    n: int
    source: str
    items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        mean = np.asarray(self.mean, dtype=float)
        cov = np.asarray(self.cov, dtype=float)
        if mean.ndim != 1 or cov.shape != (mean.size, mean.size):
            raise ScoringInputError("covariance norm: cov must be k x k for k means")
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
            raise ScoringInputError("covariance norm: values must be finite")
        if not np.allclose(cov, cov.T):
            raise ScoringInputError("covariance norm: cov must be symmetric")
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ScoringInputError(
                "covariance norm: cov must be positive definite"
            ) from None
        if self.source not in NORM_SOURCES:
            raise ScoringInputError(
                f"norm source {self.source!r} is not one of {NORM_SOURCES}"
            )
        items = tuple(self.items)
        if len(items) != mean.size or len(set(items)) != len(items):
            raise ScoringInputError(
                "covariance norm: items must name each of the k entries once"
            )
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "mean", tuple(float(v) for v in mean))
        object.__setattr__(self, "cov", tuple(tuple(float(v) for v in r) for r in cov))


@dataclass(frozen=True)
class ValidityThresholds:
    """When a careless-responding index raises its flag (SCORING.md section 6).

    Each default names its source; "calibrated" means chosen on the simulated
    respondents of ``benchmarks/validity.py`` (docs/scoring.md has the table).

    - long-string: flag when the longest run of identical answers is
      ``>= max(longstring_min_run, ceil(longstring_fraction * k))`` for k items.
      Calibrated: Johnson (2005) set cut-offs of 6 to 9 from the distribution of
      runs on a 300-item inventory; here a quarter of the instrument, at least
      10, flags no simulated attentive respondent in a thousand while catching
      runs of half the instrument.
    - IRV: flag when the within-person SD is below ``irv_min`` (Dunn et al. 2018).
    - even-odd: flag when the index (negated Spearman-Brown corrected r) is above
      ``even_odd_max``, i.e. corrected r below .30 (Johnson 2005); computed only
      on instruments with at least ``even_odd_min_scales`` scales of at least
      ``even_odd_min_items`` items (calibrated: the fewest scales at which
      simulated attentive respondents are flagged less than 1 % of the time;
      5 scales: 5.8 %, 12: 0.9 %), and per submission only when as many
      scales have both halves answered.
    - Mahalanobis over items: flag when D^2 exceeds the chi-square quantile at
      ``1 - mahalanobis_alpha`` for the items answered; p < .001 is the usual
      criterion for multivariate outliers (Tabachnick & Fidell 2013, 4.1.4);
      computed with at least ``mahalanobis_min_fraction`` of the items answered.
    - speed: flag when any page took less than ``speed_seconds_per_item``
      seconds per item (Huang et al. 2012).
    - impression management: flag when at least ``impression_fraction`` of the
      instrument's impression items got the extreme favourable answer.
    - consistency pairs: flag when the mean absolute difference within pairs
      (after reverse keying) is ``>= consistency_max_difference`` scale points,
      computed with at least ``consistency_min_fraction`` of the pairs answered
      (calibrated: with one pair of four, simulated attentive respondents who
      skipped many items were flagged 7 % of the time; with two of four, those
      who skipped one item per scale were not valid 4.1 % to 4.4 % of the time
      against 2.8 % to 2.9 % with every answer, and with three of four 3.2 % to
      3.3 %: three of four since scoring version 3.0.0).
    - instructed-response: flag on ``>= 1`` failure (Meade & Craig 2012).
    - infrequency: flag on ``>= infrequency_min`` endorsements. Calibrated: a
      single endorsement is common among attentive respondents (an honest
      "never late" exaggeration; Huang et al. 2015 report such items endorsed
      by a few per cent of careful respondents), so with two items one
      endorsement alone flagged about 4 % of simulated attentive respondents.

    How the flags combine into a status is the rule of ``rules.py``.
    """

    longstring_min_run: int = 10
    longstring_fraction: float = 0.25
    irv_min: float = 0.5
    even_odd_max: float = -0.30
    even_odd_min_scales: int = 12
    even_odd_min_items: int = 4
    mahalanobis_alpha: float = 0.001
    mahalanobis_min_fraction: float = 0.5
    speed_seconds_per_item: float = 2.0
    impression_fraction: float = 0.75
    consistency_max_difference: float = 2.0
    consistency_min_fraction: float = 0.75
    infrequency_min: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.mahalanobis_alpha < 1:
            raise ScoringInputError("mahalanobis_alpha must be in (0, 1)")
        for name in (
            "longstring_fraction",
            "impression_fraction",
            "mahalanobis_min_fraction",
            "consistency_min_fraction",
        ):
            if not 0 < getattr(self, name) <= 1:
                raise ScoringInputError(f"{name} must be in (0, 1]")
        if self.even_odd_min_scales < 3:
            raise ScoringInputError("even_odd_min_scales must be at least 3")
        if self.even_odd_min_items < 2:
            raise ScoringInputError("even_odd_min_items must be at least 2")
        if self.infrequency_min < 1:
            raise ScoringInputError("infrequency_min must be at least 1")

    def longstring_limit(self, n_items: int) -> int:
        """Run length at which the long-string flag is raised for ``n_items``."""
        return max(
            self.longstring_min_run, math.ceil(self.longstring_fraction * n_items)
        )

    def even_odd_scales(self, spec: "InstrumentSpec") -> int:
        """How many scales of ``spec`` have enough items for even-odd halves."""
        return sum(
            1
            for key in spec.scale_keys
            if spec.scale_columns(key).size >= self.even_odd_min_items
        )

    def even_odd_applicable(self, spec: "InstrumentSpec") -> bool:
        """Whether even-odd consistency means something on ``spec``.

        The rule (docs/scoring.md): at least ``even_odd_min_scales`` scales with
        at least ``even_odd_min_items`` items each.
        """
        return self.even_odd_scales(spec) >= self.even_odd_min_scales


DEFAULT_THRESHOLDS = ValidityThresholds()
