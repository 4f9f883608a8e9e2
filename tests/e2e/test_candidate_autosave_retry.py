"""The server fails an autosave while the browser is online (a 502 during a deploy,
a dropped request): the page keeps saying so and sends the answer again by itself,
and never says "Saved" while an answer is still unsaved."""

import pytest
from playwright.sync_api import expect

from assessments.models import Response
from tests.e2e.taking import AUTOSAVE_PATH, choose, item_keys, started_on_a_phone

pytestmark = [pytest.mark.e2e]

SAVED = "Saved"
NOT_SAVED = "Not saved yet — your answers will be saved when you continue"
# The first retry comes within a few seconds; well inside the explicit waits.
RETRY_WAIT_MS = 8_000


def stored(invitation) -> dict[str, int]:
    return dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )


def fail_first(page, count: int) -> list[int]:
    """The next ``count`` autosaves get a 502; the statuses sent, in order."""
    statuses = []

    def handle(route):
        if len(statuses) < count:
            statuses.append(502)
            route.fulfill(status=502, body="Bad gateway", content_type="text/html")
        else:
            statuses.append(200)
            route.continue_()

    page.route(f"**{AUTOSAVE_PATH}", handle)
    return statuses


def wait_until_stored(page, invitation, expected: dict[str, int]) -> None:
    for _ in range(RETRY_WAIT_MS // 100):
        if stored(invitation) == expected:
            return
        page.wait_for_timeout(100)
    assert stored(invitation) == expected


def test_it_sends_a_failed_save_again_without_a_click(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    first = item_keys(page)[0]
    statuses = fail_first(page, 1)

    page.locator(f'label[for="item-{first}-2"]').click()
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)

    wait_until_stored(page, invitation, {first: 2})
    expect(page.locator("#take-save-status")).to_have_text(SAVED)
    assert statuses[:2] == [502, 200]


def test_it_does_not_say_saved_while_an_earlier_answer_is_unsaved(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    first, second = item_keys(page)[:2]
    # Saves of the first answer fail until it is mended; others go through.
    broken = {"first": True}

    def handle(route):
        if broken["first"] and f'"{first}"' in (route.request.post_data or ""):
            route.fulfill(status=502, body="Bad gateway", content_type="text/html")
        else:
            route.continue_()

    page.route(f"**{AUTOSAVE_PATH}", handle)
    page.locator(f'label[for="item-{first}-2"]').click()
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)

    choose(page, second, 4)
    page.wait_for_timeout(300)

    assert stored(invitation) == {second: 4}
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)
    broken["first"] = False
    wait_until_stored(page, invitation, {first: 2, second: 4})
    expect(page.locator("#take-save-status")).to_have_text(SAVED)
