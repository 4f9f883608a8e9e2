"""The order in which a candidate is shown the items of a questionnaire."""

import numpy as np


def presentation_permutations(seeds, n_items: int) -> np.ndarray:
    """N x k matrix: row i lists item positions in the order invitation i shows them.

    Each item gets a pseudo-random key, SplitMix64 (Steele, Lea & Flood 2014) of
    ``seed * k + position``, and items are shown by ascending key: a uniformly
    shuffled order that is the same on every resume, differs between candidates,
    and is computed for many invitations in one numpy pass (bulk rescoring needs
    it for the long-string index) as for one.
    """
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1, 1)
    with np.errstate(over="ignore"):
        x = seeds * np.uint64(n_items) + np.arange(n_items, dtype=np.uint64)
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return np.argsort(x, axis=1, kind="stable")
