"""Composite (fit) score, bands and their explanation (SCORING.md section 4)."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .errors import ScoringInputError
from .spec import InstrumentSpec
from .standard import BOUNDARY_EPS

Bands = tuple[tuple[float, str], ...]


def composite_score(z, weights) -> np.ndarray:
    """Weighted composite ``C = sum_i w_i z_i`` over the last axis of ``z``.

    Linear composite of standard scores (Gulliksen 1950, ch. 20). Weights are
    applied as given: a lower-is-better scale carries a negative weight rather
    than being reversed first. Convention for missing scales: the composite is
    missing (NaN) when any scale with a non-zero weight is missing; weights are
    never renormalised over the scales that happen to be present, because that
    would score candidates on different plans. Scales with weight 0 are ignored.
    """
    z = np.asarray(z, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if z.shape[-1:] != weights.shape:
        raise ScoringInputError(
            f"z has {z.shape[-1:]} scales but {weights.shape} weights were given"
        )
    used = weights != 0
    return np.where(used, z * weights, 0.0).sum(axis=-1)


def plan_weights(spec: InstrumentSpec, weights: Mapping[str, float]) -> np.ndarray:
    """Weight vector ordered like ``spec.scales`` (0 for scales not in the plan).

    Checks that each weight's sign matches the scale's direction: a
    higher-is-better scale cannot take a negative weight and a lower-is-better
    scale cannot take a positive one.
    """
    vector = np.zeros(len(spec.scales))
    for key, weight in weights.items():
        scale = spec.scale(key)
        if isinstance(weight, bool) or not math.isfinite(weight):
            raise ScoringInputError(f"weight of scale {key!r} must be a finite number")
        if (weight < 0 and scale.higher_is_better) or (
            weight > 0 and not scale.higher_is_better
        ):
            direction = "higher" if scale.higher_is_better else "lower"
            raise ScoringInputError(
                f"scale {key!r} is {direction}-is-better; its weight {weight} has the "
                "wrong sign"
            )
        vector[spec.scale_keys.index(key)] = float(weight)
    return vector


def check_bands(bands: Sequence[Sequence]) -> Bands:
    """Validate cut scores: ``(lower_bound, label)`` pairs, strictly descending."""
    checked = []
    for band in bands:
        if len(band) != 2 or not isinstance(band[1], str):
            raise ScoringInputError(f"a band is (lower_bound, label): {band!r}")
        checked.append((float(band[0]), band[1]))
    bounds = [bound for bound, _ in checked]
    if any(math.isnan(bound) for bound in bounds) or any(
        later >= earlier for earlier, later in pairwise(bounds)
    ):
        raise ScoringInputError("band lower bounds must be strictly descending")
    return tuple(checked)


def band_index(composite, bands: Sequence[Sequence]) -> np.ndarray:
    """Index into ``bands`` of each composite's band; -1 if missing or below all.

    A composite belongs to the first (highest) band whose lower bound it reaches
    (``C >= bound``, with ``BOUNDARY_EPS`` of tolerance: a weighted sum that is
    exactly on a cut can come out 1e-16 below it). Give the lowest band a bound
    of ``-inf`` to cover every score. The band is a recommendation to a person,
    never an automatic reject.
    """
    bands = check_bands(bands)
    composite = np.asarray(composite, dtype=float)
    if not bands:
        return np.full(composite.shape, -1, dtype=np.int64)
    ascending = np.array([bound for bound, _ in bands])[::-1]
    reached = np.searchsorted(ascending, composite + BOUNDARY_EPS, side="right")
    index = len(bands) - reached
    return np.where(np.isnan(composite) | (reached == 0), -1, index).astype(np.int64)


def band_label(composite, bands: Sequence[Sequence]) -> str | None:
    """The label of one composite's band, ``None`` if missing or below all."""
    bands = check_bands(bands)
    index = int(band_index(np.array([composite], dtype=float), bands)[0])
    return None if index < 0 else bands[index][1]


@dataclass(frozen=True)
class Contribution:
    """One scale's term ``weight * z`` of a composite (``None`` if missing)."""

    scale: str
    weight: float
    z: float | None
    contribution: float | None


@dataclass(frozen=True)
class BandExplanation:
    """Why a composite landed in its band, as data for the report to word.

    ``contributions`` are sorted by absolute size (missing ones last);
    ``distance_to_cut`` is ``composite - nearest_cut`` (positive: above it).
    """

    composite: float | None
    band: str | None
    contributions: tuple[Contribution, ...]
    missing_scales: tuple[str, ...]
    nearest_cut: float | None
    nearest_cut_label: str | None
    distance_to_cut: float | None

    def to_dict(self) -> dict:
        return vars(self) | {
            "contributions": [dict(vars(item)) for item in self.contributions],
            "missing_scales": list(self.missing_scales),
        }


def explain_band(
    z: Mapping[str, float | None],
    weights: Mapping[str, float],
    bands: Sequence[Sequence],
) -> BandExplanation:
    """Break one composite into ``w_i * z_i`` terms and place it among the cuts.

    ``z`` maps scale keys to z scores (``None`` or NaN for missing); only the
    scales in ``weights`` count. The composite follows ``composite_score``: it is
    missing when any weighted scale is. The nearest cut is the finite lower
    bound closest to the composite, whichever side it lies on.
    """
    keys = list(weights)
    z_vector = np.array(
        [math.nan if z.get(key) is None else float(z[key]) for key in keys]
    )
    composite = float(composite_score(z_vector, [weights[key] for key in keys]))
    return explanation_for(z, weights, bands, composite)


def _distance(composite: float, cut: float) -> float:
    """``composite - cut``, 0 on the cut (within the band rule's tolerance)."""
    distance = composite - cut
    return 0.0 if abs(distance) < BOUNDARY_EPS else distance


def explanation_for(
    z: Mapping[str, float | None],
    weights: Mapping[str, float],
    bands: Sequence[Sequence],
    composite: float | None,
) -> BandExplanation:
    """``explain_band`` for a composite already computed (e.g. by the engine)."""
    bands = check_bands(bands)
    if composite is not None and math.isnan(composite):
        composite = None
    contributions = []
    for key, weight in weights.items():
        value = z.get(key)
        if value is None or math.isnan(value):
            contributions.append(Contribution(key, float(weight), None, None))
        else:
            contributions.append(
                Contribution(key, float(weight), float(value), float(weight * value))
            )
    contributions.sort(
        key=lambda item: (
            item.contribution is None,
            -abs(item.contribution or 0.0),
            item.scale,
        )
    )
    nearest = None
    if composite is not None:
        finite = [band for band in bands if math.isfinite(band[0])]
        if finite:
            nearest = min(finite, key=lambda band: abs(composite - band[0]))
    return BandExplanation(
        composite=composite,
        band=None if composite is None else band_label(composite, bands),
        contributions=tuple(contributions),
        missing_scales=tuple(
            item.scale for item in contributions if item.z is None and item.weight != 0
        ),
        nearest_cut=None if nearest is None else nearest[0],
        nearest_cut_label=None if nearest is None else nearest[1],
        distance_to_cut=None if nearest is None else _distance(composite, nearest[0]),
    )
