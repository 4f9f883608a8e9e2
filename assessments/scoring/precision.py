"""Precision of a score: SEM, confidence bands, SED (SCORING.md section 3)."""

import numpy as np

from .errors import ScoringInputError


def sem(sd, reliability) -> np.ndarray:
    """Standard error of measurement, ``SEM = SD * sqrt(1 - r_xx)``.

    Classical test theory (Gulliksen 1950; Lord & Novick 1968). ``reliability``
    must lie in [0, 1]; pass the SD of the metric the band is drawn in (10 for
    T scores).
    """
    r = np.asarray(reliability, dtype=float)
    if np.any((r < 0) | (r > 1)):
        raise ScoringInputError(f"reliability must be in [0, 1], got {reliability!r}")
    return np.asarray(sd, dtype=float) * np.sqrt(1.0 - r)


def confidence_band(score, sem_value, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Band ``score +/- z * SEM`` (95 % with the default z = 1.96).

    Centred on the observed score, not on the regressed true-score estimate
    (both are in use; see Harvill 1991); SCORING.md uses the observed score.
    """
    score = np.asarray(score, dtype=float)
    half = z * np.asarray(sem_value, dtype=float)
    return score - half, score + half


def sed(sem_a, sem_b=None) -> np.ndarray:
    """Standard error of a difference, ``SED = sqrt(SEM_a^2 + SEM_b^2)``.

    With one SEM for both scores this is ``sqrt(2) * SEM`` (Lord & Novick 1968).
    """
    sem_a = np.asarray(sem_a, dtype=float)
    sem_b = sem_a if sem_b is None else np.asarray(sem_b, dtype=float)
    return np.sqrt(sem_a**2 + sem_b**2)


def indistinguishable(a, b, sed_value, z: float = 1.96) -> np.ndarray:
    """True where two scores differ by less than ``z * SED``.

    Such scores must be reported as not distinguishable at 95 %, not ranked.
    NaN scores compare False.
    """
    diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    return diff < z * np.asarray(sed_value, dtype=float)


def indistinguishable_pairs(
    scores, sed_value, z: float = 1.96
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, i < j, of scores closer than ``z * SED``.

    ``sed_value`` is one SED for all pairs or an n x n matrix of pairwise SEDs
    (e.g. ``sed(sem[:, None], sem[None, :])``). Meant for a shortlist shown side
    by side, hence the n x n comparison.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1:
        raise ScoringInputError("scores must be one-dimensional")
    close = indistinguishable(scores[:, None], scores[None, :], sed_value, z)
    rows, columns = np.nonzero(np.triu(close, k=1))
    return [(int(i), int(j)) for i, j in zip(rows, columns, strict=True)]
