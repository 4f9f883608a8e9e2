"""The outcome reports in the browser, on a phone and on a desktop: an
administrator reads the validity report, filters it to a job, follows the link
to the manager report and sees the flagged manager. axe-core checks both."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.outcome_demo import STRUGGLING, outcome_demo_create
from tests.e2e.axe import assert_accessible
from tests.e2e.recruiting import log_in
from tests.factories import RubricVersionFactory

pytestmark = [pytest.mark.e2e]


@pytest.mark.parametrize("width", [375, 1280])
def test_it_reads_the_outcome_reports_in_the_browser(
    transactional_db,
    site,
    new_context,
    axe_script,
    instrument_version,
    job,
    admin_user,
    width,
):
    outcome_demo_create(
        job=job,
        instrument_version=instrument_version,
        rubric_version=RubricVersionFactory(),
        today=timezone.localdate(),
    )
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, site, admin_user)

    page.goto(f"{site}/")
    page.get_by_role("link", name="Reports", exact=True).click()
    assert_accessible(page, axe_script, "reports index")
    page.get_by_role("link", name="Criterion validity").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Criterion validity")
    expect(
        page.get_by_role("img", name="Employed at 90 days by fit band")
    ).to_be_visible()
    assert_accessible(page, axe_script, "validity report")

    page.get_by_label("Job", exact=True).select_option(label=job.title)
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-figure="hires"]')).to_have_text("240")
    page.get_by_role("link", name="Managers and teams").first.click()
    expect(page.locator('[data-figure="flagged"]')).to_contain_text(STRUGGLING)
    assert_accessible(page, axe_script, "manager report")
