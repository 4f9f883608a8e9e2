"""A candidate on a phone closes the tab midway and loses nothing."""

import pytest
from playwright.sync_api import expect

from assessments.models import Invitation, Response
from assessments.services import invitation_create, taking_pages
from assessments.tokens import invitation_token, token_url
from tests.e2e.taking import (
    MOBILE,
    answer_rest_and_submit,
    choose,
    choose_by_keyboard,
    item_keys,
    next_page,
    radio,
    scroll_width,
    start,
)
from tests.integration.conftest import careful_answers

pytestmark = [pytest.mark.e2e]

PHONE_WIDTH = MOBILE["viewport"]["width"]
# Answered on the second page before the tab is closed, saved only by the script.
AUTOSAVED_ONLY = 3


def assert_fits_the_phone(page) -> None:
    assert scroll_width(page) <= PHONE_WIDTH, f"horizontal scroll on {page.url}"


def assert_items_are_fieldsets_with_legends(page) -> None:
    structure = page.evaluate(
        """() => ({
            items: document.querySelectorAll("fieldset.take-item").length,
            legends: document.querySelectorAll(
                "fieldset.take-item > legend:first-child").length,
            radios: document.querySelectorAll("input[type=radio]").length,
            radiosInItems: document.querySelectorAll(
                "fieldset.take-item input[type=radio]").length,
        })"""
    )
    assert structure["items"] > 0
    assert structure["legends"] == structure["items"]
    assert structure["radiosInItems"] == structure["radios"]


def test_it_resumes_on_a_phone_with_every_answer_kept(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation = invitation_create(application=application, user=None, send=False)
    token = invitation_token(invitation)
    pages = taking_pages(invitation)
    answers = careful_answers(instrument_version.definition)
    context = new_context(**MOBILE)

    page = context.new_page()
    page.goto(token_url(token))
    assert_fits_the_phone(page)
    start(page)
    assert page.url == f"{site}/take/session/page/1/"
    assert_fits_the_phone(page)
    assert_items_are_fieldsets_with_legends(page)

    first, *others = item_keys(page)
    assert [first, *others] == pages[0]
    choose_by_keyboard(page, first, answers[first])
    for key in others:
        choose(page, key, answers[key])
    next_page(page)

    expect(page).to_have_url(f"{site}/take/session/page/2/")
    autosaved = item_keys(page)[:AUTOSAVED_ONLY]
    for key in autosaved:
        choose(page, key, answers[key])
    expect(page.locator("#take-save-status")).to_have_text("Saved")
    page.close()

    # Same context, so the session cookie survives the closed tab.
    page = context.new_page()
    page.goto(f"{site}/take/session/")
    expect(page).to_have_url(f"{site}/take/session/page/2/")
    for key in pages[1]:
        if key in autosaved:
            expect(radio(page, key, answers[key])).to_be_checked()
        else:
            expect(page.locator(f"#q-{key} input:checked")).to_have_count(0)
    page.goto(f"{site}/take/session/page/1/")
    for key in pages[0]:
        expect(radio(page, key, answers[key])).to_be_checked()
    page.goto(f"{site}/take/session/page/2/")

    answer_rest_and_submit(page, answers)
    expect(page.locator("#done-heading")).to_have_text(
        "Thank you, your answers were submitted"
    )
    assert_fits_the_phone(page)

    stored = dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )
    assert len(stored) == sum(len(keys) for keys in pages)
    assert stored == {key: answers[key] for keys in pages for key in keys}
    invitation.refresh_from_db()
    assert invitation.status in {
        Invitation.Status.SUBMITTED,
        Invitation.Status.SCORED,
    }
