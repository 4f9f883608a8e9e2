"""Two interviewers fill in their scorecards on a 768 px tablet, one disagreeing
strongly; the hiring manager's debrief shows that competency first and records the
decision. axe-core checks the kit, the scorecard and the debrief (WCAG A and AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessments.models import ScorecardVersion
from hiring.models import Stage
from tests.conftest import PASSWORD
from tests.e2e.axe import assert_accessible
from tests.factories import JobMemberFactory, PanelInterviewFactory, UserFactory

pytestmark = [pytest.mark.e2e]

TABLET = {"width": 768, "height": 1024}

# Dana hears a candidate who used feedback; Erin one who argued with it.
DANA = {"coachability": "5", "rest": "4"}
ERIN = {"coachability": "1", "rest": "4"}
COMPETENCIES = [
    "prospecting_discipline",
    "motivation_goals",
    "coachability",
    "resilience_rejection",
    "accountability",
    "customer_focus",
]


def log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()


def fill_scorecard(page, site, axe, user, ratings, recommendation):
    log_in(page, site, user)
    page.goto(f"{site}/interviews/")
    page.get_by_role("link", name="Open the kit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interview kit")
    assert_accessible(page, axe)

    # Rate in the kit, as during the interview; the draft saves itself.
    for key in COMPETENCIES:
        rating = ratings.get(key, ratings["rest"])
        section = page.locator(f'[data-competency="{key}"]')
        section.locator(f'input[name="rating-{key}"][value="{rating}"]').check()
        section.get_by_role("textbox").fill(
            f"{user.first_name}'s evidence on {key}: a concrete example with numbers."
        )
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")

    page.get_by_role("link", name="Review and submit the scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scorecard")
    page.get_by_role("radio", name=recommendation, exact=True).check()
    assert_accessible(page, axe)
    page.get_by_role("button", name="Submit and lock the scorecard").click()
    expect(page.get_by_text("Scorecard submitted and locked.")).to_be_visible()
    expect(page.get_by_text("Submitted (version 1)")).to_be_visible()


def test_it_debriefs_a_disagreement_and_records_the_decision(
    transactional_db, site, new_context, axe_script, application, job, bob
):
    dana = UserFactory(username="dana", first_name="Dana")
    erin = UserFactory(username="erin", first_name="Erin")
    for user in (dana, erin):
        JobMemberFactory(job=job, user=user, role="interviewer")
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    application.stage = Stage.INTERVIEWING
    application.save()

    for user, ratings, recommendation in (
        (dana, DANA, "Strong yes"),
        (erin, ERIN, "No"),
    ):
        page = new_context(viewport=TABLET).new_page()
        fill_scorecard(page, site, axe_script, user, ratings, recommendation)
    assert ScorecardVersion.objects.count() == 2

    manager = new_context(viewport=TABLET).new_page()
    log_in(manager, site, bob)
    manager.goto(f"{site}/interviews/{interview.pk}/debrief/")
    expect(manager.get_by_role("heading", name=re.compile("Debrief"))).to_be_visible()
    flagged = manager.locator("[data-flagged]")
    expect(flagged).to_have_count(1)
    expect(flagged.first).to_have_attribute("data-flagged", "coachability")
    expect(flagged.first).to_contain_text("Erin's evidence on coachability")
    first_row = manager.locator("[data-competency-row]").first
    expect(first_row).to_have_attribute("data-competency-row", "coachability")
    assert_accessible(manager, axe_script)

    manager.get_by_role("combobox", name="Decision").select_option("advance")
    manager.get_by_role("textbox", name="Reason").fill(
        "Strong on five competencies; coachability split, checked with references."
    )
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.get_by_text("Decision recorded.")).to_be_visible()
    expect(manager.locator("[data-decision]")).to_have_attribute(
        "data-decision", "advance"
    )
    application.refresh_from_db()
    assert application.decision == "advance"
    assert application.stage == Stage.OFFER
