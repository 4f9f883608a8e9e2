"""The connection drops while a candidate answers: nothing given is lost, not even
when they press Next or Submit before it is back."""

import pytest
from playwright.sync_api import expect

from assessments.models import Response
from tests.e2e.taking import (
    AUTOSAVE_PATH,
    choose,
    item_keys,
    next_page,
    post_form,
    radio,
    started_on_a_phone,
)

pytestmark = [pytest.mark.e2e]

# Tenths of a second allowed for the saves sent when the connection is back.
SAVE_WAIT_TICKS = 50
NOT_SAVED = "Not saved yet — your answers will be saved when you continue"
NOT_SUBMITTED = (
    "No connection: your answers are not submitted yet. They are kept; "
    "press Submit again once you are back online."
)


def stored(invitation) -> dict[str, int]:
    return dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )


def test_it_keeps_answers_given_offline_through_next_and_saves_them_online(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    context = page.context
    first, second, third = item_keys(page)[:3]
    choose(page, first, 2)

    context.set_offline(True)
    page.locator(f'label[for="item-{second}-4"]').click()
    page.locator(f'label[for="item-{third}-5"]').click()
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)
    # Next while offline: the page stays, with every answer on it.
    page.locator("#take-next").click()
    page.wait_for_timeout(500)
    assert page.url == f"{site}/take/session/page/1/"
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)
    expect(radio(page, second, 4)).to_be_checked()
    expect(radio(page, third, 5)).to_be_checked()
    assert stored(invitation) == {first: 2}

    # Back online, the answers still pending are saved without a click, one
    # request each.
    saves = []
    page.on(
        "requestfinished",
        lambda request: request.url.endswith(AUTOSAVE_PATH) and saves.append(1),
    )
    context.set_offline(False)
    expect(page.locator("#take-save-status")).to_have_text("Saved")
    for _ in range(SAVE_WAIT_TICKS):
        if len(saves) == 2:
            break
        page.wait_for_timeout(100)
    assert len(saves) == 2
    assert stored(invitation) == {first: 2, second: 4, third: 5}
    next_page(page)
    expect(page).to_have_url(f"{site}/take/session/page/2/")


def test_it_stays_on_the_submit_page_offline_and_says_why(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    first = item_keys(page)[0]
    choose(page, first, 3)
    page.goto(f"{site}/take/session/submit/")
    page.context.set_offline(True)

    page.locator("#take-submit-form button[type=submit]").click()
    page.wait_for_timeout(500)

    # Not the browser's error page: the questionnaire, saying what happened.
    assert page.url == f"{site}/take/session/submit/"
    expect(page.locator("#take-submit-status")).to_have_text(NOT_SUBMITTED)
    expect(page.locator("#take-submit-form button[type=submit]")).to_be_focused()
    invitation.refresh_from_db()
    assert invitation.submitted_at is None

    page.context.set_offline(False)
    post_form(page, page.locator("#take-submit-form button[type=submit]"))
    expect(page.locator("#done-heading")).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    assert stored(invitation) == {first: 3}


def test_it_asks_before_leaving_with_answers_only_on_screen(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    first, second = item_keys(page)[:2]
    choose(page, first, 2)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    # Everything saved: leaving is not questioned.
    page.reload()
    assert dialogs == []

    page.context.set_offline(True)
    page.locator(f'label[for="item-{second}-4"]').click()
    expect(page.locator("#take-save-status")).to_have_text(NOT_SAVED)
    # Closing the tab (or reloading it) now would take the answer with it: the
    # browser asks first, and staying keeps it on screen.
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)

    assert dialogs == ["beforeunload"]
    assert not page.is_closed()
    expect(radio(page, second, 4)).to_be_checked()
    page.context.set_offline(False)
    expect(page.locator("#take-save-status")).to_have_text("Saved")
    assert stored(invitation) == {first: 2, second: 4}
