"""A batch of engine results as the JSON text of the stored rows.

``result_records(batch)`` gives, for every row of a ``BatchResult``, exactly what
``batch.row(i).to_dict()`` holds, without building a ``SubmissionResult`` per
row: each field is converted from its numpy column once per batch
(``tolist()``), the rows are assembled from those lists, and orjson writes the
JSON (NaN as ``null``, ``-0.0`` kept, ``4.0`` apart from ``4``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import orjson

from assessments.scoring import BatchResult
from assessments.scoring.standard import BOUNDARY_EPS

# The order of ``ScaleResult``'s fields, which ``to_dict`` keeps.
SCALE_FIELDS = (
    "raw_mean",
    "prorated_sum",
    "n_answered",
    "n_items",
    "missing",
    "z",
    "t",
    "t_low",
    "t_high",
    "percentile",
    "percentile_method",
    "sten",
    "stanine",
    "sem",
    "reliability",
    "reliability_source",
    "norm_source",
)


@dataclass(frozen=True)
class ResultRecords:
    """Stored fields of every row of a batch, the JSON fields as JSON text.

    ``scales``, ``validity`` and ``explanation`` decode to exactly what
    ``batch.row(i).to_dict()`` holds (the explanation as ``{}`` when there is
    none).
    """

    scales: list[str]
    validity: list[str]
    explanation: list[str]
    validity_status: list[str]
    composite: list[float | None]
    band: list[str]


def _plain(values) -> list:
    """A per-row array as Python values typed like the engine's ``_plain``:
    bools, ints, or floats (NaN, which orjson writes as ``null``)."""
    values = np.asarray(values)
    if values.dtype == bool or np.issubdtype(values.dtype, np.integer):
        return values.tolist()
    return values.astype(np.float64).tolist()


def _ints(values) -> list[int | None]:
    """``int(value)`` per row, ``None`` for NaN (the engine's ``_plain_int``)."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.integer):
        return values.tolist()
    missing = np.isnan(values)
    ints = np.where(missing, 0, values).astype(np.int64).tolist()
    for i in np.flatnonzero(missing).tolist():
        ints[i] = None
    return ints


def _dumps(rows) -> list[str]:
    return [orjson.dumps(row).decode() for row in rows]


def _scales(batch: BatchResult) -> list[str]:
    per_scale = []
    for j in range(len(batch.scale_keys)):
        columns = (
            _plain(batch.raw_mean[:, j]),
            _plain(batch.prorated_sum[:, j]),
            _ints(batch.n_answered[:, j]),
            repeat(int(batch.n_items[j])),
            np.asarray(batch.missing[:, j], dtype=bool).tolist(),
            _plain(batch.z[:, j]),
            _plain(batch.t[:, j]),
            _plain(batch.t_low[:, j]),
            _plain(batch.t_high[:, j]),
            _plain(batch.percentile[:, j]),
            repeat(batch.percentile_method[j]),
            _ints(batch.sten[:, j]),
            _ints(batch.stanine[:, j]),
            repeat(float(batch.sem[j])),
            repeat(float(batch.reliability[j])),
            repeat(batch.reliability_source[j]),
            repeat(batch.norm_source[j]),
        )
        per_scale.append(
            [
                dict(zip(SCALE_FIELDS, values, strict=True))
                for values in zip(*columns, strict=False)
            ]
        )
    keys = batch.scale_keys
    return _dumps(
        dict(zip(keys, row, strict=True)) for row in zip(*per_scale, strict=True)
    )


def _validity(batch: BatchResult) -> list[str]:
    names, per_index = [], []
    for name, index in batch.validity.indices.items():
        labels = ("value", "flag", *index.extra)
        columns = (
            _plain(index.value),
            np.asarray(index.flag, dtype=bool).tolist(),
            *(_plain(values) for values in index.extra.values()),
        )
        names.append(name)
        per_index.append(
            [
                dict(zip(labels, values, strict=True))
                for values in zip(*columns, strict=True)
            ]
        )
    if not names:
        return ["{}"] * len(batch)
    return _dumps(
        dict(zip(names, row, strict=True)) for row in zip(*per_index, strict=True)
    )


def _explanations(batch: BatchResult) -> list[str]:
    """``explanation_for`` (engine.composite) for every row at once."""
    rows = len(batch)
    if batch.weights is None:
        return ["{}"] * rows
    keys = list(batch.weights)
    weights = np.array([float(batch.weights[key]) for key in keys])
    z = batch.z[:, [batch.scale_column(key) for key in keys]]
    missing = np.isnan(z)
    contribution = weights * z
    # Largest absolute contribution first, missing ones last, ties by scale key.
    name_rank = np.argsort(np.argsort(np.array(keys, dtype=object), kind="stable"))
    order = np.lexsort(
        (
            np.broadcast_to(name_rank, z.shape),
            np.where(missing, 0.0, -np.abs(np.where(missing, 0.0, contribution))),
            missing.astype(np.int8),
        ),
        axis=-1,
    )
    everyone = np.arange(rows)
    composite = np.asarray(batch.composite, dtype=float)
    labels = [label for _, label in batch.bands]
    band = np.where(np.isnan(composite), -1, batch.band_index)
    band_label = [None if b < 0 else labels[b] for b in band.tolist()]
    finite = [(bound, label) for bound, label in batch.bands if math.isfinite(bound)]
    if finite:
        bounds = np.array([bound for bound, _ in finite])
        nearest = np.argmin(np.abs(composite[:, None] - bounds[None, :]), axis=1)
        nearest = np.where(np.isnan(composite), len(finite), nearest)
        cut_of = [float(bound) for bound, _ in finite] + [None]
        label_of = [label for _, label in finite] + [None]
        nearest_cut = [cut_of[i] for i in nearest.tolist()]
        nearest_label = [label_of[i] for i in nearest.tolist()]
        away = composite - np.append(bounds, np.nan)[nearest]
        # On the cut within the band rule's tolerance: 0, as explanation_for says.
        distance = np.where(np.abs(away) < BOUNDARY_EPS, 0.0, away).tolist()
    else:
        nearest_cut = nearest_label = [None] * rows
        distance = [None] * rows
    counted = missing & (weights != 0)
    missing_scales = [[] for _ in range(rows)]
    for i in np.flatnonzero(counted.any(axis=1)).tolist():
        missing_scales[i] = [keys[j] for j in order[i] if counted[i, j]]
    slots = []
    for slot in range(len(keys)):
        chosen = order[:, slot]
        slot_z = z[everyone, chosen]
        slot_missing = np.isnan(slot_z).tolist()
        columns = zip(
            [keys[j] for j in chosen.tolist()],
            weights[chosen].tolist(),
            slot_z.tolist(),
            contribution[everyone, chosen].tolist(),
            strict=True,
        )
        slots.append(
            [
                {
                    "scale": scale,
                    "weight": weight,
                    "z": None if gone else value,
                    "contribution": None if gone else part,
                }
                for (scale, weight, value, part), gone in zip(
                    columns, slot_missing, strict=True
                )
            ]
        )
    return _dumps(
        {
            "composite": value,
            "band": label,
            "contributions": list(contributions),
            "missing_scales": gone,
            "nearest_cut": cut,
            "nearest_cut_label": cut_label,
            "distance_to_cut": away,
        }
        for value, label, contributions, gone, cut, cut_label, away in zip(
            composite.tolist(),
            band_label,
            zip(*slots, strict=True) if slots else repeat(()),
            missing_scales,
            nearest_cut,
            nearest_label,
            distance,
            strict=False,
        )
    )


def result_records(batch: BatchResult) -> ResultRecords:
    """The stored form of every row of ``batch`` (see ``ResultRecords``)."""
    labels = np.array([label for _, label in batch.bands] + [""], dtype=object)
    composite = np.asarray(batch.composite, dtype=float)
    return ResultRecords(
        scales=_scales(batch),
        validity=_validity(batch),
        explanation=_explanations(batch),
        validity_status=np.asarray(batch.validity.status).astype(str).tolist(),
        composite=np.where(np.isnan(composite), None, composite).tolist(),
        band=labels[batch.band_index].tolist(),
    )
