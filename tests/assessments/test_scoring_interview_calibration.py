"""Interviewer leniency and practice-case distances, against hand-computed values."""

import math

import numpy as np
import pytest
from scipy import stats

from assessments.scoring import practice_distance, rater_leniency

NA = math.nan


def test_it_measures_leniency_against_the_panel_mean_per_interview():
    # Two interviews, two competencies each, raters 0 and 1 on both panels.
    # Interview 1: (5,3), (4,4) -> rater 0 deviations +1, 0 -> mean +0.5
    # Interview 2: (4,2), (NA,3) -> rater 0: +1 on the shared unit only -> +1
    table = [[5, 3], [4, 4], [4, 2], [NA, 3]]
    lenient, severe = rater_leniency(table, [1, 1, 2, 2], min_interviews=2)
    assert lenient.n == 2
    assert lenient.mean == pytest.approx(0.75)
    assert severe.mean == pytest.approx(-0.75)
    half = stats.t.ppf(0.975, 1) * np.std([0.5, 1.0], ddof=1) / math.sqrt(2)
    assert lenient.low == pytest.approx(0.75 - half)
    assert lenient.high == pytest.approx(0.75 + half)


def test_it_says_not_yet_estimable_below_the_minimum_number_of_interviews():
    table = [[5, 3], [4, 2]]
    (rater, _other) = rater_leniency(table, [1, 2])
    assert rater.n == 2
    assert not rater.estimable
    assert rater.mean is None
    assert rater.observed_mean == pytest.approx(1.0)


def test_it_leaves_out_units_nobody_else_rated():
    table = [[5, NA, NA], [NA, 2, NA]]
    results = rater_leniency(table, [1, 2], min_interviews=1)
    assert [r.n for r in results] == [0, 0, 0]


def test_it_measures_the_distance_from_agreed_practice_ratings():
    distance = practice_distance([5, 3, NA, 1], [3, 3, 4, 2])
    assert distance.differences == (2.0, 0.0, None, -1.0)
    assert distance.mean_absolute == pytest.approx(1.0)
    assert (distance.within_one, distance.compared) == (2, 3)
