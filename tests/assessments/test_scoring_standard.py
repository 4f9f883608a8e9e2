import math

import numpy as np
import pytest

from assessments.scoring import (
    empirical_percentile,
    normal_percentile,
    stanine,
    sten,
    t_score,
    z_score,
)

NORM_SAMPLE = [2.8, 3.0, 3.1, 3.4, 3.4, 3.6, 3.9, 4.0, 4.2, 4.5]


def test_it_converts_62_against_mean_50_sd_10():
    z = z_score(62, 50, 10)
    assert z == pytest.approx(1.2, abs=1e-3)
    assert t_score(z) == pytest.approx(62, abs=1e-3)
    assert sten(z) == 8
    assert stanine(z) == 7
    assert normal_percentile(z) == pytest.approx(88.49, abs=1e-2)


def test_it_ranks_3_4_at_40_in_the_norm_sample_with_the_mean_convention():
    assert empirical_percentile(3.4, NORM_SAMPLE) == pytest.approx(40.0, abs=1e-3)


def test_it_ranks_below_and_above_the_whole_sample():
    np.testing.assert_allclose(empirical_percentile([1.0, 5.0], NORM_SAMPLE), [0, 100])


def test_it_clips_sten_and_stanine_at_the_ends():
    np.testing.assert_array_equal(sten([-9, 9]), [1, 10])
    np.testing.assert_array_equal(stanine([-9, 9]), [1, 9])


def test_it_puts_a_z_on_a_band_boundary_in_the_upper_band():
    assert sten(0.0) == 6
    assert stanine(0.25) == 6


def test_it_propagates_missing_scores():
    for convert in (t_score, sten, stanine, normal_percentile):
        assert math.isnan(convert(math.nan))
    assert math.isnan(empirical_percentile(math.nan, NORM_SAMPLE))
    assert math.isnan(z_score(math.nan, 3.0, 1.0))


def test_it_works_on_whole_matrices():
    z = z_score(np.array([[3.0, 4.0], [2.0, np.nan]]), 3.0, 0.5)
    np.testing.assert_allclose(z, [[0, 2], [-2, np.nan]])
    np.testing.assert_allclose(sten(z), [[6, 10], [2, np.nan]])
