"""Interview aggregation against SCORING.md section 7 and hand-computed values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessments.scoring import (
    ScoringInputError,
    aggregate_batch,
    aggregate_interview,
    rwg,
)
from assessments.scoring.interviews import completion_state

NA = math.nan


def test_it_gives_r_wg_0_833_for_ratings_4_4_5():
    assert rwg([4, 4, 5]) == pytest.approx(0.8333, abs=1e-3)


def test_it_truncates_r_wg_to_0_for_ratings_2_3_5():
    assert rwg([2, 3, 5]) == 0.0


def test_it_has_no_r_wg_below_two_ratings():
    assert math.isnan(rwg([4, NA, NA]))


def test_it_flags_the_2_3_5_competency_and_not_the_4_4_5_one():
    aggregate = aggregate_interview(
        [[4, 2], [4, 3], [5, 5]], keys=["a", "b"], weights=[1, 1], panel_size=3
    )
    first, second = aggregate.competencies
    assert first.flags == ()
    assert first.r_wg == pytest.approx(0.8333, abs=1e-3)
    assert second.flags == ("low_agreement", "wide_range")
    assert second.variance == pytest.approx(2.3333, abs=1e-3)
    assert [c.key for c in aggregate.flagged] == ["b"]


def test_it_flags_a_range_of_two_points_even_when_r_wg_is_high():
    # (3, 4, 4, 4, 4, 5): s^2 = 2/5 = .4, r_wg = 1 - .4/2 = .8, but a range of 2
    aggregate = aggregate_interview(
        [[3], [4], [4], [4], [4], [5]], keys=["a"], weights=[1], panel_size=6
    )
    (only,) = aggregate.competencies
    assert only.r_wg == pytest.approx(1 - 0.4 / 2.0)
    assert only.flags == ("wide_range",)


def test_it_excludes_no_decision_from_the_competency_mean():
    aggregate = aggregate_interview(
        [[4, NA], [2, 3]], keys=["a", "b"], weights=[1, 1], panel_size=2
    )
    a, b = aggregate.competencies
    assert (a.mean, a.n) == (3.0, 2)
    assert (b.mean, b.n, b.r_wg) == (3.0, 1, None)


def test_it_weights_the_competency_means_by_the_rubric():
    # means 4.333, 3.333, 3.0 with weights 2, 1, 1 -> (8.667 + 3.333 + 3) / 4 = 3.75
    aggregate = aggregate_interview(
        [[4, 2, NA], [4, 3, 3], [5, 5, NA]],
        keys=["a", "b", "c"],
        weights=[2, 1, 1],
        panel_size=3,
    )
    assert aggregate.score == pytest.approx(3.75)
    assert aggregate.weight_covered == 1.0


def test_it_scores_over_the_rated_competencies_and_says_how_much_weight_is_left():
    aggregate = aggregate_interview(
        [[4, NA], [5, NA]], keys=["a", "b"], weights=[3, 1], panel_size=2
    )
    assert aggregate.score == pytest.approx(4.5)
    assert aggregate.weight_covered == pytest.approx(0.75)


def test_it_has_no_score_when_every_rating_is_no_decision():
    aggregate = aggregate_interview(
        [[NA, NA]], keys=["a", "b"], weights=[1, 1], panel_size=2
    )
    assert aggregate.score is None
    assert aggregate.weight_covered == 0.0


def test_it_aggregates_a_panel_with_no_scorecard_yet():
    aggregate = aggregate_interview(
        np.empty((0, 2)), keys=["a", "b"], weights=[1, 1], panel_size=2
    )
    assert aggregate.state == "awaiting"
    assert aggregate.score is None
    assert [c.n for c in aggregate.competencies] == [0, 0]


def test_it_states_completion_from_submitted_and_panel_size():
    assert completion_state(0, 3) == "awaiting"
    assert completion_state(2, 3) == "partial"
    assert completion_state(3, 3) == "complete"


def test_it_counts_the_overall_recommendations():
    aggregate = aggregate_interview(
        [[4], [2], [5]],
        keys=["a"],
        weights=[1],
        panel_size=3,
        recommendations=["yes", "no", "yes"],
    )
    assert aggregate.recommendations == {
        "definitely_not": 0,
        "no": 1,
        "yes": 2,
        "strong_yes": 0,
        "no_decision": 0,
    }
    assert aggregate.to_dict()["flagged"] == ["a"]


def test_it_orders_flagged_competencies_by_least_agreement_first():
    aggregate = aggregate_interview(
        [[1, 3, 2], [5, 5, 3]], keys=["a", "b", "c"], weights=[1, 1, 1], panel_size=2
    )
    # a: s^2 8 -> r_wg 0; b: s^2 2 -> r_wg 0 (range 2); c: s^2 .5 -> .75, no flag
    assert [c.key for c in aggregate.flagged] == ["a", "b"]


@pytest.mark.parametrize(
    ("ratings", "problem"),
    [([[0]], "rating 0"), ([[6]], "rating 6"), ([[2.5]], "rating 2.5")],
)
def test_it_refuses_ratings_off_the_scale(ratings, problem):
    with pytest.raises(ScoringInputError, match=problem):
        aggregate_interview(ratings, keys=["a"], weights=[1], panel_size=1)


def test_it_refuses_weights_that_do_not_match_the_competencies():
    with pytest.raises(ScoringInputError, match="expected 2 weights"):
        aggregate_interview([[3, 3]], keys=["a", "b"], weights=[1], panel_size=1)
    with pytest.raises(ScoringInputError, match="positive"):
        aggregate_interview([[3, 3]], keys=["a", "b"], weights=[1, 0], panel_size=1)


def test_it_refuses_an_unknown_recommendation():
    with pytest.raises(ScoringInputError, match="maybe"):
        aggregate_interview(
            [[3]], keys=["a"], weights=[1], panel_size=1, recommendations=["maybe"]
        )


ratings_arrays = arrays(
    float,
    st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4)),
    elements=st.one_of(st.integers(1, 5).map(float), st.just(NA)),
)


@settings(max_examples=40, deadline=None)
@given(ratings_arrays, st.data())
def test_it_aggregates_a_batch_as_it_aggregates_each_interview(ratings, data):
    n_competencies = ratings.shape[2]
    weights = data.draw(
        st.lists(st.floats(0.5, 3), min_size=n_competencies, max_size=n_competencies)
    )
    batch = aggregate_batch(ratings, weights)
    keys = [f"c{i}" for i in range(n_competencies)]
    for i, panel in enumerate(ratings):
        one = aggregate_interview(
            panel, keys=keys, weights=weights, panel_size=panel.shape[0]
        )
        expected = np.nan if one.score is None else one.score
        np.testing.assert_allclose(batch.score[i], expected)
        for c, competency in enumerate(one.competencies):
            mean = np.nan if competency.mean is None else competency.mean
            np.testing.assert_allclose(batch.mean[i, c], mean)
            assert bool(batch.low_agreement[i, c] or batch.wide_range[i, c]) == (
                competency.flagged
            )
