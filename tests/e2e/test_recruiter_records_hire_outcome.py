"""A hiring manager records a hire's outcome on its page and imports outcomes from a
file, in Chromium: every field labelled, errors named next to their fields, no axe
violation."""

from datetime import date

import pytest
from playwright.sync_api import expect

from hiring.models import HireOutcome, Stage
from tests.conftest import PASSWORD
from tests.e2e.axe import axe_violations
from tests.factories import ApplicationFactory, CandidateFactory

pytestmark = [pytest.mark.e2e]


def _log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()


def test_it_records_an_outcome_on_the_hires_page(
    transactional_db, site, new_context, job, alice, bob, axe_script
):
    hire = ApplicationFactory(
        job=job, stage=Stage.HIRED, candidate=CandidateFactory(first_name="Lucía")
    )
    page = new_context().new_page()
    _log_in(page, site, bob)

    page.goto(f"{site}/applications/{hire.pk}/")
    section = page.locator("#outcome")
    expect(section.get_by_role("heading", name="Outcome")).to_be_visible()
    expect(section).to_contain_text("No outcome recorded yet.")
    assert axe_violations(page, axe_script) == []

    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_role("textbox", name="Manager", exact=True).fill("Dana Reyes")
    page.get_by_label("Leaving date").fill("2026-02-01")
    page.get_by_label("Leaving reason").select_option("voluntary")
    rating = page.get_by_role(
        "radio", name="4: Above expectations: goals met and some exceeded"
    )
    rating.focus()
    page.keyboard.press("Space")
    expect(rating).to_be_checked()
    page.get_by_label("Year, row 1").fill("2026")
    page.get_by_label("Quarter, row 1").select_option("2")
    page.get_by_label("Attainment in percent, row 1").fill("96.5")
    page.get_by_role("button", name="Record the outcome").press("Enter")

    leaving = page.get_by_label("Leaving date")
    expect(leaving).to_have_attribute("aria-invalid", "true")
    expect(leaving).to_have_accessible_description(
        "Empty while the hire is still employed. "
        "The leaving date cannot be before the start date."
    )
    assert axe_violations(page, axe_script) == []
    assert not HireOutcome.objects.exists()

    leaving.fill("")
    page.get_by_label("Leaving reason").select_option("")
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.get_by_role("status").first).to_contain_text("Outcome recorded.")
    expect(section.locator("#outcome-facts")).to_contain_text("2026-Q2: 96.5 %")
    expect(section.locator('[data-employed="90"]')).to_have_text("Yes")
    outcome = HireOutcome.objects.get(application=hire)
    assert outcome.start_date == date(2026, 3, 2)
    assert outcome.performance_rating == 4
    assert outcome.recorded_by == bob


def test_it_imports_outcomes_from_a_file_after_a_preview(
    transactional_db, site, new_context, job, alice, axe_script
):
    hire = ApplicationFactory(
        job=job,
        stage=Stage.HIRED,
        external_id="app-ana",
        candidate=CandidateFactory(email="ana@example.org", first_name="Ana"),
    )
    page = new_context().new_page()
    _log_in(page, site, alice)
    page.goto(f"{site}/jobs/{job.pk}/")

    page.get_by_role("link", name="Import hire outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import hire outcomes")
    assert axe_violations(page, axe_script) == []
    rows = page.get_by_label("Or paste the rows")
    rows.fill(
        "application_external_id,start_date,manager,performance_rating,2026-Q1\n"
        "app-ana,2026-01-12,Dana Reyes,9,85\n"
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#import-problems")).to_contain_text("1 row has a problem")
    expect(page.locator('[data-line="2"]')).to_contain_text(
        "The performance rating “9” is not 1 to 5."
    )
    assert axe_violations(page, axe_script) == []

    rows.fill(rows.input_value().replace(",9,", ",4,"))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("status").first).to_contain_text("ready to import")
    page.get_by_role("button", name="Import 1 row").click()

    expect(page.get_by_role("status").first).to_contain_text("1 new")
    outcome = HireOutcome.objects.get(application=hire)
    assert outcome.performance_rating == 4
    assert outcome.quotas.get().quarter == 1
