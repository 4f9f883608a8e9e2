import math

import numpy as np
import pytest

from assessments.scoring import (
    VALIDITY_RULE,
    InstrumentSpec,
    ItemModel,
    ItemSpec,
    ScaleFigures,
    ScaleSpec,
    ScoringInputError,
    ValidityIndex,
    ValidityThresholds,
    consistency,
    even_odd,
    impression,
    infrequency,
    instructed,
    inter_item_correlation,
    irv,
    longstring,
    mahalanobis,
    rule_for_version,
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


def test_it_flags_a_run_of_ten_or_a_quarter_of_a_long_instrument():
    assert longstring([[3] * 10 + [1, 2] * 5]).flag[0]
    assert not longstring([[3] * 9 + [1, 2] * 5 + [1]]).flag[0]
    assert not longstring([[3] * 14 + [1, 2] * 23]).flag[0]
    assert longstring([[3] * 15 + [1, 2] * 22 + [1]]).flag[0]


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


EVEN_ODD_ON_THREE_SCALES = ValidityThresholds(even_odd_min_scales=3)


def test_it_computes_even_odd_consistency_for_the_worked_example():
    index = even_odd(
        [[5, 4, 5, 4, 2, 1, 2, 1, 4, 4, 3, 3]],
        three_scales_of_four(),
        thresholds=EVEN_ODD_ON_THREE_SCALES,
    )
    assert index.value[0] == pytest.approx(-0.9655, abs=1e-3)
    assert not index.flag[0]


def test_it_flags_halves_that_disagree():
    index = even_odd(
        [[5, 1, 5, 1, 3, 3, 3, 3, 1, 5, 1, 5]],
        three_scales_of_four(),
        thresholds=EVEN_ODD_ON_THREE_SCALES,
    )
    assert index.value[0] == pytest.approx(1.0)
    assert index.flag[0]


def test_it_leaves_even_odd_undefined_without_variance_across_scales():
    index = even_odd(
        [[3] * 12], three_scales_of_four(), thresholds=EVEN_ODD_ON_THREE_SCALES
    )
    assert math.isnan(index.value[0])
    assert not index.flag[0]


def test_it_does_not_compute_even_odd_on_an_instrument_with_few_scales():
    thresholds = ValidityThresholds()
    assert not thresholds.even_odd_applicable(three_scales_of_four())
    index = even_odd([[5, 1, 5, 1, 3, 3, 3, 3, 1, 5, 1, 5]], three_scales_of_four())
    assert math.isnan(index.value[0])
    assert not index.flag[0]


def test_it_computes_even_odd_with_twelve_scales_of_four_items():
    items = tuple(ItemSpec(f"s{s}i{i}", f"s{s}") for s in range(12) for i in range(4))
    spec = InstrumentSpec(1, 5, items, tuple(ScaleSpec(f"s{s}") for s in range(12)))
    assert ValidityThresholds().even_odd_applicable(spec)
    # Odd and even halves agree on every scale: r = 1, index -1.
    answers = [[v for s in range(12) for v in [1 + s % 5] * 4]]
    assert even_odd(answers, spec).value[0] == pytest.approx(-1.0)
    # Three items per scale are too few for two halves of two.
    short = InstrumentSpec(
        1,
        5,
        tuple(ItemSpec(f"s{s}i{i}", f"s{s}") for s in range(12) for i in range(3)),
        tuple(ScaleSpec(f"s{s}") for s in range(12)),
    )
    assert ValidityThresholds().even_odd_scales(short) == 0


def test_it_flags_a_mahalanobis_outlier():
    index = mahalanobis([[5, 1], [3, 3]], [3, 3], [[1, 0.5], [0.5, 1]])
    assert index.value[0] == pytest.approx(16.0, abs=1e-3)
    assert mahalanobis_critical(2, 0.01) == pytest.approx(9.21, abs=1e-2)
    assert mahalanobis_critical(2) == pytest.approx(13.82, abs=1e-2)
    np.testing.assert_array_equal(index.flag, [True, False])


def test_it_uses_the_answered_items_and_their_sub_covariance():
    mean = np.array([3.0, 3.0, 2.0, 4.0])
    cov = np.array(
        [
            [1.0, 0.5, 0.2, 0.1],
            [0.5, 1.0, 0.3, 0.0],
            [0.2, 0.3, 0.8, -0.2],
            [0.1, 0.0, -0.2, 0.9],
        ]
    )
    rows = np.array([[5, 1, 2, 4], [5, NAN, 1, 2], [NAN, NAN, NAN, 5]])
    index = mahalanobis(rows, mean, cov)
    full = rows[0] - mean
    assert index.value[0] == pytest.approx(full @ np.linalg.solve(cov, full))
    kept = [0, 2, 3]
    part = rows[1, kept] - mean[kept]
    sub = cov[np.ix_(kept, kept)]
    assert index.value[1] == pytest.approx(part @ np.linalg.solve(sub, part))
    # Chi-square with as many degrees of freedom as items used.
    np.testing.assert_array_equal(index.extra["items"], [4, 3, 0])
    assert index.flag[1] == (index.value[1] > mahalanobis_critical(3))
    # One item of four is under half the items: not computed.
    assert math.isnan(index.value[2])
    assert not index.flag[2]


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


def _indices(**flags):
    """ValidityIndex per name from (flag list, value list) pairs or flag lists."""
    built = {}
    for name, given in flags.items():
        flag, value = given if isinstance(given, tuple) else (given, None)
        flag = np.asarray(flag, dtype=bool)
        value = np.zeros(flag.size) if value is None else np.asarray(value, float)
        built[name] = ValidityIndex(value, flag)
    return built


def test_it_combines_flags_into_an_overall_status():
    n_flags, status, clause = validity_status(
        _indices(
            irv=[True, False, False, False, False, True],
            speed=[False, True, True, False, False, True],
            longstring=[False, False, True, False, False, True],
            instructed=([False, False, False, True, True, False], [0, 0, 0, 1, 2, 0]),
            infrequency=([False] * 5 + [False], [0, 0, 0, 0, 0, 0]),
        )
    )
    np.testing.assert_array_equal(n_flags, [1, 1, 2, 1, 1, 3])
    assert list(status) == [
        "questionable",
        "questionable",
        "questionable",
        "questionable",  # one missed instruction alone
        "invalid",  # both missed
        "invalid",  # three flags
    ]
    assert clause[4] == 0
    assert clause[5] == 3


def test_it_makes_one_missed_instruction_with_another_flag_invalid():
    _, status, _ = validity_status(
        _indices(
            instructed=([True, True], [1, 1]),
            speed=[False, True],
        )
    )
    assert list(status) == ["questionable", "invalid"]


def test_it_makes_two_endorsed_infrequency_items_invalid_on_their_own():
    _, status, _ = validity_status(
        _indices(infrequency=([False, True], [1, 2]), irv=[False, False])
    )
    assert list(status) == ["valid", "invalid"]


def test_it_never_counts_a_not_applicable_index():
    _, status, _ = validity_status(
        _indices(instructed=([False], [NAN]), even_odd=([False], [NAN]))
    )
    assert list(status) == ["valid"]


def test_it_judges_with_the_rule_of_an_earlier_version_when_asked():
    indices = _indices(instructed=([True], [1]))
    assert validity_status(indices)[1][0] == "questionable"
    assert validity_status(indices, rule_for_version("1.0.0"))[1][0] == "invalid"
    assert rule_for_version("2.0.0") is VALIDITY_RULE
    # Version 3 changed the bands only.
    assert rule_for_version("3.0.0") is VALIDITY_RULE
    assert rule_for_version("9.0.0") is None


def test_it_derives_the_parallel_item_model_from_scale_figures():
    # Spearman-Brown solved for r: alpha .80 with 8 items -> r = 1/3; four items
    # of one scale, alpha .75 -> r = .75 / (4 - 3 * .75) = 3/7.
    assert inter_item_correlation(0.8, 8) == pytest.approx(1 / 3)
    spec = three_scales_of_four()
    model = ItemModel(
        spec, {key: ScaleFigures(3.0, 0.5, 0.75) for key in spec.scale_keys}
    )
    norm = model.covariance_norm()
    r = 3 / 7
    variance = 4 * 0.25 / (1 + 3 * r)
    cov = np.array(norm.cov)
    assert cov[0, 0] == pytest.approx(variance)
    assert cov[0, 1] == pytest.approx(r * variance)
    assert cov[0, 4] == 0.0
    # The mean of four such items has the scale's SD back.
    assert np.sqrt(cov[:4, :4].sum() / 16) == pytest.approx(0.5)


def _four_pairs_spec() -> InstrumentSpec:
    items = tuple(ItemSpec(f"p{i}", "s") for i in range(8))
    return InstrumentSpec(
        1,
        5,
        items,
        (ScaleSpec("s"),),
        consistency_pairs=tuple((f"p{i}", f"p{i + 4}") for i in range(4)),
    )


def test_it_needs_three_of_four_consistency_pairs_answered():
    # Two differences of 2 points: with only two pairs answered the mean of two
    # differences reaches the flag by chance too often among attentive
    # candidates who skipped items (docs/scoring.md), so it is not computed.
    nan = math.nan
    two = [5, 1, nan, nan, 3, 3, nan, nan]
    three = [5, 1, 4, nan, 3, 3, 4, nan]
    index = consistency([two, three], _four_pairs_spec())
    assert math.isnan(index.value[0])
    assert not index.flag[0]
    assert index.value[1] == pytest.approx(4 / 3)
