"""The loop from hire to lesson on the demo data, in Chromium: a recruiter records
the outcome of a demo hire who has none yet and generates and prints their
development plan; an analyst then reads the validity and adverse impact reports,
which show figures. axe-core finds no WCAG A/AA violation on any page."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.management.demo_cohort import COHORT_JOB
from assessments.models import DevelopmentPlan
from assessments.rubric_definitions import rubrics_load
from hiring.models import Application, HireOutcome, Stage
from tests.e2e.axe import axe_violations
from tests.e2e.recruiting import log_in

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def demo(transactional_db, instrument_version, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    call_command("seed_demo", "--force", stdout=StringIO())
    users = get_user_model().objects.in_bulk(["rita", "hana"], field_name="username")
    for user in users.values():
        user.set_password("correct horse battery staple")
        user.save(update_fields=["password"])
    return users


def test_it_records_plans_and_reads_the_reports_on_the_demo(
    demo, site, new_context, axe_script
):
    hire = (
        Application.objects.filter(
            job__title=COHORT_JOB, stage=Stage.HIRED, outcome__isnull=True
        )
        .select_related("candidate")
        .first()
    )
    page = new_context().new_page()
    log_in(page, site, demo["rita"])

    # The outcome of a hire who has none yet.
    page.goto(f"{site}/applications/{hire.pk}/")
    section = page.locator("#outcome")
    expect(section).to_contain_text("No outcome recorded yet.")
    page.get_by_label("Start date").fill("2025-06-02")
    page.get_by_role("textbox", name="Manager", exact=True).fill("Ines Castro")
    page.get_by_role("textbox", name="Team", exact=True).fill("Enterprise")
    page.get_by_role(
        "radio", name="3: Meets expectations: the role's goals met"
    ).check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status").first).to_contain_text("Outcome recorded.")
    expect(section.locator('[data-employed="90"]')).to_have_text("Yes")
    expect(section.locator('[data-employed="180"]')).to_have_text("Yes")
    assert axe_violations(page, axe_script) == []
    assert HireOutcome.objects.get(application=hire).team == "Enterprise"

    # The hire's development plan, generated from their profile and printed.
    page.get_by_role("button", name="Generate the development plan").click()
    expect(page.locator(".messages")).to_contain_text("Development plan generated")
    goals = page.locator(".plan-goal")
    expect(goals.first).to_be_visible()
    assert 2 <= goals.count() <= 3
    assert axe_violations(page, axe_script) == []
    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Development plan")
    expect(page.locator("nav")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".plan-sheet-check-ins")).to_have_css("break-before", "page")
    page.emulate_media(media="screen")
    assert axe_violations(page, axe_script) == []
    plan = DevelopmentPlan.objects.get(application=hire)
    assert [c.day for c in plan.check_ins.all()] == [30, 60, 90]

    # The analyst reads what the outcomes teach.
    analyst = new_context().new_page()
    log_in(analyst, site, demo["hana"])
    analyst.get_by_role("link", name="Reports").click()
    assert axe_violations(analyst, axe_script) == []
    analyst.get_by_role("link", name="Criterion validity").click()
    expect(analyst.locator('[data-figure="hires"]')).to_have_text("59")
    assert analyst.locator('[data-figure="r"]').count() >= 10
    expect(analyst.get_by_role("img").first).to_be_visible()
    assert axe_violations(analyst, axe_script) == []

    analyst.go_back()
    analyst.get_by_role("link", name="Adverse impact").click()
    analyst.get_by_label("Job", exact=True).select_option(label=COHORT_JOB)
    analyst.get_by_label("Characteristic").select_option("gender")
    analyst.get_by_role("button", name="Show").click()
    table = analyst.locator("[data-point]").first
    expect(table.locator('tr[data-group="woman"] [data-figure="rate"]')).to_be_visible()
    expect(table.locator('tr[data-group="man"]')).to_be_visible()
    expect(analyst.locator('tr[data-group="non_binary"]')).to_have_count(0)
    assert axe_violations(analyst, axe_script) == []

    analyst.go_back()
    analyst.go_back()
    analyst.get_by_role("link", name="Managers and teams").click()
    expect(analyst.locator("body")).to_contain_text(
        "Field sales: 8 of 19 hires left before day 90"
    )
    assert axe_violations(analyst, axe_script) == []
