"""The item-level model an instrument's own figures imply (parallel items per scale).

A definition publishes, per scale, the norm mean and SD of the scale mean and a
reliability. Read as a model of parallel items (every item of a scale has the
same mean, variance and inter-item correlation; Lord & Novick 1968, ch. 2):

- mean inter-item correlation from Spearman-Brown solved for r:
  ``r = alpha / (k - (k - 1) alpha)``;
- item variance from the variance of a mean of k items,
  ``sd^2 = sigma^2 (1 + (k - 1) r) / k``, so ``sigma^2 = k sd^2 / (1 + (k - 1) r)``;
- item mean on the raw metric: the scale's norm mean, reflected
  (``min + max - mean``) for a reverse-keyed item;
- covariance of two items of one scale ``r sigma^2``, with a minus sign when one
  of them is reverse keyed; items of different scales: 0 (a definition states
  no correlations between scales).

This gives the norm (mean vector and covariance of the scale items) for the
item-level Mahalanobis distance before local data exist, and the parameters of
the simulated attentive respondents of ``simulation``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .errors import ScoringInputError
from .spec import CovarianceNorm, InstrumentSpec


def inter_item_correlation(alpha: float, k: int) -> float:
    """Mean inter-item r that gives reliability ``alpha`` with ``k`` items.

    Spearman-Brown solved for r: ``alpha / (k - (k - 1) alpha)``; k 8, alpha .80
    -> 1/3.
    """
    if not 0 < alpha < 1 or k < 2:
        raise ScoringInputError("inter_item_correlation needs 0 < alpha < 1, k >= 2")
    return alpha / (k - (k - 1) * alpha)


def item_norm_reliability(published: float, estimate: float | None) -> float:
    """The reliability a scale's item norm is built with: the local estimate,
    but never above the published figure.

    In the parallel-items model the variance of the differences between a
    scale's items is proportional to ``1 - alpha`` (``k sd^2 (1 - alpha)`` for
    the item variance, Lord & Novick 1968, ch. 2), and the Mahalanobis index
    reads those differences against it. An alpha inflated by respondents who
    answered a scale alike (docs/scoring.md) shrinks that variance towards 0,
    so attentive answers, whose items differ as the published figure says they
    should, look like outliers: with true alpha .77, an item norm built on .90,
    .95 or .99 for one scale flagged 1.7 %, 21 % and 96 % of simulated attentive
    respondents instead of 0.1 %. An estimate below the published figure says
    the items differ more than published, which the model must expect, so it is
    used. ``None``, or an estimate outside (0, 1), keeps the published figure.
    """
    if estimate is None or not 0 < estimate < 1:
        return published
    return min(float(estimate), published)


@dataclass(frozen=True)
class ScaleFigures:
    """A scale's published figures: norm mean and SD of the scale mean, alpha."""

    mean: float
    sd: float
    reliability: float


@dataclass(frozen=True, eq=False)
class ItemModel:
    """Parallel-items model of the scale items of ``spec`` (see module docstring).

    ``columns`` are the answer-matrix columns of the items that belong to a
    scale, in definition order; arrays are ordered like them.
    """

    spec: InstrumentSpec
    scales: Mapping[str, ScaleFigures]

    def __post_init__(self) -> None:
        missing = [key for key in self.spec.scale_keys if key not in self.scales]
        if missing:
            raise ScoringInputError(f"item model: no figures for scales {missing}")
        for key in self.spec.scale_keys:
            figures = self.scales[key]
            if not figures.sd > 0 or not 0 < figures.reliability < 1:
                raise ScoringInputError(
                    f"item model: scale {key!r} needs sd > 0 and 0 < reliability < 1"
                )

    @cached_property
    def columns(self) -> np.ndarray:
        return np.array(
            [i for i, item in enumerate(self.spec.items) if item.scale is not None],
            dtype=np.intp,
        )

    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(self.spec.item_keys[i] for i in self.columns)

    @cached_property
    def scale_index(self) -> np.ndarray:
        """Position in ``spec.scale_keys`` of each modelled item's scale."""
        keys = self.spec.scale_keys
        return np.array(
            [keys.index(self.spec.items[i].scale) for i in self.columns], dtype=np.intp
        )

    @cached_property
    def keyed(self) -> np.ndarray:
        return self.spec.keyed_vector[self.columns].astype(float)

    def _per_scale(self):
        r, variance, mean = [], [], []
        for key in self.spec.scale_keys:
            figures = self.scales[key]
            k = sum(1 for item in self.spec.items if item.scale == key)
            correlation = (
                inter_item_correlation(figures.reliability, k) if k >= 2 else 0.0
            )
            r.append(correlation)
            variance.append(k * figures.sd**2 / (1 + (k - 1) * correlation))
            mean.append(figures.mean)
        return np.array(r), np.array(variance), np.array(mean)

    @cached_property
    def correlation(self) -> np.ndarray:
        """Inter-item correlation of each scale, ordered like ``spec.scales``."""
        return self._per_scale()[0]

    @cached_property
    def item_sd(self) -> np.ndarray:
        """SD of one item of each scale, ordered like ``spec.scales``."""
        return np.sqrt(self._per_scale()[1])

    @cached_property
    def keyed_mean(self) -> np.ndarray:
        """Mean of a (keyed) item of each scale, ordered like ``spec.scales``."""
        return self._per_scale()[2]

    @cached_property
    def mean(self) -> np.ndarray:
        """Raw-metric mean of each modelled item."""
        keyed = self.keyed_mean[self.scale_index]
        reflected = (self.spec.scale_min + self.spec.scale_max) - keyed
        return np.where(self.keyed > 0, keyed, reflected)

    @cached_property
    def cov(self) -> np.ndarray:
        """Raw-metric covariance of the modelled items."""
        scale = self.scale_index
        same = scale[:, None] == scale[None, :]
        variance = self.item_sd[scale] ** 2
        off = self.correlation[scale] * variance
        signs = self.keyed[:, None] * self.keyed[None, :]
        cov = np.where(same, off[:, None] * signs, 0.0)
        np.fill_diagonal(cov, variance)
        return cov

    def covariance_norm(self, source: str = "provisional") -> CovarianceNorm:
        """The model's item means and covariance as a Mahalanobis norm (n = 0)."""
        return CovarianceNorm(
            tuple(self.mean),
            tuple(map(tuple, self.cov)),
            0,
            source,
            items=self.item_keys,
        )
