"""Keyboard and screen-reader basics of the questionnaire, in Spanish."""

import re

import pytest
from playwright.sync_api import expect

from assessments.services import invitation_create
from assessments.tokens import invitation_token, token_url
from tests.e2e.taking import start

pytestmark = [pytest.mark.e2e]

# Tab presses allowed before the first answer gets focus (the skip link first).
MAX_TABS = 5


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const label = element.closest("label");
            const labelStyle = label ? getComputedStyle(label) : null;
            return {
                id: element.id,
                type: element.type || "",
                outline: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth) || 0,
                shadow: style.boxShadow,
                labelOutline: labelStyle ? labelStyle.outlineStyle : "none",
            };
        }"""
    )


def has_visible_focus(state: dict) -> bool:
    return (
        (state["outline"] != "none" and state["outlineWidth"] > 0)
        or state["shadow"] not in ("", "none")
        or state["labelOutline"] != "none"
    )


def test_it_can_be_answered_by_keyboard_with_a_labelled_progress_bar(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    _invitation = invitation_create(application=application, user=None, send=False)
    token = invitation_token(_invitation)
    page = new_context().new_page()

    page.goto(token_url(token))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("nav.take-languages").get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("input[name=language]")).to_have_value("es")
    start(page)
    expect(page.locator("html")).to_have_attribute("lang", "es")

    first_radio = page.locator("fieldset.take-item").first.locator("input").first
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page)["type"] == "radio":
            break
    state = focused(page)
    assert state["id"] == first_radio.get_attribute("id"), state
    expect(first_radio).to_be_focused()
    assert has_visible_focus(state), f"no visible focus indicator: {state}"

    progress = page.get_by_role("progressbar")
    expect(progress).to_have_count(1)
    expect(progress).to_have_accessible_name(re.compile(r"\b1\b.*\b\d+\b"))
    expect(progress).to_have_accessible_name(
        page.locator("#take-progress-text").inner_text()
    )
