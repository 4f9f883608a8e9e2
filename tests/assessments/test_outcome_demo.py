"""The demo data of the outcome reports: every figure shows."""

import datetime

from assessments.outcome_demo import STRUGGLING, outcome_demo_create
from assessments.outcome_managers import manager_report_build
from assessments.outcome_validity import hire_data, validity_report_build
from hiring.models import HireOutcome
from tests.factories import RubricVersionFactory

TODAY = datetime.date(2026, 12, 4)


def test_it_creates_hires_for_which_every_figure_shows(job, instrument_version):
    demo = outcome_demo_create(
        job=job,
        instrument_version=instrument_version,
        rubric_version=RubricVersionFactory(),
        today=TODAY,
    )
    data = hire_data(today=TODAY, job=job)
    validity = validity_report_build(data, job=job, today=TODAY)
    managers = manager_report_build(data, job=job, today=TODAY)

    assert demo.hires == HireOutcome.objects.count() == data.n == 240
    assert demo.left_before_90 > 20
    assert all(cell.estimable for row in validity.rows for cell in row.cells)
    assert all(
        cell.corrected is not None for row in validity.rows for cell in row.cells
    )
    for expectancy in validity.expectancy:
        assert sum(row.n for row in expectancy.rows) > 100
        assert sum(row.mean is not None for row in expectancy.rows) >= 3
    assert managers.retention_fit is not None
    assert managers.quota_fit is not None
    struggling = next(row for row in managers.managers if row.name == STRUGGLING)
    assert struggling.turnover.observed > struggling.turnover.expected
    # The manager, and the team that is only theirs.
    assert [row.name for row in managers.flagged] == [STRUGGLING, "Partner sales"]
