"""The SED rule over a job's thousands of results: the same standings as the
pairwise definition, without an n x n matrix."""

import tracemalloc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.comparison import composites_compare
from assessments.scoring.precision import indistinguishable_pairs, sed


def by_definition(entries, z=1.96):
    """Groups and peers straight from ``indistinguishable_pairs`` on every pair."""
    kept = sorted(
        ((k, float(c), float(s)) for k, c, s in entries if c is not None),
        key=lambda e: -e[1],
    )
    composites = np.array([c for _, c, _ in kept])
    sems = np.array([s for _, _, s in kept])
    close = {i: [] for i in range(len(kept))}
    pairs = indistinguishable_pairs(composites, sed(sems[:, None], sems[None, :]), z)
    for i, j in pairs:
        close[i].append(j)
        close[j].append(i)
    groups = [0] * len(kept)
    group = 0
    for leader in range(len(kept)):
        if groups[leader]:
            continue
        group += 1
        groups[leader] = group
        for other in close[leader]:
            if other > leader and not groups[other]:
                groups[other] = group
    return [
        (kept[i][0], groups[i], tuple(kept[j][0] for j in sorted(close[i])))
        for i in range(len(kept))
    ]


entry = st.tuples(
    st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 2)),
    st.one_of(st.floats(0.01, 1.0), st.just(float("nan")), st.just(float("inf"))),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(entry, max_size=40))
def test_it_groups_as_the_pairwise_definition_does(values):
    entries = [(f"c{i}", c, s) for i, (c, s) in enumerate(values)]

    standings = composites_compare(entries)

    assert [
        (s.key, s.group, s.indistinguishable_from) for s in standings
    ] == by_definition(entries)


def test_it_compares_thousands_of_results_without_an_n_by_n_matrix():
    rng = np.random.default_rng(3)
    n = 4000
    entries = list(
        zip(range(n), rng.normal(0, 10, n), rng.uniform(0.3, 0.5, n), strict=True)
    )

    tracemalloc.start()
    try:
        standings = composites_compare(entries)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(standings) == n
    assert standings[0].group == 1
    # Each has a few dozen peers (composites spread over +-30, SED under .71);
    # one 4000 x 4000 matrix of floats alone would be 128 MB.
    assert peak < 40 * 1024 * 1024
