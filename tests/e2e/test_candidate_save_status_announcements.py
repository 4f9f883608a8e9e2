"""What the live regions of a page say while a candidate answers by keyboard:
a change of state once, never the same news after every answer."""

import pytest
from playwright.sync_api import expect

from tests.e2e.taking import (
    AUTOSAVE_PATH,
    is_autosave,
    item_keys,
    radio,
    started_on_a_phone,
)

pytestmark = [pytest.mark.e2e]

SAVED = "Saved"
NOT_SAVED = "Not saved yet — your answers will be saved when you continue"

# Every text written into a live region, in order, as a screen reader is told.
RECORD = """() => {
    window.spoken = [];
    for (const region of document.querySelectorAll("[aria-live], [role=status]")) {
        new MutationObserver(() => window.spoken.push(region.textContent.trim()))
            .observe(region, {childList: true, characterData: true, subtree: true});
    }
}"""


def press_and_wait(page, key: str, *, ok: bool = True) -> None:
    with page.expect_event(
        "requestfinished" if ok else "requestfailed",
        lambda request: request.url.endswith(AUTOSAVE_PATH),
    ):
        page.keyboard.press(key)


def spoken(page) -> list[str]:
    return page.evaluate("window.spoken")


def test_it_says_saved_once_and_each_change_of_state_once(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    _invitation, page = started_on_a_phone(new_context, application)
    first, second, third = item_keys(page)[:3]
    page.evaluate(RECORD)

    radio(page, first, 1).focus()
    press_and_wait(page, "Space")
    press_and_wait(page, "ArrowRight")
    press_and_wait(page, "ArrowRight")
    radio(page, second, 1).focus()
    with page.expect_response(is_autosave) as saved:
        page.keyboard.press("Space")
    assert saved.value.ok
    expect(page.locator("#take-save-status")).to_have_text(SAVED)
    assert spoken(page) == [SAVED]

    page.route(f"**{AUTOSAVE_PATH}", lambda route: route.abort())
    press_and_wait(page, "ArrowRight", ok=False)
    press_and_wait(page, "ArrowRight", ok=False)
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)
    assert spoken(page) == [SAVED, NOT_SAVED]

    page.unroute(f"**{AUTOSAVE_PATH}")
    radio(page, third, 1).focus()
    press_and_wait(page, "Space")
    expect(page.locator("#take-save-status")).to_have_text(SAVED)
    assert spoken(page) == [SAVED, NOT_SAVED, SAVED]
    expect(radio(page, first, 3)).to_be_checked()
    expect(radio(page, second, 3)).to_be_checked()
