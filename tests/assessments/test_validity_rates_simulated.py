""" "Far above" on simulated samples whose carelessness is known: rarely on
attentive ones, mostly on samples with careless respondents mixed in, never
on samples too small to judge."""

import numpy as np
import pytest

from assessments.definitions import definition_load, item_model
from assessments.scoring.simulation import (
    MEASURES,
    group_outcome,
    simulate_and_score,
)
from assessments.validity_rates import FAR_ABOVE_MIN_N, flag_rate

STARTER = "assessments/instruments/sales-drive.yaml"


@pytest.fixture(scope="module")
def pools():
    """Flags of simulated attentive and random respondents of the starter, and
    the attentive rates of an independent simulation as the expectation."""
    model = item_model(definition_load(STARTER))
    rng = np.random.default_rng(20261205)

    def flags(group, n):
        batch = simulate_and_score(model, group, n, rng, items_per_page=8)
        status = np.asarray(batch.validity.status)
        columns = {name: index.flag for name, index in batch.validity.indices.items()}
        columns["questionable"] = status == "questionable"
        columns["invalid"] = status == "invalid"
        columns["not_valid"] = status != "valid"
        return np.column_stack([np.asarray(columns[m], bool) for m in MEASURES])

    expectation = group_outcome(
        "attentive", simulate_and_score(model, "attentive", 4000, rng, items_per_page=8)
    )
    expected = {
        m: (expectation.share(m), *expectation.interval(m), m != "even_odd")
        for m in MEASURES
    }
    return flags("attentive", 6000), flags("random", 1500), expected


def _pages_marked(pools, n, random_share, samples=300, seed=1):
    attentive, random, expected = pools
    rng = np.random.default_rng(seed)
    any_row = not_valid = 0
    for _ in range(samples):
        careless = rng.binomial(n, random_share)
        sample = np.vstack(
            [
                attentive[rng.integers(0, len(attentive), n - careless)],
                random[rng.integers(0, len(random), careless)],
            ]
        )
        counts = sample.sum(axis=0)
        marked = [
            flag_rate(m, int(counts[j]), n, expected[m]).far_above
            for j, m in enumerate(MEASURES)
        ]
        any_row += any(marked)
        not_valid += marked[MEASURES.index("not_valid")]
    return any_row / samples, not_valid / samples


@pytest.mark.parametrize("n", [1, 5, 10, FAR_ABOVE_MIN_N - 1])
def test_it_never_marks_a_sample_too_small_to_judge(pools, n):
    # A quarter random responders: the rates are high, but N is too small.
    assert _pages_marked(pools, n, 0.25) == (0.0, 0.0)


@pytest.mark.parametrize("n", [FAR_ABOVE_MIN_N, 100, 400])
def test_it_rarely_marks_attentive_samples(pools, n):
    any_row, _ = _pages_marked(pools, n, 0.0)
    assert any_row <= 0.02


def test_it_marks_most_samples_with_careless_respondents(pools):
    any_row, not_valid = _pages_marked(pools, 100, 0.10)
    assert any_row >= 0.95
    any_row, not_valid = _pages_marked(pools, 100, 0.20)
    assert not_valid >= 0.95
