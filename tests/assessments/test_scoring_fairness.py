import numpy as np
import pytest

from assessments.scoring import (
    adverse_impact,
    correlation_ci,
    criterion_validity,
    fisher_exact_2x2,
    impact_ratio,
    range_restriction_correction,
    selection_rate,
    thorndike_case2,
    two_proportion_z,
)


def test_it_computes_selection_rates_and_the_impact_ratio():
    rates = selection_rate([48, 21], [80, 50])
    np.testing.assert_allclose(rates, [0.60, 0.42])
    np.testing.assert_allclose(impact_ratio(rates), [1.0, 0.70], atol=1e-3)


def test_it_runs_the_pooled_two_proportion_z_test():
    test = two_proportion_z(48, 80, 21, 50)
    assert test.statistic == pytest.approx(2.001, abs=1e-3)
    assert test.p_value == pytest.approx(0.0454, abs=1e-3)


def test_it_runs_fisher_exact_on_the_example_table():
    test = fisher_exact_2x2([[48, 32], [21, 29]])
    assert test.statistic == pytest.approx(2.071, abs=1e-3)
    assert test.p_value == pytest.approx(0.0495, abs=1e-3)


def test_it_reports_adverse_impact_against_the_highest_rate_group():
    report = adverse_impact({"A": (48, 80), "B": (21, 50)})
    assert report.reference_group == "A"
    a, b = report.groups
    assert not a.adverse_impact
    assert a.z is None
    assert b.impact_ratio == pytest.approx(0.70, abs=1e-3)
    assert b.adverse_impact
    assert b.z == pytest.approx(2.001, abs=1e-3)
    assert b.z_p_value == pytest.approx(0.0454, abs=1e-3)
    assert b.odds_ratio == pytest.approx(2.071, abs=1e-3)
    assert b.fisher_p_value == pytest.approx(0.0495, abs=1e-3)
    assert not b.small_n


def test_it_says_when_n_is_too_small():
    report = adverse_impact({"A": (9, 12), "B": (3, 10)})
    assert all(group.small_n for group in report.groups)


def test_it_does_not_call_large_groups_small_when_everyone_was_selected():
    # 40 of 40 and 50 of 50: the ratio is exactly 1 and one more person moves
    # it by at most 2 %; no test statistic leans on expected counts here.
    report = adverse_impact({"A": (40, 40), "B": (50, 50)})
    assert [group.impact_ratio for group in report.groups] == [1.0, 1.0]
    assert not any(group.small_n for group in report.groups)
    # A group of fewer than 30 is still small.
    report = adverse_impact({"A": (40, 40), "B": (12, 12)})
    assert report.groups[1].small_n


def test_it_does_not_call_large_groups_small_when_nobody_was_selected():
    report = adverse_impact({"A": (0, 40), "B": (0, 50)})
    assert not any(group.small_n for group in report.groups)


def test_it_leaves_the_ratio_undefined_when_nobody_was_selected():
    report = adverse_impact({"A": (0, 40), "B": (0, 40)})
    assert all(group.impact_ratio is None for group in report.groups)
    assert not any(group.adverse_impact for group in report.groups)


def test_it_gives_the_fisher_z_interval_of_r_20_with_n_60():
    low, high = correlation_ci(0.20, 60)
    assert low == pytest.approx(-0.057, abs=1e-3)
    assert high == pytest.approx(0.432, abs=1e-3)


def test_it_computes_criterion_validity_with_pairwise_deletion():
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])
    retained = np.array([0, 0, 1, 0, 1, 1])
    result = criterion_validity(scores, retained)
    assert result.n == 5
    assert result.r == pytest.approx(np.corrcoef(scores[:5], retained[:5])[0, 1])
    assert result.ci_low < result.r < result.ci_high


def test_it_corrects_for_range_restriction_with_thorndike_case_ii():
    assert thorndike_case2(0.25, 12 / 5) == pytest.approx(0.5267, abs=1e-3)
    assert thorndike_case2(0.20, 1.5) == pytest.approx(0.2928, abs=1e-3)
    assert range_restriction_correction(0.25, 12, 5) == pytest.approx(0.5267, abs=1e-3)
