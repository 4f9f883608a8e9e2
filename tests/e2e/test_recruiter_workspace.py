"""A recruiter's day without the admin site, on a phone and on a desktop: a job
and its plan, three candidates from CSV (one row corrected), two invited at once,
a report read; the invalid result shows no band. axe-core checks every page."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from assessments.models import Invitation
from hiring.models import Application, Job
from tests.assessments.workspace_support import validity
from tests.e2e.axe import assert_accessible
from tests.e2e.recruiting import log_in
from tests.factories import (
    InvitationFactory,
    QuestionnaireResultFactory,
)

pytestmark = [pytest.mark.e2e]

CSV_WITH_A_MISTAKE = (
    "first name,last name,email,language\n"
    "Ana,Ruiz,ana@example.org,es\n"
    "Ben,Okafor,ben(at)example.org,en\n"
    "Chloé,Martin,chloe@example.org,en\n"
)


@pytest.mark.parametrize("width", [375, 1280])
def test_it_runs_a_recruiters_day_in_the_browser(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    alice,
    width,
):
    alice.user_permissions.add(Permission.objects.get(codename="add_job"))
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, site, alice)

    # A job, created as a draft, then its plan.
    page.get_by_role("link", name="New job").click()
    assert_accessible(page, axe_script, "new job")
    page.get_by_label("Title").fill("Inside Sales Representative")
    page.get_by_label("Location").fill("Valencia")
    page.get_by_role("button", name="Create job").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessment plan")
    job = Job.objects.get(title="Inside Sales Representative")
    assert job.status == Job.Status.DRAFT
    assert_accessible(page, axe_script, "plan")
    page.get_by_label("Self-discipline").fill("0.40")
    page.get_by_role("button", name="Preview without saving").click()
    expect(page.locator("#plan-preview-table tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Assessment plan saved.")).to_be_visible()
    assert job.assessment_plan.scale_weights["self_discipline"] == pytest.approx(0.4)

    page.get_by_role("link", name="Details and status").click()
    assert_accessible(page, axe_script, "details and status")
    page.get_by_role("button", name="Open the job").click()
    expect(page.get_by_text("The job is open")).to_be_visible()
    page.get_by_role("link", name="Hiring team").click()
    assert_accessible(page, axe_script, "hiring team")

    # Three candidates from CSV; the preview names the wrong row, which is fixed.
    page.get_by_role("link", name="Pipeline").click()
    page.get_by_role("link", name="Import from CSV").click()
    assert_accessible(page, axe_script, "import")
    page.get_by_label("Or paste the rows").fill(CSV_WITH_A_MISTAKE)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-problems")).to_be_visible()
    expect(page.locator('tr[data-line="3"]')).to_contain_text("is not an email address")
    assert_accessible(page, axe_script, "import preview with a problem")
    assert not Application.objects.filter(job=job).exists()
    rows = page.get_by_label("Or paste the rows")
    rows.fill(rows.input_value().replace("ben(at)example.org", "ben@example.org"))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("All 3 rows are ready to import.")).to_be_visible()
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("3 candidates added to the pipeline")).to_be_visible()
    assert Application.objects.filter(job=job).count() == 3

    # Two invited in one action.
    ana, ben, chloe = (
        Application.objects.get(job=job, candidate__email=f"{n}@example.org")
        for n in ("ana", "ben", "chloe")
    )
    page.locator(f"#select-{ana.pk}").check()
    page.locator(f"#select-{ben.pk}").check()
    page.get_by_role("button", name="Invite the selected candidates").click()
    expect(page.get_by_text("2 candidates invited")).to_be_visible()
    assert_accessible(page, axe_script, "pipeline")
    invitations = Invitation.objects.filter(application__job=job)
    assert {i.application_id for i in invitations} == {ana.pk, ben.pk}
    assert invitations.get(application=ana).language == "es"

    # The application page: the whole link, with a copy button.
    page.get_by_role("link", name="Ana Ruiz").click()
    expect(page.locator("textarea[data-invitation-link]")).to_contain_text("/take/")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert_accessible(page, axe_script, "application")

    # Results arrive (written as the scorer stores them): a report is read.
    valid = QuestionnaireResultFactory(
        invitation=InvitationFactory(
            application=chloe, status=Invitation.Status.SCORED
        ),
        validity_status="valid",
        band="strong_fit",
        composite=0.81,
        validity=validity(),
    )
    invalid = QuestionnaireResultFactory(
        invitation=InvitationFactory(application=ben, status=Invitation.Status.SCORED),
        validity_status="invalid",
        band="strong_fit",
        composite=1.3,
        validity=validity(longstring=(40, True)),
    )
    page.goto(f"{site}/jobs/{job.pk}/?sort=composite")
    expect(page.locator(f'tr[data-application="{ben.pk}"]')).to_contain_text(
        "Invalid answers"
    )
    expect(page.locator(f'tr[data-application="{ben.pk}"]')).not_to_contain_text(
        "Strong fit"
    )
    page.locator(f'tr[data-application="{chloe.pk}"]').get_by_role(
        "link", name=re.compile("Open report")
    ).click()
    expect(page.locator("#band")).to_have_text("Strong fit")
    expect(page.locator("#composite")).to_have_text("+0.81")
    assert_accessible(page, axe_script, "report")
    page.get_by_role("link", name="Composite", exact=True).click()
    expect(page.locator("#glossary-composite")).to_be_in_viewport()

    page.goto(f"{site}/results/{invalid.pk}/")
    expect(page.locator("#verdict")).to_contain_text("These answers cannot be trusted")
    expect(page.locator("#band")).to_have_count(0)
    expect(page.locator("#composite")).to_have_count(0)
    expect(page.locator(".report")).not_to_contain_text("Strong fit")
    assert_accessible(page, axe_script, "invalid report")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#decision-form")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto(f"{site}/glossary/")
    assert_accessible(page, axe_script, "glossary")
    page.goto(f"{site}/jobs/{job.pk}/candidates/new/")
    assert_accessible(page, axe_script, "add a candidate")
    assert valid.pk
