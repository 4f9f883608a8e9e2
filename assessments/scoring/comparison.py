"""Candidates side by side: composites that the SED rule cannot tell apart.

SCORING.md section 3: two scores differ at 95 % only when they are at least
``1.96 SED`` apart; reports must group such candidates instead of ranking them.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

SED_Z = 1.96


def composite_sem(
    scales: Mapping[str, Mapping], weights: Mapping[str, float]
) -> float | None:
    """SEM of a composite ``C = sum w_i z_i``: ``sqrt(sum (w_i SEM_i)^2)``.

    ``SEM_i`` is the scale's SEM on the z metric (the stored T-score SEM / 10);
    measurement errors of different scales are taken as independent, the
    classical assumption (Lord & Novick 1968, ch. 3). None when a weighted
    scale has no SEM.
    """
    total = 0.0
    for key, weight in weights.items():
        if not weight:
            continue
        sem_t = (scales.get(key) or {}).get("sem")
        if sem_t is None:
            return None
        total += (float(weight) * float(sem_t) / 10.0) ** 2
    return math.sqrt(total)


@dataclass(frozen=True)
class CompositeStanding:
    """One candidate among others; ``group`` 1 is the top group.

    Candidates in one group are not distinguishable at 95 % from the group's
    first member and must be shown together, not ranked apart.
    ``indistinguishable_from`` lists the keys of every candidate whose
    composite lies within ``1.96 SED`` of this one.
    """

    key: object
    composite: float
    sem: float
    group: int
    indistinguishable_from: tuple = ()


def composites_compare(
    entries: Iterable[tuple[object, float | None, float | None]], *, z: float = SED_Z
) -> list[CompositeStanding]:
    """Order candidates by composite and group those the SED rule cannot separate.

    ``entries`` are ``(key, composite, sem)``; entries without a composite or
    SEM are left out. Two composites differ at 95 % only when they are at least
    ``z * SED`` apart, ``SED = sqrt(SEM_a^2 + SEM_b^2)`` (SCORING.md section 3).
    Groups are bands fixed from the top (Cascio, Outtz, Zedeck & Goldstein
    1991): the highest composite not yet grouped opens a group, and everyone
    indistinguishable from it joins; the next one left opens the next group.
    """
    kept = sorted(
        (
            (key, float(composite), float(sem))
            for key, composite, sem in entries
            if composite is not None and sem is not None and math.isfinite(composite)
        ),
        key=lambda entry: -entry[1],
    )
    if not kept:
        return []
    composites = np.array([c for _, c, _ in kept])
    sems = np.array([s for _, _, s in kept])
    keys = np.empty(len(kept), dtype=object)
    for i, (key, _, _) in enumerate(kept):
        keys[i] = key
    close = _indistinguishable_by_row(composites, sems, z)
    groups = np.zeros(len(kept), dtype=int)
    group = 0
    for leader in range(len(kept)):
        if groups[leader]:
            continue
        group += 1
        groups[leader] = group
        others = close[leader][close[leader] > leader]
        groups[others[groups[others] == 0]] = group
    return [
        CompositeStanding(
            key=key,
            composite=composite,
            sem=sem,
            group=int(groups[i]),
            indistinguishable_from=tuple(keys[close[i]]),
        )
        for i, (key, composite, sem) in enumerate(kept)
    ]


def _indistinguishable_by_row(
    composites: np.ndarray, sems: np.ndarray, z: float
) -> list[np.ndarray]:
    """For each composite (sorted highest first), the ascending indices of the
    others closer than ``z * SED`` to it.

    The same test as ``precision.indistinguishable_pairs``, one row at a time
    and only over the composites within reach (``z * sqrt(SEM_i^2 + max SEM^2)``),
    so a job with thousands of results needs no n x n matrix.
    """
    n = len(composites)
    with np.errstate(invalid="ignore"):
        widest = np.nan if np.isnan(sems).all() else np.nanmax(sems)
        reach = z * np.sqrt(sems**2 + widest**2)
        # A little slack: the window only preselects, the exact test is below.
        reach = reach * (1 + 1e-9) + 1e-12
    ascending = -composites
    low = np.searchsorted(ascending, ascending - reach, side="left")
    high = np.searchsorted(ascending, ascending + reach, side="right")
    rows = []
    for i in range(n):
        start, stop = int(low[i]), int(high[i])
        if not stop > start:
            rows.append(np.empty(0, dtype=int))
            continue
        with np.errstate(invalid="ignore"):
            near = np.abs(composites[i] - composites[start:stop]) < z * np.sqrt(
                sems[i] ** 2 + sems[start:stop] ** 2
            )
        near[i - start : i - start + 1] = False
        rows.append(np.flatnonzero(near) + start)
    return rows
