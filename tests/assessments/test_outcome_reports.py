"""The outcome read models on stored hires: figures, exclusions, query counts."""

import datetime

import numpy as np
import pytest
import statsmodels.api as sm
from django.db import connection
from django.test.utils import CaptureQueriesContext
from scipy import stats

from assessments.models import QuestionnaireResult
from assessments.outcome_managers import manager_report_build
from assessments.outcome_validity import hire_data, validity_report_build
from hiring.models import Application, HireOutcome
from tests.factories import JobFactory, NormSetFactory
from tests.factories.outcomes import applications_with_results, hires_with_outcomes

TODAY = datetime.date(2026, 1, 5)


def _population(n, seed):
    rng = np.random.default_rng(seed)
    composite = rng.normal(0, 1, n)
    drive = 50 + 10 * (0.6 * composite + 0.8 * rng.normal(size=n))
    blame = 50 + 10 * (-0.5 * composite + 0.87 * rng.normal(size=n))
    interview = np.clip(3 + 0.8 * rng.normal(size=n) + 0.3 * composite, 1, 5)
    leave = rng.random(n) < 1 / (1 + np.exp(-(-1.2 - 0.7 * composite)))
    left = np.where(leave, rng.integers(5, 89, n), np.nan)
    quota = np.round(100 + 12 * composite + rng.normal(0, 25, n), 1)
    rating = np.clip(np.round(3 + 0.4 * composite + rng.normal(0, 0.9, n)), 1, 5)
    return composite, drive, blame, interview, left, quota, rating


@pytest.fixture
def stored(db):
    job = JobFactory(title="Account executive")
    norm_set = NormSetFactory()
    composite, drive, blame, interview, left, quota, rating = _population(120, 3)
    interview[:7] = np.nan
    quota[:11] = np.nan
    hires_with_outcomes(
        job,
        composite=composite,
        scales={"drive": drive, "blame": blame},
        interview=interview,
        left_after_days=left,
        rating=rating,
        quota=quota,
        manager=["Ana" if i % 3 else "Ben" for i in range(120)],
        team=["North" if i % 2 else "South" for i in range(120)],
        norm_set=norm_set,
    )
    applicants = np.random.default_rng(9).normal(0, 1.6, 200)
    applications_with_results(
        job,
        composite=applicants,
        scales={"drive": 50 + 16 * applicants, "blame": 50 - 14 * applicants},
        interview=3 + applicants,
        norm_set=norm_set,
    )
    return job, composite, drive, blame, interview, left, quota, rating


def _expected(stored):
    _job, composite, drive, blame, interview, left, quota, rating = stored
    predictors = {
        "drive": drive,
        "blame": blame,
        "composite": composite,
        "interview": interview,
    }
    criteria = {
        "employed_90": np.where(np.isnan(left), 1.0, 0.0),
        "employed_180": np.where(np.isnan(left), 1.0, 0.0),
        "performance": rating,
        "quota": quota,
    }
    return predictors, criteria


def test_it_matches_scipy_for_every_predictor_and_criterion(stored):
    job = stored[0]
    data = hire_data(today=TODAY, job=job)
    report = validity_report_build(data, job=job, today=TODAY)
    predictors, criteria = _expected(stored)

    assert data.n == 120
    assert [row.predictor.key for row in report.rows] == [
        "drive",
        "blame",
        "composite",
        "interview",
    ]
    checked = 0
    for row in report.rows:
        x = predictors[row.predictor.key]
        for criterion, cell in zip(report.criteria, row.cells, strict=True):
            y = criteria[criterion.key]
            both = ~np.isnan(x) & ~np.isnan(y)
            r, _p = stats.pearsonr(x[both], y[both])
            z = np.arctanh(r)
            half = 1.959964 / np.sqrt(both.sum() - 3)
            assert cell.n == both.sum()
            assert cell.r == pytest.approx(r, abs=1e-9)
            assert cell.ci_low == pytest.approx(np.tanh(z - half), abs=1e-6)
            assert cell.ci_high == pytest.approx(np.tanh(z + half), abs=1e-6)
            checked += 1
    assert checked == 16


def test_it_corrects_with_the_sd_of_all_assessed_applicants(stored):
    job, composite = stored[0], stored[1]
    data = hire_data(today=TODAY, job=job)
    report = validity_report_build(data, job=job, today=TODAY)
    applicants = np.concatenate(
        [composite, np.random.default_rng(9).normal(0, 1.6, 200)]
    )
    cell = next(row for row in report.rows if row.predictor.key == "composite").cells[3]
    quota = stored[6]
    hired_sd = np.std(composite[~np.isnan(quota)], ddof=1)
    u = np.std(applicants, ddof=1) / hired_sd

    assert cell.u == pytest.approx(u, rel=1e-9)
    assert cell.corrected == pytest.approx(
        cell.r * u / np.sqrt(1 - cell.r**2 + cell.r**2 * u**2), rel=1e-9
    )
    assert abs(cell.corrected) > abs(cell.r)


def test_it_leaves_out_hires_whose_checkpoint_has_not_come(db):
    job = JobFactory()
    today = datetime.date(2026, 6, 1)
    recent = today - datetime.timedelta(days=100)  # past 90, not 180
    fresh = today - datetime.timedelta(days=30)  # past neither
    hires_with_outcomes(
        job,
        composite=[0.1, 0.2, 0.3, 0.4, 0.5],
        left_after_days=[np.nan, np.nan, 10, 10, np.nan],
        start_date=[datetime.date(2025, 1, 6), recent, recent, fresh, fresh],
    )
    data = hire_data(today=today, job=job)

    assert data.employed_90.tolist()[:3] == [1.0, 1.0, 0.0]
    assert data.employed_180[0] == 1.0
    assert np.isnan(data.employed_180[1:]).all()
    # Left on day 10 of a start 30 days ago: out, like the stayer who started
    # with them, so a young cohort does not count only its leavers.
    assert np.isnan(data.employed_90[3:]).all()


def test_it_says_not_yet_estimable_below_30_hires(db):
    job = JobFactory()
    rng = np.random.default_rng(5)
    composite = rng.normal(size=30)
    quota = 100 + 10 * composite + rng.normal(0, 10, 30)
    quota[0] = np.nan
    hires_with_outcomes(job, composite=composite, quota=quota)
    report = validity_report_build(
        hire_data(today=TODAY, job=job), job=job, today=TODAY
    )
    cells = dict(
        zip(
            [c.key for c in report.criteria],
            next(r for r in report.rows if r.predictor.key == "composite").cells,
            strict=True,
        )
    )

    assert cells["quota"].n == 29
    assert not cells["quota"].estimable
    assert cells["quota"].r is None
    # All 30 stayed: there is no spread in the criterion, so no r either.
    assert cells["employed_90"].n == 30
    assert not cells["employed_90"].estimable

    hires_with_outcomes(job, composite=[0.0], quota=[100.0])
    report = validity_report_build(
        hire_data(today=TODAY, job=job), job=job, today=TODAY
    )
    cell = next(r for r in report.rows if r.predictor.key == "composite").cells[3]
    assert cell.n == 30
    assert cell.estimable
    assert cell.r is not None


def test_it_reads_in_the_same_number_of_queries_for_ten_and_for_eighty_hires(db):
    counts = []
    for n in (10, 80):
        job = JobFactory()
        composite, drive, blame, interview, left, quota, rating = _population(n, n)
        hires_with_outcomes(
            job,
            composite=composite,
            scales={"drive": drive, "blame": blame},
            interview=interview,
            left_after_days=left,
            quota=quota,
            rating=rating,
        )
        with CaptureQueriesContext(connection) as queries:
            data = hire_data(today=TODAY, job=job)
            validity_report_build(data, job=job, today=TODAY)
            manager_report_build(data, job=job, today=TODAY)
        assert data.n == n
        counts.append(len(queries))
    assert counts == [6, 6]


def test_it_builds_the_expectancy_table_per_band(stored):
    job, composite, *_rest = stored
    left, quota = stored[5], stored[6]
    report = validity_report_build(
        hire_data(today=TODAY, job=job), job=job, today=TODAY
    )
    retention = report.expectancy[0]
    bands = np.where(
        composite >= 0.5,
        "strong_fit",
        np.where(
            composite >= 0, "fit", np.where(composite >= -0.5, "borderline", "nr")
        ),
    )

    assert retention.criterion.key == "employed_90"
    assert [row.band for row in retention.rows][:3] == [
        "strong_fit",
        "fit",
        "borderline",
    ]
    for row in retention.rows[:3]:
        member = bands == row.band
        assert row.n == member.sum()
        assert row.mean == pytest.approx(np.isnan(left[member]).mean())
    quota_row = report.expectancy[1].rows[0]
    member = (bands == "strong_fit") & ~np.isnan(quota)
    assert quota_row.mean == pytest.approx(quota[member].mean())


def test_it_fits_the_manager_models_like_statsmodels(stored):
    job, composite = stored[0], stored[1]
    left, quota = stored[5], stored[6]
    report = manager_report_build(hire_data(today=TODAY, job=job), job=job, today=TODAY)
    leaving = (~np.isnan(left)).astype(float)
    logit = sm.Logit(leaving, sm.add_constant(composite)).fit(disp=0)
    has_quota = ~np.isnan(quota)
    ols = sm.OLS(quota[has_quota], sm.add_constant(composite[has_quota])).fit()

    fit = report.retention_fit
    assert (fit.intercept, fit.slope) == pytest.approx(tuple(logit.params), abs=1e-6)
    assert fit.slope_se == pytest.approx(logit.bse[1], rel=1e-6)
    assert (report.quota_fit.intercept, report.quota_fit.slope) == pytest.approx(
        tuple(ols.params), abs=1e-6
    )
    assert report.quota_fit.slope_se == pytest.approx(ols.bse[1], rel=1e-6)

    managers = {row.name: row for row in report.managers}
    ana = np.array(["Ana" if i % 3 else "Ben" for i in range(120)]) == "Ana"
    assert managers["Ana"].hires == ana.sum()
    assert managers["Ana"].turnover.observed == leaving[ana].sum()
    assert managers["Ana"].turnover.expected == pytest.approx(
        logit.predict(sm.add_constant(composite))[ana].sum(), rel=1e-6
    )
    both = ana & has_quota
    assert managers["Ana"].quota.observed == pytest.approx(quota[both].mean())
    assert managers["Ana"].quota.expected == pytest.approx(
        ols.predict(sm.add_constant(composite[both])).mean(), rel=1e-6
    )
    assert {row.name for row in report.teams} == {"North", "South"}


def test_it_says_the_models_are_not_yet_estimable_with_few_hires(db):
    job = JobFactory()
    hires_with_outcomes(
        job, composite=np.linspace(-1, 1, 12), left_after_days=[10] + [np.nan] * 11
    )
    report = manager_report_build(hire_data(today=TODAY, job=job), job=job, today=TODAY)

    assert report.retention_fit is None
    assert report.quota_fit is None
    assert report.managers[0].turnover is None
    assert not report.flagged


def test_it_leaves_invalid_results_out_of_every_figure(stored):
    # Results judged invalid have no composite or band anywhere: their scores
    # predict nothing and must not enter r, the expectancy table or u. Mark
    # the first 25 hires and 50 of the other applicants invalid; the figures
    # must then equal scipy's over the other 95 hires, and u the ratio of the
    # 150 + 95 valid applicants' SD to the valid hires' SD.
    job, composite, quota = stored[0], stored[1], stored[6]
    hired = list(
        HireOutcome.objects.order_by("application_id").values_list(
            "application_id", flat=True
        )
    )
    others = list(
        Application.objects.filter(job=job)
        .exclude(pk__in=hired)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    QuestionnaireResult.objects.filter(
        invitation__application_id__in=hired[:25] + others[:50]
    ).update(validity_status="invalid")
    keep = np.arange(120) >= 25
    applicants = np.random.default_rng(9).normal(0, 1.6, 200)

    report = validity_report_build(
        hire_data(today=TODAY, job=job), job=job, today=TODAY
    )

    row = next(row for row in report.rows if row.predictor.key == "composite")
    cell = row.cells[3]  # quota
    both = keep & ~np.isnan(quota)
    r, _p = stats.pearsonr(composite[both], quota[both])
    valid_applicants = np.concatenate([composite[keep], applicants[50:]])
    u = np.std(valid_applicants, ddof=1) / np.std(composite[both], ddof=1)
    # The 11 hires without a quota are among the first 25: 95 pairs remain.
    assert cell.n == both.sum() == 95
    assert cell.r == pytest.approx(r, abs=1e-9)
    assert cell.u == pytest.approx(u, rel=1e-9)
    strong = report.expectancy[0].rows[0]
    assert strong.band == "strong_fit"
    assert strong.n == (keep & (composite >= 0.5)).sum()
