"""Starting without consent, by keyboard on a phone: the error is where focus is."""

import pytest
from playwright.sync_api import expect

from assessments.services import invitation_create
from assessments.tokens import invitation_link
from tests.e2e.axe import assert_accessible
from tests.e2e.taking import MOBILE

pytestmark = [pytest.mark.e2e]

MAX_TABS = 20


def tab_to(page, selector: str) -> None:
    target = page.locator(selector)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached in {MAX_TABS} Tab presses")


def in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }"""
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_moves_focus_to_the_error_of_a_start_without_consent(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    application,
    language,
):
    invitation = invitation_create(
        application=application, user=None, send=False, language=language
    )
    page = new_context(**MOBILE).new_page()
    page.goto(invitation_link(invitation))

    tab_to(page, "form.take-start button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    summary = page.locator("#take-start-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert in_viewport(page, "#take-start-errors"), "the error is off screen"
    consent = page.locator("input[name=consent]")
    message = consent.evaluate(
        "box => document.getElementById(box.getAttribute('aria-describedby'))"
        ".textContent"
    )
    expect(summary).to_contain_text(message.strip())
    expect(consent).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe_script, f"landing with the consent error ({language})")

    # The summary links to the box; from there Space ticks it and Start starts.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    tab_to(page, "form.take-start button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#take-page-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
