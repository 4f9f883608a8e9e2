"""A recruiter generates a hire's development plan and prints it; the hire opens
their private link and agrees to share it; their manager then reads it. Every
page passes axe-core at WCAG A and AA."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import DevelopmentPlan
from tests.e2e.axe import axe_violations
from tests.e2e.recruiting import log_in
from tests.factories import HireOutcomeFactory, UserFactory
from tests.factories.development import hire_for

pytestmark = [pytest.mark.e2e]


def test_a_plan_is_generated_printed_opened_and_shared(
    transactional_db, site, new_context, job, alice, axe_script
):
    manager = UserFactory(username="morgan", first_name="Morgan")
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, manager=manager, manager_name="Morgan")
    page = new_context().new_page()
    log_in(page, site, alice)

    page.goto(f"{site}/applications/{hire.pk}/")
    expect(page.get_by_role("heading", name="Development plan")).to_be_visible()
    page.get_by_role("button", name="Generate the development plan").click()

    expect(page.locator(".messages")).to_contain_text("Development plan generated")
    expect(page.get_by_role("heading", name="Goals")).to_be_visible()
    expect(page.locator(".plan-goal")).to_have_count(3)
    assert axe_violations(page, axe_script) == []

    page.get_by_label("Held on").first.fill("2026-02-03")
    page.get_by_label("Notes").first.fill("Kept the prospecting blocks.")
    page.get_by_role("button", name="Save check-in").first.click()
    expect(page.locator(".messages")).to_contain_text("saved")

    link = page.get_by_label("Hire's private link (give it only to the hire)")
    url = link.input_value()
    assert "/my-plan/" in url

    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Development plan")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator("form")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".plan-sheet-check-ins")).to_have_css("break-before", "page")
    page.emulate_media(media="screen")
    assert axe_violations(page, axe_script) == []

    hire_page = new_context().new_page()
    hire_page.goto(url)
    expect(
        hire_page.get_by_role("heading", name="Your development plan")
    ).to_be_visible()
    assert axe_violations(hire_page, axe_script) == []
    hire_page.get_by_role("button", name="Open my plan").click()

    expect(hire_page).to_have_url(re.compile(r"/my-plan/session/$"))
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert token not in hire_page.url
    expect(hire_page.locator(".plan-goal")).to_have_count(3)
    assert axe_violations(hire_page, axe_script) == []
    hire_page.get_by_role("button", name="Share my plan with my manager").click()

    expect(hire_page.get_by_role("status")).to_contain_text(
        "Your manager can now see your plan"
    )
    assert axe_violations(hire_page, axe_script) == []
    assert DevelopmentPlan.objects.get().shared_with_manager_at is not None

    manager_page = new_context().new_page()
    log_in(manager_page, site, manager)
    manager_page.goto(f"{site}/development-plans/")
    manager_page.get_by_role("link", name=hire.candidate.full_name).click()
    expect(manager_page.locator(".plan-goal")).to_have_count(3)
    expect(manager_page.get_by_text("Kept the prospecting blocks.")).to_be_visible()
    assert axe_violations(manager_page, axe_script) == []
