"""Answers given right before the browser closes are flushed, not lost."""

import time

import pytest
from playwright.sync_api import expect

from assessments.models import Response
from assessments.services import invitation_create, taking_pages
from assessments.tokens import invitation_link
from tests.e2e.taking import choose, item_keys, radio, start
from tests.integration.conftest import careful_answers

pytestmark = [pytest.mark.e2e]

# How long after the last click the browser is closed.
CLOSE_AFTER_MS = 50
# Clicked without waiting for any save, as a quick person does before closing.
QUICK_CLICKS = 4
ARRIVAL_TIMEOUT = 10
# A slow mobile connection: each autosave takes this long to reach the server, so
# the quick clicks are still queued when the browser closes.
LATENCY_MS = 400


def stored(invitation) -> dict[str, int]:
    return dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )


def wait_until_stored(invitation, keys: list[str]) -> dict[str, int]:
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while True:
        answers = stored(invitation)
        if all(key in answers for key in keys) or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


@pytest.mark.parametrize("width", [375, 1280])
def test_it_keeps_answers_clicked_just_before_the_browser_closed(
    transactional_db,
    site,
    browser,
    new_context,
    quiet_broker,
    instrument_version,
    application,
    width,
):
    invitation = invitation_create(application=application, user=None, send=False)
    link = invitation_link(invitation)
    answers = careful_answers(instrument_version.definition)
    first_page = taking_pages(invitation)[0]
    context = new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    start(page, link)

    keys = item_keys(page)
    settled, quick = keys[:-QUICK_CLICKS], keys[-QUICK_CLICKS:]
    for key in settled:
        choose(page, key, answers[key])
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )
    for key in quick:
        page.locator(f'label[for="item-{key}-{answers[key]}"]').click()
    page.wait_for_timeout(CLOSE_AFTER_MS // 2)
    context.close()

    saved = wait_until_stored(invitation, first_page)
    assert {key: saved.get(key) for key in quick} == {
        key: answers[key] for key in quick
    }

    # Reopening the link goes back where the candidate stopped, answers shown.
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(link)
    expect(page.locator("#take-resume")).to_be_visible()
    expect(page.locator("input[name=consent]")).to_have_count(0)
    page.locator("form.take-continue button").click()
    expect(page).to_have_url(f"{site}/take/session/page/2/")
    page.goto(f"{site}/take/session/page/1/")
    for key in first_page:
        expect(radio(page, key, answers[key])).to_be_checked()
