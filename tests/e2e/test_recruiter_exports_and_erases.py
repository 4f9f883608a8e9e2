"""A recruiter exports a candidate's data and erases it, by keyboard, in Chromium."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.privacy.notices import privacy_notice_publish
from hiring.models import AuditEvent, Candidate, Stage
from hiring.services import candidate_add_to_job
from tests.assessments.privacy_support import EMAIL, FIRST_NAME, dossier_create
from tests.conftest import PASSWORD
from tests.e2e.axe import axe_violations
from tests.factories import JobFactory, JobMemberFactory, UserFactory

pytestmark = [pytest.mark.e2e]


def _log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()


def test_it_exports_then_erases_a_withdrawn_candidate(
    transactional_db, site, new_context, job, alice, dana, axe_script
):
    dossier = dossier_create(
        job=job, recruiter=alice, interviewer=dana, stage=Stage.WITHDRAWN
    )
    page = new_context(accept_downloads=True).new_page()
    _log_in(page, site, alice)

    page.goto(f"{site}/applications/{dossier.application.pk}/")
    page.get_by_role("link", name="Consent, retention, export and erasure").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(FIRST_NAME)
    assert axe_violations(page, axe_script) == []

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the JSON file").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["candidate"]["email"] == EMAIL

    page.get_by_role("link", name=re.compile("Erase this candidate")).click()
    expect(page.get_by_text("cannot be undone").first).to_be_visible()
    assert axe_violations(page, axe_script) == []
    confirm = page.get_by_label("I understand that the erasure cannot be undone.")
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.get_by_role("button", name="Erase for good").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("personal data was erased")
    expect(page.locator("main")).not_to_contain_text(EMAIL)
    assert Candidate.objects.get(pk=dossier.candidate.pk).is_erased
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditEvent.Action.EXPORT, AuditEvent.Action.ERASURE} <= actions


def test_it_sends_the_recruiter_of_another_job_to_an_administrator(
    transactional_db, site, new_context, job, alice, dana, axe_script
):
    dossier = dossier_create(
        job=job, recruiter=alice, interviewer=dana, stage=Stage.WITHDRAWN
    )
    other_job = JobFactory(title="Warehouse Lead")
    erin = UserFactory(username="erin")
    JobMemberFactory(job=other_job, user=erin, role="recruiter")
    candidate_add_to_job(
        job=other_job, actor=erin, first_name="A", last_name="B", email=EMAIL
    )
    page = new_context().new_page()
    _log_in(page, site, erin)

    page.goto(f"{site}/candidates/{dossier.candidate.pk}/privacy/")

    expect(page.locator("#other-jobs-notice")).to_contain_text(
        "an administrator must handle this request"
    )
    expect(page.locator("main")).not_to_contain_text(job.title)
    expect(page.get_by_role("button", name="Download the JSON file")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Erase"))).to_have_count(0)
    assert axe_violations(page, axe_script) == []


def test_it_shows_the_privacy_notice_in_spanish(
    transactional_db, site, new_context, admin_user, axe_script
):
    # transactional_db empties the table the migrations seeded.
    privacy_notice_publish(
        text_en="Who\nUs.\n\nA person decides\nAlways.",
        text_es="Quién\nNosotros.\n\nDecide una persona\nSiempre.",
        user=admin_user,
    )
    page = new_context().new_page()

    page.goto(f"{site}/privacy/?lang=es")

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Decide una persona")).to_be_visible()
    assert axe_violations(page, axe_script) == []
