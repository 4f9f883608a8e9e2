"""Two interviewers fill in their scorecards on a 768 px tablet, one disagreeing
strongly; the hiring manager's debrief shows that competency first and records the
decision. axe-core checks the kit, the scorecard and the debrief (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import ScorecardVersion
from hiring.models import Stage
from tests.conftest import PASSWORD, service_missing
from tests.factories import JobMemberFactory, PanelInterviewFactory, UserFactory

pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TABLET = {"width": 768, "height": 1024}
# The pages' CSP allows only the site's own scripts; the test's injected axe-core is
# let through by the browser context, not by the server.
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

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


def axe_violations(page) -> list[dict]:
    if not AXE.is_file():
        service_missing(
            f"axe-core is not installed at {AXE} (npm ci --prefix tests/e2e)"
        )
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                nodes: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        WCAG_A_AA,
    )


def log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()


def fill_scorecard(page, site, user, interview, ratings, recommendation):
    log_in(page, site, user)
    page.goto(f"{site}/interviews/")
    page.get_by_role("link", name="Open the kit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interview kit")
    assert axe_violations(page) == []

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
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit and lock the scorecard").click()
    expect(page.get_by_text("Scorecard submitted and locked.")).to_be_visible()
    expect(page.get_by_text("Submitted (version 1)")).to_be_visible()


def test_it_debriefs_a_disagreement_and_records_the_decision(
    transactional_db, site, new_context, application, job, bob
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
        page = new_context(viewport=TABLET, bypass_csp=True).new_page()
        fill_scorecard(page, site, user, interview, ratings, recommendation)
    assert ScorecardVersion.objects.count() == 2

    manager = new_context(viewport=TABLET, bypass_csp=True).new_page()
    log_in(manager, site, bob)
    manager.goto(f"{site}/interviews/{interview.pk}/debrief/")
    expect(manager.get_by_role("heading", name=re.compile("Debrief"))).to_be_visible()
    flagged = manager.locator("[data-flagged]")
    expect(flagged).to_have_count(1)
    expect(flagged.first).to_have_attribute("data-flagged", "coachability")
    expect(flagged.first).to_contain_text("Erin's evidence on coachability")
    first_row = manager.locator("[data-competency-row]").first
    expect(first_row).to_have_attribute("data-competency-row", "coachability")
    assert axe_violations(manager) == []

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
