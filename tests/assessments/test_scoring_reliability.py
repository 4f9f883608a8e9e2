import math

import numpy as np
import pytest

from assessments.scoring import (
    InstrumentSpec,
    ItemSpec,
    ScaleSpec,
    alpha_if_dropped,
    corrected_item_total,
    cronbach_alpha,
    feldt_interval,
    instrument_reliability,
    mcdonald_omega,
    scale_statistics,
    spearman_brown,
)

Q1 = [1, 5, 2, 3, 4, 2, 3, 4, 3, 2]
Q2 = [2, 4, 1, 2, 4, 1, 2, 5, 2, 1]
Q3 = [2, 5, 1, 3, 3, 2, 2, 4, 2, 2]
EXAMPLE = np.column_stack([Q1, Q2, Q3]).astype(float)


def test_it_computes_alpha_0_9295_for_the_worked_example():
    assert cronbach_alpha(EXAMPLE) == pytest.approx(0.9295, abs=1e-3)


def test_it_reports_the_variances_alpha_is_built_from():
    stats = scale_statistics(EXAMPLE, min_n=10)
    assert stats.item_variances == pytest.approx((1.4333, 2.0444, 1.3778), abs=1e-3)
    assert stats.total_variance == pytest.approx(12.7667, abs=1e-3)


def test_it_gives_the_feldt_interval():
    low, high = feldt_interval(cronbach_alpha(EXAMPLE), n=10, k=3)
    assert low == pytest.approx(0.794, abs=1e-3)
    assert high == pytest.approx(0.981, abs=1e-3)


def test_it_deletes_incomplete_respondents_listwise():
    with_gap = np.vstack([EXAMPLE, [5, np.nan, 1]])
    assert cronbach_alpha(with_gap) == pytest.approx(cronbach_alpha(EXAMPLE))
    assert scale_statistics(with_gap, min_n=10).n == 10


def test_it_steps_up_a_split_half_with_spearman_brown():
    assert spearman_brown(0.6) == pytest.approx(0.75, abs=1e-3)
    assert spearman_brown(0.5, k=3) == pytest.approx(0.75, abs=1e-3)


def test_it_computes_omega_from_loadings():
    assert mcdonald_omega([0.8, 0.7, 0.6, 0.5]) == pytest.approx(0.7494, abs=1e-3)


def test_it_correlates_each_item_with_the_rest_of_the_scale():
    r = corrected_item_total(EXAMPLE)
    rest = EXAMPLE[:, 1] + EXAMPLE[:, 2]
    assert r[0] == pytest.approx(np.corrcoef(EXAMPLE[:, 0], rest)[0, 1])


def test_it_recomputes_alpha_without_each_item():
    dropped = alpha_if_dropped(EXAMPLE)
    for j in range(3):
        others = np.delete(EXAMPLE, j, axis=1)
        assert dropped[j] == pytest.approx(cronbach_alpha(others))


def test_it_says_reliability_is_not_estimable_below_30():
    stats = scale_statistics(EXAMPLE)
    assert stats.n == 10
    assert not stats.estimable
    assert stats.alpha is None
    assert stats.alpha_low is None
    assert stats.item_total is None


def test_it_reports_full_statistics_from_30_respondents():
    rng = np.random.default_rng(7)
    trait = rng.normal(size=(40, 1))
    matrix = np.clip(np.round(3 + trait + rng.normal(scale=0.7, size=(40, 4))), 1, 5)
    stats = scale_statistics(matrix)
    assert stats.estimable
    assert stats.n == 40
    assert stats.alpha_low < stats.alpha < stats.alpha_high <= 1
    assert len(stats.item_total) == 4
    assert len(stats.alpha_if_dropped) == 4
    assert stats.mean == pytest.approx(matrix.mean())


def test_it_has_no_alpha_for_a_constant_total():
    assert math.isnan(cronbach_alpha(np.full((5, 3), 3.0)))


def test_it_reverse_keys_before_estimating_an_instrument():
    spec = InstrumentSpec(
        1,
        5,
        (ItemSpec("q1", "s"), ItemSpec("q2", "s", keyed=-1), ItemSpec("q3", "s")),
        (ScaleSpec("s"),),
    )
    answers = EXAMPLE.copy()
    answers[:, 1] = 6 - answers[:, 1]
    stats = instrument_reliability(answers, spec, min_n=10)["s"]
    assert stats.alpha == pytest.approx(0.9295, abs=1e-3)


def test_it_has_no_alpha_when_every_respondent_answers_the_items_alike():
    # Each respondent gives one answer to all four items (their own answer):
    # alpha is exactly 1, and its Feldt interval [1, 1]. That is a response set,
    # not a perfect scale; an SEM of 0 from it would give bands of zero width.
    rng = np.random.default_rng(3)
    matrix = np.repeat(rng.integers(1, 6, size=(40, 1)).astype(float), 4, axis=1)
    assert cronbach_alpha(matrix) == pytest.approx(1.0)

    stats = scale_statistics(matrix)

    assert stats.estimable
    assert stats.answered_alike
    assert stats.alpha is None
    assert stats.alpha_low is None
    assert stats.alpha_high is None


def test_it_keeps_a_high_alpha_from_answers_that_differ():
    rng = np.random.default_rng(3)
    matrix = np.repeat(rng.integers(1, 6, size=(40, 1)).astype(float), 4, axis=1)
    matrix[0, 0] = 6 - matrix[0, 0] if matrix[0, 0] != 3 else 4

    stats = scale_statistics(matrix)

    assert not stats.answered_alike
    assert 0.9 < stats.alpha < 1
