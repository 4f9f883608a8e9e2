"""Standard scores against a norm group (SCORING.md section 2).

All functions take scalars or arrays, broadcast, and propagate NaN: a missing raw
score gives a missing standard score. Sten and stanine come back as floats so
that NaN can mark a missing score.
"""

import numpy as np
from scipy.special import ndtr

# Scores within this distance below a boundary (a sten, a stanine, a cut score
# of the fit bands) are put in the upper band, so that rounding in (x - mu) / sd
# or in a weighted sum cannot drop a score that lies exactly on a boundary.
BOUNDARY_EPS = 1e-9


def z_score(x, mean, sd) -> np.ndarray:
    """``z = (x - mu) / sigma`` against a norm group's mean and SD."""
    return (np.asarray(x, dtype=float) - mean) / sd


def t_score(z) -> np.ndarray:
    """McCall's T score, ``T = 50 + 10 z`` (McCall 1922)."""
    return 50.0 + 10.0 * np.asarray(z, dtype=float)


def sten(z) -> np.ndarray:
    """Standard ten, ``clip(floor(2 z + 6), 1, 10)`` (Canfield 1951)."""
    return np.clip(
        np.floor(2.0 * np.asarray(z, dtype=float) + 6.0 + BOUNDARY_EPS), 1, 10
    )


def stanine(z) -> np.ndarray:
    """Standard nine, ``clip(floor(2 z + 5.5), 1, 9)`` (US Army Air Forces, 1940s)."""
    return np.clip(
        np.floor(2.0 * np.asarray(z, dtype=float) + 5.5 + BOUNDARY_EPS), 1, 9
    )


def normal_percentile(z) -> np.ndarray:
    """Percentile under a normal norm distribution, ``100 * Phi(z)``."""
    return 100.0 * ndtr(np.asarray(z, dtype=float))


def empirical_percentile(x, sample) -> np.ndarray:
    """Percentile rank of ``x`` in a stored norm sample, ``100 (B + E/2) / N``.

    B = sample values below x, E = values equal to x, N = sample size: the
    "mean" (mid-rank) convention for ties (Crocker & Algina 1986), not the
    "weak" (B + E) or "strict" (B) ones.
    """
    ordered = np.sort(np.asarray(sample, dtype=float))
    x = np.asarray(x, dtype=float)
    below = np.searchsorted(ordered, x, side="left")
    ties = np.searchsorted(ordered, x, side="right") - below
    rank = 100.0 * (below + 0.5 * ties) / ordered.size
    return np.where(np.isnan(x), np.nan, rank)
