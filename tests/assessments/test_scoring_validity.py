import math

import numpy as np
import pytest

from assessments.scoring import (
    InstrumentSpec,
    ItemSpec,
    ScaleSpec,
    ScoringInputError,
    consistency,
    even_odd,
    impression,
    infrequency,
    instructed,
    irv,
    longstring,
    mahalanobis,
    speed,
    validity_status,
)
from assessments.scoring.validity import mahalanobis_critical

NAN = math.nan
RUN_EXAMPLE = [[3, 3, 3, 3, 2, 5, 5, 1]]


def three_scales_of_four() -> InstrumentSpec:
    items = tuple(ItemSpec(f"{s}{i}", s) for s in "abc" for i in range(4))
    return InstrumentSpec(1, 5, items, tuple(ScaleSpec(s) for s in "abc"))


def checks_spec() -> InstrumentSpec:
    return InstrumentSpec(
        1,
        5,
        (
            ItemSpec("x1", "s"),
            ItemSpec("x2", "s", keyed=-1),
            ItemSpec("agree_please", None, kind="instructed", expected=4),
            ItemSpec("never_spoke", None, kind="infrequency", expected=4),
            ItemSpec("never_late", None, kind="impression"),
            ItemSpec("never_lied", None, kind="impression"),
            ItemSpec("always_kind", "s", kind="impression"),
            ItemSpec("sometimes_rude", None, kind="impression", keyed=-1),
        ),
        (ScaleSpec("s"),),
        consistency_pairs=(("x1", "x2"),),
    )


def test_it_finds_the_longest_run_and_the_average_run():
    index = longstring(RUN_EXAMPLE)
    assert index.value[0] == 4
    assert index.extra["mean_run"][0] == pytest.approx(2.0, abs=1e-3)
    assert not index.flag[0]


def test_it_reads_runs_in_presentation_order():
    as_defined = [[1, 5, 2, 3, 3, 5, 3, 3]]
    shown = [[3, 4, 6, 7, 2, 1, 5, 0]]
    assert longstring(as_defined).value[0] == 2
    index = longstring(as_defined, shown)
    assert index.value[0] == 4
    assert index.extra["mean_run"][0] == pytest.approx(2.0)


def test_it_flags_a_run_of_half_the_instrument():
    assert longstring([[3] * 6 + [1, 2, 1, 2]]).flag[0]
    assert not longstring([[3] * 5 + [1, 2, 1, 2, 1]]).flag[0]


def test_it_breaks_runs_at_missing_answers():
    assert longstring([[3, 3, NAN, 3, 3, 3]]).value[0] == 3


def test_it_rejects_an_order_that_is_not_a_permutation():
    with pytest.raises(ScoringInputError, match="permutation"):
        longstring(RUN_EXAMPLE, [[0, 0, 1, 2, 3, 4, 5, 6]])


def test_it_computes_irv_with_ddof_1():
    index = irv(RUN_EXAMPLE)
    assert index.value[0] == pytest.approx(1.3562, abs=1e-3)
    assert not index.flag[0]
    assert irv([[3] * 8]).flag[0]
    assert math.isnan(irv([[3] + [NAN] * 7]).value[0])


def test_it_computes_even_odd_consistency_for_the_worked_example():
    index = even_odd([[5, 4, 5, 4, 2, 1, 2, 1, 4, 4, 3, 3]], three_scales_of_four())
    assert index.value[0] == pytest.approx(-0.9655, abs=1e-3)
    assert not index.flag[0]


def test_it_flags_halves_that_disagree():
    index = even_odd([[5, 1, 5, 1, 3, 3, 3, 3, 1, 5, 1, 5]], three_scales_of_four())
    assert index.value[0] == pytest.approx(1.0)
    assert index.flag[0]


def test_it_leaves_even_odd_undefined_without_variance_across_scales():
    index = even_odd([[3] * 12], three_scales_of_four())
    assert math.isnan(index.value[0])
    assert not index.flag[0]


def test_it_flags_a_mahalanobis_outlier():
    index = mahalanobis([[5, 1], [3, 3]], [3, 3], [[1, 0.5], [0.5, 1]])
    assert index.value[0] == pytest.approx(16.0, abs=1e-3)
    assert mahalanobis_critical(2) == pytest.approx(9.21, abs=1e-2)
    np.testing.assert_array_equal(index.flag, [True, False])


def test_it_flags_a_page_answered_faster_than_2_seconds_per_item():
    index = speed([[10, 10], [10, NAN]], [[15, 40], [25, NAN]])
    assert index.value[0] == pytest.approx(1.5, abs=1e-3)
    np.testing.assert_array_equal(index.flag, [True, False])
    np.testing.assert_array_equal(index.extra["fast_pages"], [1, 0])


def test_it_counts_failed_instructed_items_but_not_skipped_ones():
    answers = [
        [3, 3, 2, 1, 3, 3, 3, 3],
        [3, 3, 4, 1, 3, 3, 3, 3],
        [3, 3, NAN, 1, 3, 3, 3, 3],
    ]
    index = instructed(answers, checks_spec())
    np.testing.assert_array_equal(index.value, [1, 0, 0])
    np.testing.assert_array_equal(index.flag, [True, False, False])


def test_it_counts_endorsed_infrequency_items():
    answers = [[3, 3, 4, 4, 3, 3, 3, 3], [3, 3, 4, 3, 3, 3, 3, 3]]
    index = infrequency(answers, checks_spec())
    np.testing.assert_array_equal(index.value, [1, 0])


def test_it_flags_three_of_four_extreme_favourable_impression_answers():
    answers = [[3, 3, 4, 1, 5, 5, 4, 1], [3, 3, 4, 1, 5, 5, 4, 2]]
    index = impression(answers, checks_spec())
    np.testing.assert_array_equal(index.value, [3, 2])
    np.testing.assert_array_equal(index.flag, [True, False])


def test_it_compares_consistency_pairs_after_reverse_keying():
    answers = [[5, 1, 4, 1, 3, 3, 3, 3], [5, 5, 4, 1, 3, 3, 3, 3]]
    index = consistency(answers, checks_spec())
    np.testing.assert_allclose(index.value, [0.0, 4.0])
    np.testing.assert_array_equal(index.flag, [False, True])


def test_it_says_not_applicable_for_an_instrument_without_check_items():
    answers = [[3] * 12]
    assert math.isnan(instructed(answers, three_scales_of_four()).value[0])
    assert math.isnan(impression(answers, three_scales_of_four()).value[0])


def test_it_combines_flags_into_an_overall_status():
    none, one = np.array([False] * 5), np.array([True] + [False] * 4)
    flags = {
        "irv": one,
        "speed": np.array([False, True, True, False, False]),
        "longstring": np.array([False, False, True, False, False]),
    }
    failures = np.array([0, 0, 0, 1, 0])
    endorsed = np.array([0, 0, 0, 0, 2])
    n_flags, status = validity_status(flags, failures, endorsed)
    np.testing.assert_array_equal(n_flags, [1, 1, 2, 0, 0])
    assert list(status) == ["questionable"] * 3 + ["invalid"] * 2
    _, status = validity_status({"irv": none}, [0] * 5, [0] * 5)
    assert set(status) == {"valid"}
    three = dict.fromkeys(("irv", "speed", "longstring"), one)
    assert validity_status(three, [0] * 5, [0] * 5)[1][0] == "invalid"
