"""Stored results side by side under the SED rule."""

import math

import pytest

from assessments.results.store import results_compute_and_store
from assessments.statistics.comparison import results_compare
from tests.factories import submissions_create


def test_it_compares_stored_results(instrument_version):
    stored = results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 6, seed=3)
    )

    standings = results_compare(stored)

    assert {s.key for s in standings} == set(stored)
    weights = {"self_discipline": 0.25, "achievement_drive": 0.2}
    weights |= {"coachability": 0.2, "resilience_to_rejection": 0.2}
    weights |= {"negativity_blame": -0.15}
    expected = math.sqrt(
        sum((w * 10 * math.sqrt(0.2) / 10) ** 2 for w in weights.values())
    )
    assert all(s.sem == pytest.approx(expected) for s in standings)
    composites = [s.composite for s in standings]
    assert composites == sorted(composites, reverse=True)
