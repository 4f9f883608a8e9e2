"""Reliability across interviews: SCORING.md section 7, krippendorff and pingouin."""

import math

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessments.scoring import (
    ScoringInputError,
    balanced_table,
    icc_two_way,
    krippendorff_alpha_interval,
)

EXAMPLE = np.array([[4, 4, 5], [2, 3, 3], [5, 5, 5], [1, 2, 2]], dtype=float)


def test_it_computes_the_mean_squares_of_the_worked_example():
    icc = icc_two_way(EXAMPLE)
    assert (icc.n, icc.k) == (4, 3)
    assert icc.msr == pytest.approx(6.9722, abs=1e-3)
    assert icc.msc == pytest.approx(0.5833, abs=1e-3)
    assert icc.mse == pytest.approx(0.1389, abs=1e-3)
    assert icc.msw == pytest.approx(0.25, abs=1e-3)


def test_it_computes_the_six_iccs_of_the_worked_example():
    icc = icc_two_way(EXAMPLE)
    assert icc.icc_1_1 == pytest.approx(0.8996, abs=1e-3)
    assert icc.icc_a_1 == pytest.approx(0.9011, abs=1e-3)
    assert icc.icc_c_1 == pytest.approx(0.9425, abs=1e-3)
    assert icc.icc_1_k == pytest.approx(0.9641, abs=1e-3)
    assert icc.icc_a_k == pytest.approx(0.9647, abs=1e-3)
    assert icc.icc_c_k == pytest.approx(0.9801, abs=1e-3)


def _pingouin(table: np.ndarray) -> pd.DataFrame:
    n, k = table.shape
    long = pd.DataFrame(
        [(i, j, table[i, j]) for i in range(n) for j in range(k)],
        columns=["target", "rater", "rating"],
    )
    return pingouin.intraclass_corr(
        long, targets="target", raters="rater", ratings="rating"
    ).set_index("Type")


def test_it_agrees_with_pingouin_on_icc_a_1_and_its_interval():
    rng = np.random.default_rng(7)
    table = np.clip(
        np.round(rng.normal(3, 1, (12, 1)) + rng.normal(0, 0.7, (12, 4))), 1, 5
    )
    ours = icc_two_way(table)
    theirs = _pingouin(table)
    assert ours.icc_a_1 == pytest.approx(theirs.loc["ICC(A,1)", "ICC"], abs=1e-9)
    assert ours.icc_c_1 == pytest.approx(theirs.loc["ICC(C,1)", "ICC"], abs=1e-9)
    assert ours.icc_1_1 == pytest.approx(theirs.loc["ICC(1,1)", "ICC"], abs=1e-9)
    assert ours.icc_a_k == pytest.approx(theirs.loc["ICC(A,k)", "ICC"], abs=1e-9)
    # pingouin rounds its interval to two decimals.
    low, high = theirs.loc["ICC(A,1)", "CI95"]
    assert ours.icc_a_1_low == pytest.approx(low, abs=0.006)
    assert ours.icc_a_1_high == pytest.approx(high, abs=0.006)


def test_it_refuses_an_icc_table_with_missing_cells():
    with pytest.raises(ScoringInputError, match="complete table"):
        icc_two_way([[1, 2], [3, math.nan]])


def test_it_matches_a_hand_computed_krippendorff_alpha():
    # Units (1,3), (2,2), (4,5,NaN): n = 6 pairable values, mean 17/6.
    # D_o = (2/6) * (2*2/1 + 0 + 2*0.5/1) = 5/3; SS = 10.8333, D_e = 2 SS / 5 = 4.3333
    table = [[1, 3, math.nan], [2, 2, math.nan], [4, 5, math.nan]]
    assert krippendorff_alpha_interval(table) == pytest.approx(
        1 - (5 / 3) / (2 * 10.833333 / 5), abs=1e-6
    )


def test_it_ignores_units_rated_once():
    with_single = [[1, 3], [2, 2], [4, 5], [5, math.nan]]
    assert krippendorff_alpha_interval(with_single) == pytest.approx(
        krippendorff_alpha_interval([[1, 3], [2, 2], [4, 5]])
    )


def test_it_has_no_alpha_without_variation():
    assert math.isnan(krippendorff_alpha_interval([[3, 3], [3, 3]]))


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        float,
        st.tuples(st.integers(3, 15), st.integers(2, 5)),
        elements=st.one_of(st.integers(1, 5).map(float), st.just(math.nan)),
    )
)
def test_it_agrees_with_the_krippendorff_package(table):
    ours = krippendorff_alpha_interval(table)
    pairable = (~np.isnan(table)).sum(axis=1) >= 2
    values = table[pairable][~np.isnan(table[pairable])]
    if values.size < 2 or np.all(values == values[0]):
        assert math.isnan(ours)
        return
    theirs = krippendorff.alpha(
        reliability_data=table.T, level_of_measurement="interval"
    )
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_it_finds_the_largest_balanced_block_for_icc():
    nan = math.nan
    table = np.array(
        [
            [4, 4, nan],
            [2, 3, nan],
            [5, nan, 5],
            [1, 2, nan],
            [3, nan, nan],
        ]
    )
    block, raters = balanced_table(table)
    assert raters == (0, 1)
    assert block.tolist() == [[4, 4], [2, 3], [1, 2]]


def test_the_icc_of_a_table_without_variance_is_not_estimable():
    result = icc_two_way(np.full((10, 2), 3.0))  # every rating alike

    for name in ("icc_1_1", "icc_a_1", "icc_c_1", "icc_1_k", "icc_a_k", "icc_c_k"):
        assert math.isnan(getattr(result, name)), name
    assert math.isnan(result.icc_a_1_low)
    assert math.isnan(result.icc_a_1_high)


def test_raters_who_never_vary_agree_on_nothing_and_crash_nothing():
    # One rater always gives 3, the other always 4: no target is told apart.
    result = icc_two_way(np.tile([3.0, 4.0], (10, 1)))

    assert result.icc_a_1 == 0.0
    assert result.icc_1_1 == pytest.approx(-1.0)  # as pingouin's ICC1
    assert math.isnan(result.icc_c_1)  # no residual variance to compare with
    assert math.isnan(result.icc_1_k)
    assert math.isnan(result.icc_a_1_low)


# 0.3 x 3 + 0.3 x 3 + 0.4 x 1 and 0.3 x 1 + 0.3 x 1 + 0.4 x 4: both 2.2, one
# bit apart as weighted interview scores.
LOW_BIT, TWO_POINT_TWO = (0.3 * 3 + 0.3 * 3 + 0.4 * 1), (0.3 * 1 + 0.3 * 1 + 0.4 * 4)


def test_equal_scores_that_differ_in_their_last_bit_do_not_vary():
    assert LOW_BIT != TWO_POINT_TWO
    assert abs(LOW_BIT - TWO_POINT_TWO) < 1e-15
    a, b = LOW_BIT, TWO_POINT_TWO
    table = np.array([[a, b], [b, b], [b, a], [b, b], [a, a]])

    result = icc_two_way(table)

    for name in ("icc_1_1", "icc_a_1", "icc_c_1", "icc_1_k", "icc_a_k", "icc_c_k"):
        assert math.isnan(getattr(result, name)), name
    assert math.isnan(krippendorff_alpha_interval(table))


def test_perfect_agreement_on_weighted_scores_is_one_without_an_interval():
    # Each candidate gets the same weighted score from both interviewers, as in
    # the integer case [[2, 2], [3, 3], [4, 4]]: ICC 1 and no error to build an
    # interval from, whatever the last bits of the scores.
    a, b = LOW_BIT, TWO_POINT_TWO
    rows = [[a, b], [3.4, 3.4], [b, a], [4.1, 4.1], [2.6, 2.6], [1.7, 1.7]]

    result = icc_two_way(np.array(rows))

    assert result.icc_a_1 == 1.0
    assert result.icc_c_1 == 1.0
    assert math.isnan(result.icc_a_1_low)
    assert math.isnan(result.icc_a_1_high)
    assert krippendorff_alpha_interval(rows) == pytest.approx(1.0, abs=1e-12)
