import numpy as np
import pytest

from assessments.scoring import (
    ScoringInputError,
    confidence_band,
    indistinguishable,
    indistinguishable_pairs,
    sed,
    sem,
)


def test_it_computes_sem_4_for_sd_10_and_reliability_84():
    assert sem(10, 0.84) == pytest.approx(4.0, abs=1e-3)


def test_it_draws_the_95_band_around_t_62():
    low, high = confidence_band(62, sem(10, 0.84))
    assert low == pytest.approx(54.16, abs=1e-3)
    assert high == pytest.approx(69.84, abs=1e-3)


def test_it_computes_the_standard_error_of_a_difference():
    assert sed(4.0) == pytest.approx(5.657, abs=1e-3)
    assert 1.96 * sed(4.0) == pytest.approx(11.09, abs=1e-2)
    assert sed(3.0, 4.0) == pytest.approx(5.0)


def test_it_does_not_distinguish_candidates_closer_than_11_09_t_points():
    assert indistinguishable(62, 51.0, sed(4.0))
    assert not indistinguishable(62, 50.0, sed(4.0))


def test_it_lists_the_pairs_that_cannot_be_told_apart():
    pairs = indistinguishable_pairs([62, 55, 40, 70], sed(4.0))
    assert pairs == [(0, 1), (0, 3)]


def test_it_accepts_pairwise_seds():
    sems = np.array([4.0, 1.0, 1.0])
    pairs = indistinguishable_pairs([50, 54, 57], sed(sems[:, None], sems[None, :]))
    assert pairs == [(0, 1), (0, 2)]


def test_it_rejects_a_reliability_outside_0_1():
    with pytest.raises(ScoringInputError, match="reliability"):
        sem(10, 1.2)
