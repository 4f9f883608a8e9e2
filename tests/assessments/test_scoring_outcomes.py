"""The outcome figures: worked examples, statistical oracles and simulations
where the truth is known (SCORING.md section 8; docs/outcome-reports.md)."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from assessments.scoring.fairness import criterion_validity
from assessments.scoring.outcome_simulation import (
    point_biserial_truth,
    team_flag_rates,
    validity_coverage,
)
from assessments.scoring.outcomes import (
    MIN_VALIDITY_N,
    expectancy_table,
    linear_fit,
    logistic_fit,
    poisson_binomial_pmf,
    quota_check,
    turnover_check,
    validity_matrix,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _pair_with_r(r: float, n: int, seed: int = 0):
    """Two vectors of length n whose sample correlation is exactly r."""
    rng = np.random.default_rng(seed)
    x, e = rng.standard_normal(n), rng.standard_normal(n)
    x = (x - x.mean()) / x.std()
    e = e - e.mean() - (e @ x) / (x @ x) * x
    e = e / e.std()
    return x, r * x + np.sqrt(1 - r * r) * e


def test_it_gives_the_interval_of_the_worked_example_r_20_n_60():
    x, y = _pair_with_r(0.20, 60)
    cell = validity_matrix(x[:, None], y[:, None])[0][0]

    assert cell.r == pytest.approx(0.20, abs=1e-12)
    assert cell.n == 60
    assert cell.ci_low == pytest.approx(-0.057, abs=1e-3)
    assert cell.ci_high == pytest.approx(0.432, abs=1e-3)


def test_it_corrects_the_worked_example_r_25_u_12_over_5():
    x, y = _pair_with_r(0.25, 100)
    hired_sd = x.std(ddof=1)
    cell = validity_matrix(x[:, None], y[:, None], applicant_sd=[hired_sd * 12 / 5])[0][
        0
    ]

    assert cell.u == pytest.approx(2.4)
    assert cell.corrected == pytest.approx(0.5267, abs=1e-4)
    x, y = _pair_with_r(0.20, 100, seed=1)
    cell = validity_matrix(x[:, None], y[:, None], applicant_sd=[1.5 * x.std(ddof=1)])[
        0
    ][0]
    assert cell.corrected == pytest.approx(0.2928, abs=1e-4)


def test_it_matches_scipy_and_criterion_validity_with_pairwise_deletion():
    rng = np.random.default_rng(7)
    n = 400
    x = rng.standard_normal((n, 3)) * [10, 1, 0.8] + [50, 0, 3]
    y = np.column_stack(
        [
            (rng.random(n) < 0.7).astype(float),
            100 + 10 * x[:, 1] + rng.normal(0, 20, n),
            np.clip(np.round(3 + x[:, 1]), 1, 5),
        ]
    )
    x[rng.random((n, 3)) < 0.1] = np.nan
    y[rng.random((n, 3)) < 0.15] = np.nan
    cells = validity_matrix(x, y)

    for i, j in itertools.product(range(3), range(3)):
        both = ~np.isnan(x[:, i]) & ~np.isnan(y[:, j])
        r, _p = stats.pearsonr(x[both, i], y[both, j])
        expected = criterion_validity(x[:, i], y[:, j])
        assert cells[i][j].n == both.sum() == expected.n
        assert cells[i][j].r == pytest.approx(r, abs=1e-10)
        assert cells[i][j].ci_low == pytest.approx(expected.ci_low, abs=1e-10)
        assert cells[i][j].ci_high == pytest.approx(expected.ci_high, abs=1e-10)
        assert cells[i][j].hired_sd == pytest.approx(np.std(x[both, i], ddof=1))


def test_it_computes_the_point_biserial_r_for_a_0_1_criterion():
    rng = np.random.default_rng(3)
    score = rng.normal(50, 10, 300)
    stayed = (rng.random(300) < stats.logistic.cdf((score - 45) / 8)).astype(float)
    cell = validity_matrix(score[:, None], stayed[:, None])[0][0]

    expected = stats.pointbiserialr(stayed, score)
    assert cell.r == pytest.approx(expected.statistic, abs=1e-10)


def test_it_is_not_yet_estimable_below_30_pairs_or_without_spread():
    x, y = _pair_with_r(0.3, MIN_VALIDITY_N)
    assert validity_matrix(x[:, None], y[:, None])[0][0].estimable
    short = validity_matrix(x[1:, None], y[1:, None])[0][0]
    assert not short.estimable
    assert short.n == MIN_VALIDITY_N - 1
    assert short.r is None
    assert short.ci_low is None
    assert short.corrected is None
    flat = validity_matrix(x[:, None], np.ones((MIN_VALIDITY_N, 1)))[0][0]
    assert not flat.estimable
    assert flat.n == MIN_VALIDITY_N


def test_it_leaves_the_correction_out_without_an_applicant_sd():
    x, y = _pair_with_r(0.3, 50)
    cell = validity_matrix(x[:, None], y[:, None], applicant_sd=[np.nan])[0][0]

    assert cell.r == pytest.approx(0.3)
    assert cell.u is None
    assert cell.corrected is None


def test_it_fits_the_logistic_model_like_statsmodels_logit():
    rng = np.random.default_rng(11)
    composite = rng.standard_normal(500)
    left = (rng.random(500) < stats.logistic.cdf(-1.3 - 0.8 * composite)).astype(float)
    fit = logistic_fit(composite, left)
    oracle = sm.Logit(left, sm.add_constant(composite)).fit(disp=0)

    assert fit.converged
    assert (fit.intercept, fit.slope) == pytest.approx(tuple(oracle.params), abs=1e-8)
    assert np.asarray(fit.covariance) == pytest.approx(
        np.asarray(oracle.cov_params()), rel=1e-6
    )
    assert fit.predict(composite) == pytest.approx(oracle.predict(), abs=1e-10)


def test_it_fits_the_linear_model_like_statsmodels_ols():
    rng = np.random.default_rng(12)
    composite = rng.standard_normal(300)
    quota = 100 + 9 * composite + rng.normal(0, 22, 300)
    fit = linear_fit(composite, quota)
    oracle = sm.OLS(quota, sm.add_constant(composite)).fit()

    assert (fit.intercept, fit.slope) == pytest.approx(tuple(oracle.params), abs=1e-9)
    assert np.asarray(fit.covariance) == pytest.approx(
        np.asarray(oracle.cov_params()), rel=1e-9
    )
    assert fit.residual_sd == pytest.approx(np.sqrt(oracle.scale))


def test_it_computes_the_exact_poisson_binomial_distribution():
    probabilities = [0.1, 0.25, 0.5, 0.05, 0.3]
    pmf = poisson_binomial_pmf(probabilities)
    brute = np.zeros(6)
    for outcome in itertools.product((0, 1), repeat=5):
        brute[sum(outcome)] += np.prod(
            [p if o else 1 - p for p, o in zip(probabilities, outcome, strict=True)]
        )

    assert pmf == pytest.approx(brute, abs=1e-14)
    # Equal probabilities: the binomial distribution, also for a large team.
    for n in (1, 30, 1001):
        assert poisson_binomial_pmf([0.2] * n) == pytest.approx(
            stats.binom.pmf(np.arange(n + 1), n, 0.2), abs=1e-13
        )
    assert poisson_binomial_pmf([]).tolist() == [1.0]


def test_it_flags_a_group_above_the_central_95_percent_range():
    probabilities = np.full(30, 0.2)  # binomial(30, .2): 95 % range 2..11
    assert stats.binom.ppf([0.025, 0.975], 30, 0.2).tolist() == [2.0, 11.0]
    within = turnover_check(np.r_[np.ones(11), np.zeros(19)], probabilities)
    above = turnover_check(np.r_[np.ones(12), np.zeros(18)], probabilities)

    assert (within.low, within.high, within.expected) == (2, 11, pytest.approx(6.0))
    assert not within.more_than_predicted
    assert above.more_than_predicted
    assert above.p_more == pytest.approx(stats.binom.sf(11, 30, 0.2))
    assert above.p_more < 0.025
    assert turnover_check(np.zeros(30), probabilities).fewer_than_predicted
    assert turnover_check(np.zeros(5), np.full(5, 0.2)).small_n


def test_it_sets_a_group_mean_quota_against_the_prediction():
    rng = np.random.default_rng(4)
    composite = rng.standard_normal(400)
    quota = 100 + 10 * composite + rng.normal(0, 20, 400)
    fit = linear_fit(composite, quota)
    group = slice(0, 40)
    check = quota_check(quota[group], composite[group], fit)
    oracle = sm.OLS(quota, sm.add_constant(composite)).fit()
    mean_x = np.array([1.0, composite[group].mean()])
    se = np.sqrt(oracle.scale / 40 + mean_x @ oracle.cov_params() @ mean_x)

    assert check.expected == pytest.approx(oracle.predict(mean_x[None, :])[0])
    assert check.high - check.expected == pytest.approx(1.959964 * se, rel=1e-5)
    assert not check.below_prediction
    lowered = quota_check(quota[group] - 25, composite[group], fit)
    assert lowered.below_prediction


def test_it_builds_an_expectancy_table_with_wilson_and_t_intervals():
    bands = np.array(["fit"] * 40 + ["borderline"] * 10 + ["fit"])
    outcome = np.r_[np.ones(30), np.zeros(10), np.ones(4), np.zeros(6), np.nan]
    rows = expectancy_table(
        bands, outcome, ("strong_fit", "fit", "borderline"), binary=True
    )

    assert [(row.band, row.n) for row in rows] == [
        ("strong_fit", 0),
        ("fit", 40),
        ("borderline", 10),
    ]
    assert rows[0].mean is None
    assert rows[1].mean == pytest.approx(0.75)
    # Wilson 1927 for 30 of 40: .5980 .. .8581.
    assert (rows[1].low, rows[1].high) == pytest.approx((0.5980, 0.8581), abs=1e-4)
    quota = np.array([90.0, 110.0, 100.0, 120.0])
    (row,) = expectancy_table(np.array(["fit"] * 4), quota, ("fit",), binary=False)
    half = stats.t.ppf(0.975, 3) * quota.std(ddof=1) / 2
    assert (row.low, row.high) == pytest.approx((105 - half, 105 + half))


# --- simulations where the truth is known ---------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "truth"),
    [
        ({"rho": 0.3, "n": 150}, 0.3),
        ({"rho": 0.4, "n": 150, "binary_share": 0.75}, point_biserial_truth(0.4, 0.75)),
    ],
)
def test_it_recovers_a_known_validity_within_its_interval_about_95_percent(
    kwargs, truth
):
    outcome = validity_coverage(replications=1000, seed=20261204, **kwargs)

    assert outcome.truth == pytest.approx(truth)
    # 1000 replications: the share of a true 95 % lies within .93 .. .97.
    assert 0.93 <= outcome.share <= 0.97
    assert outcome.mean_r == pytest.approx(truth, abs=0.01)


def test_it_undoes_direct_range_restriction_on_average():
    outcome = validity_coverage(
        rho=0.3, n=200, replications=600, seed=5, selection_ratio=0.3
    )

    # Hiring the top 30 % on the score roughly halves the observed r...
    assert outcome.mean_r < 0.2
    # ...and the Thorndike case II correction brings it back to the truth.
    assert outcome.mean_corrected == pytest.approx(0.3, abs=0.015)


def test_it_flags_a_team_with_truly_higher_turnover_and_rarely_another():
    outcome = team_flag_rates(
        teams=12, hires_per_team=30, replications=150, seed=20261204
    )

    assert outcome.bad_team_rate > 1.5 * outcome.ordinary_rate
    # The flag fires on at most 2.5 % of ordinary teams by construction; the
    # discrete range and the fit make it rarer still.
    assert outcome.false_alarm_rate < 0.025
    assert outcome.power > 0.5


def test_it_imports_the_outcome_modules_without_django():
    probe = (
        "import sys, assessments.scoring.outcomes, "
        "assessments.scoring.outcome_simulation; "
        "print(sorted(m for m in sys.modules if m == 'django' "
        "or m.startswith('django.')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT)},
    )
    assert completed.stdout.strip() == "[]"
