import math

import numpy as np
import pytest

from assessments.scoring import (
    InstrumentSpec,
    ItemSpec,
    ScaleSpec,
    ScoringInputError,
    apply_keys,
    reverse,
    scale_scores,
)

NAN = math.nan


def ten_item_spec() -> InstrumentSpec:
    items = tuple(ItemSpec(f"q{i}", "calm") for i in range(1, 11))
    return InstrumentSpec(1, 5, items, (ScaleSpec("calm"),))


def test_it_reverses_on_five_and_seven_point_scales():
    assert reverse(2, 1, 5) == 4
    assert reverse(2, 1, 7) == 6
    np.testing.assert_array_equal(reverse([1, 3, 5], 1, 5), [5, 3, 1])


def test_it_keeps_missing_answers_missing_when_reversing():
    assert math.isnan(reverse(NAN, 1, 5))


def test_it_reverses_only_the_reverse_keyed_columns():
    keyed = apply_keys([[1, 2, 5], [4, NAN, 2]], [1, -1, -1], 1, 5)
    np.testing.assert_array_equal(keyed, [[1, 4, 1], [4, NAN, 4]])


def test_it_scores_the_ten_item_example_with_two_missing():
    answers = [[4, 5, NAN, 4, 3, NAN, 5, 4, 4, 3]]
    scores = scale_scores(answers, ten_item_spec())
    assert scores.mean[0, 0] == pytest.approx(4.0, abs=1e-3)
    assert scores.prorated_sum[0, 0] == pytest.approx(40.0, abs=1e-3)
    assert scores.n_answered[0, 0] == 8
    assert not scores.missing[0, 0]


def test_it_marks_a_scale_with_seven_of_ten_answered_as_missing():
    answers = [[4, 5, NAN, 4, 3, NAN, 5, 4, NAN, 3]]
    scores = scale_scores(answers, ten_item_spec())
    assert scores.missing[0, 0]
    assert math.isnan(scores.mean[0, 0])
    assert math.isnan(scores.prorated_sum[0, 0])
    assert scores.n_answered[0, 0] == 7


def test_it_reverses_before_averaging():
    spec = InstrumentSpec(
        1,
        5,
        (ItemSpec("a", "s"), ItemSpec("b", "s", keyed=-1)),
        (ScaleSpec("s"),),
    )
    scores = scale_scores([[5, 1], [5, 5]], spec)
    np.testing.assert_allclose(scores.mean[:, 0], [5.0, 3.0])


def test_it_scores_every_row_of_a_batch_independently():
    spec = ten_item_spec()
    rows = np.array([[4, 5, NAN, 4, 3, NAN, 5, 4, 4, 3], [1] * 10, [NAN] * 10])
    scores = scale_scores(rows, spec)
    np.testing.assert_allclose(scores.mean[:, 0], [4.0, 1.0, NAN])
    np.testing.assert_array_equal(scores.missing[:, 0], [False, False, True])


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([[6] * 10], "outside 1..5"),
        ([[0] * 10], "outside 1..5"),
        ([[2.5] + [3] * 9], "not an integer"),
        ([[3] * 9], "N x 10"),
        ([3] * 10, "N x 10"),
    ],
)
def test_it_rejects_bad_answers_naming_the_problem(answers, message):
    with pytest.raises(ScoringInputError, match=message):
        scale_scores(answers, ten_item_spec())


def test_it_names_the_item_with_a_bad_answer():
    with pytest.raises(ScoringInputError, match="'q3'"):
        scale_scores([[3, 3, 9, 3, 3, 3, 3, 3, 3, 3]], ten_item_spec())
