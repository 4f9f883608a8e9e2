"""seed_demo's past intake gives every outcome report figures to show: hires with
outcomes, a team that loses good hires, self-identification with a group too small
to show, a development plan shared with its manager, and an analyst to read it."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessments.adverse_impact import adverse_impact_figures
from assessments.management.demo_cohort import COHORT_JOB
from assessments.models import DevelopmentPlan
from assessments.outcome_managers import manager_report
from assessments.outcome_validity import validity_report
from assessments.rubric_definitions import rubrics_load
from hiring.models import Application, HireOutcome, Job, SelfIdentification, Stage
from hiring.selectors import reports_readable


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(instrument_version):
    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    call_command("seed_demo", "--force", stdout=StringIO())
    return Job.objects.get(title=COHORT_JOB)


@pytest.fixture
def hana(seeded):
    return get_user_model().objects.get(username="hana")


def test_it_records_outcomes_for_all_but_two_hires(seeded):
    hires = Application.objects.filter(job=seeded, stage=Stage.HIRED)

    assert hires.count() == 60
    assert HireOutcome.objects.filter(application__job=seeded).count() == 58
    assert hires.filter(outcome__isnull=True).count() == 2
    assert seeded.status == Job.Status.CLOSED


def test_it_gives_the_validity_report_figures(hana):
    report = validity_report(user=hana, today=timezone.localdate())

    estimable = [
        cell for row in report.rows for cell in row.cells if cell.r is not None
    ]
    assert report.hires >= 58
    assert len(estimable) >= 10
    assert all(cell.n >= report.min_n for cell in estimable)


def test_it_flags_the_team_that_loses_good_hires(hana):
    report = manager_report(user=hana, today=timezone.localdate())

    assert {row.name for row in report.flagged} == {"Marco Ruiz", "Field sales"}


def test_it_hides_the_group_under_five_in_the_adverse_impact_report(seeded, hana):
    assert reports_readable(hana) == {"outcomes", "adverse_impact"}
    figures = adverse_impact_figures(characteristic="gender", jobs=[seeded])

    points = figures.jobs[0].points
    shown = {group.group for point in points for group in point.groups}
    assert {"woman", "man"} <= shown
    assert "non_binary" not in shown
    assert SelfIdentification.objects.filter(gender="non_binary").count() == 3
    assert all(point.comparable for point in points)


def test_it_shares_a_development_plan_with_the_hires_manager(seeded):
    plan = DevelopmentPlan.objects.get(application__job=seeded)

    assert plan.is_shared_with_manager
    assert plan.application.outcome.manager.username == "hugo"
    assert plan.application.outcome.leaving_date is None  # still on the team
    assert 2 <= plan.goals.count() <= 3
    assert [c.day for c in plan.check_ins.all()] == [30, 60, 90]
