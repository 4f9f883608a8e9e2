"""The last minutes of a timed questionnaire: a warning that is seen wherever the
candidate has scrolled (not only heard), also on a page opened after the five
minutes began, and never over the answer that has keyboard focus."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Invitation
from tests.e2e.axe import assert_accessible
from tests.e2e.taking import item_keys, started_on_a_phone

pytestmark = [pytest.mark.e2e]

FIVE = "Less than five minutes left."
ONE = "Less than one minute left."
# Shown with a little over the threshold, so that the page itself crosses it.
OVER_FIVE_MINUTES = 302.6
OVER_ONE_MINUTE = 62.6
CROSSING_WAIT_MS = 8_000

# Whether the element's middle is its own (or its label's) on screen, not some
# other element's drawn over it.
UNCOVERED = """element => {
    const box = element.getBoundingClientRect();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const top = document.elementFromPoint(x, y);
    return top !== null && (element.closest("label") || element).contains(top);
}"""


def deadline_in(invitation, seconds: float) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        deadline_at=timezone.now() + timedelta(seconds=seconds)
    )


def scroll_to_the_end(page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def test_it_shows_and_says_the_warnings_wherever_the_candidate_is(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    deadline_in(invitation, OVER_FIVE_MINUTES)
    page.reload()
    warning = page.locator("#take-time-warning")
    expect(warning).to_be_hidden()
    scroll_to_the_end(page)

    expect(page.locator("#take-time-announce")).to_have_text(
        "Five minutes left.", timeout=CROSSING_WAIT_MS
    )
    expect(warning).to_have_text(FIVE)
    expect(warning).to_be_in_viewport()
    expect(page.locator("#take-clock")).to_be_in_viewport()

    deadline_in(invitation, OVER_ONE_MINUTE)
    page.reload()
    expect(warning).to_have_text(FIVE)
    expect(page.locator("#take-time-announce")).to_have_text(
        "One minute left.", timeout=CROSSING_WAIT_MS
    )
    expect(warning).to_have_text(ONE)


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 375, "height": 740},
        # A 1280 x 800 screen zoomed to 200 %.
        {"width": 640, "height": 400},
    ],
)
def test_it_warns_on_a_page_opened_late_without_hiding_the_focus(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    application,
    viewport,
):
    invitation, page = started_on_a_phone(new_context, application)
    page.set_viewport_size(viewport)
    deadline_in(invitation, 200)
    page.reload()

    warning = page.locator("#take-time-warning")
    expect(warning).to_have_text(FIVE)
    scroll_to_the_end(page)
    expect(warning).to_be_in_viewport()
    assert_accessible(page, axe_script, "a page in its last five minutes")

    keys = item_keys(page)
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(len(keys) * 5 + 3):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if focused.get_attribute("id") == "take-next":
            break
        assert focused.evaluate(UNCOVERED), (
            f"{focused.get_attribute('id')} is hidden under the time warning"
        )
    expect(page.locator("#take-next")).to_be_focused()
    assert page.locator("#take-next").evaluate(UNCOVERED)
