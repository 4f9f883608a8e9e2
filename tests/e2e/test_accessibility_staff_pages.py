"""The staff pages on a 360 px phone and by keyboard: a wide table scrolls inside its
own box, not the page (WCAG 1.4.10); after a refused form the focus lands on the
errors, each tied to its field; the erase page in Spanish passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hiring.models import Stage
from tests.e2e.axe import assert_accessible
from tests.e2e.recruiting import log_in
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InvitationFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
)

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 360, "height": 740}


def page_scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth"
        " > document.documentElement.clientWidth"
    )


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_it_keeps_the_pipeline_and_the_job_list_within_a_phone_screen(
    transactional_db, site, new_context, axe_script, job, alice, dana
):
    for name in ("Maximiliano", "Anastasia"):
        application = ApplicationFactory(
            job=job,
            stage=Stage.ASSESSING,
            candidate=CandidateFactory(first_name=name, last_name="Villanueva-Soto"),
        )
        QuestionnaireResultFactory(
            invitation=InvitationFactory(application=application)
        )

    recruiter = new_context(viewport=PHONE).new_page()
    log_in(recruiter, site, alice)
    recruiter.goto(f"{site}/jobs/{job.pk}/")
    expect(recruiter.get_by_role("link", name="Open report").first).to_be_attached()
    assert not page_scrolls_sideways(recruiter), "the pipeline widens the page"
    assert_accessible(recruiter, axe_script, "pipeline on a phone")

    interviewer = new_context(viewport=PHONE).new_page()
    log_in(interviewer, site, dana)
    expect(interviewer.get_by_role("heading", name="Jobs", level=1)).to_be_visible()
    assert not page_scrolls_sideways(interviewer), "the job list widens the page"
    assert_accessible(interviewer, axe_script, "job list on a phone")


def test_it_puts_the_focus_on_the_errors_of_the_scheduling_form(
    transactional_db, site, new_context, axe_script, application, alice, dana
):
    application.stage = Stage.INTERVIEWING
    application.save()
    page = new_context().new_page()
    log_in(page, site, alice)
    page.goto(f"{site}/applications/{application.pk}/interviews/new/")
    page.get_by_label("Date and time").fill("2031-03-04T10:00")
    page.get_by_role("button", name="Schedule and invite the panel").click()

    expect(page.locator("#form-errors")).to_be_visible()
    assert focused_id(page) == "form-errors"
    panel = page.get_by_role("group", name="Panel")
    expect(panel).to_have_attribute(
        "aria-describedby", "interviewers-help interviewers-error"
    )
    expect(page.locator("#interviewers-error")).to_contain_text("required")
    assert_accessible(page, axe_script, "scheduling form with an error")


def test_it_puts_the_focus_on_the_errors_of_a_scorecard_rated_by_keyboard(
    transactional_db, site, new_context, axe_script, application, dana
):
    interview = PanelInterviewFactory(application=application, panel=[dana])
    page = new_context().new_page()
    log_in(page, site, dana)
    page.goto(f"{site}/interviews/{interview.pk}/scorecard/")

    # A rating of 1 without its evidence, chosen and sent with the keyboard only.
    page.locator('input[name="rating-coachability"][value="1"]').focus()
    page.keyboard.press("Space")
    expect(page.locator('input[name="rating-coachability"][value="1"]')).to_be_checked()
    page.get_by_role("button", name="Submit and lock the scorecard").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#form-errors")).to_contain_text("not complete")
    assert focused_id(page) == "form-errors"
    notes = page.get_by_role("textbox", name="Evidence notes: Coachability")
    expect(notes).to_have_attribute(
        "aria-describedby", "notes-coachability-help notes-coachability-error"
    )
    assert_accessible(page, axe_script, "scorecard with errors")


def test_it_finds_no_violation_on_the_erase_page_in_spanish_on_a_phone(
    transactional_db, site, new_context, axe_script, application, alice
):
    application.stage = Stage.REJECTED
    application.save()
    page = new_context(viewport=PHONE).new_page()
    log_in(page, site, alice)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.goto(f"{site}/candidates/{application.candidate_id}/privacy/erase/")
    expect(page.get_by_role("button", name="Borrar definitivamente")).to_be_visible()
    assert_accessible(page, axe_script, "erase page in Spanish on a phone")
