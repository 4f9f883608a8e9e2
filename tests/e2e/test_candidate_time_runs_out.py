"""The countdown reaching zero: what is on screen is kept and the attempt closes,
from a page of statements and from the submit page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Invitation, Response
from assessments.services import invitation_create
from assessments.tokens import invitation_link
from tests.e2e.taking import (
    AUTOSAVE_PATH,
    choose,
    item_keys,
    radio,
    start,
    started_on_a_phone,
)

pytestmark = [pytest.mark.e2e]

# Time left when the page is shown: a fraction of a second over whole seconds, so
# that a countdown that rounds down or fires early sends its post before the
# deadline.
SECONDS_LEFT = 4.6
# The countdown posts within a second of zero; the page then loads the next one.
WAIT_MS = (SECONDS_LEFT + 6) * 1000


def deadline_in(invitation, seconds: float) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        deadline_at=timezone.now() + timedelta(seconds=seconds)
    )


def stored(invitation) -> dict[str, int]:
    return dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )


def test_it_submits_the_page_on_screen_when_the_time_runs_out(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    first, second = item_keys(page)[:2]
    choose(page, first, 2)
    deadline_in(invitation, SECONDS_LEFT)
    page.reload()
    # The network fails for the autosave of the last answer: only the page post
    # that the countdown sends carries it.
    page.route(f"**{AUTOSAVE_PATH}", lambda route: route.abort())
    page.locator(f'label[for="item-{second}-4"]').click()
    expect(page.locator("#take-save-status")).to_have_text(
        "Not saved yet — your answers will be saved when you continue"
    )
    pages_shown = []
    page.on(
        "request",
        lambda request: (
            "/take/session/page/" in request.url
            and request.method == "GET"
            and pages_shown.append(request.url)
        ),
    )

    page.wait_for_url(f"{site}/take/session/done/", timeout=WAIT_MS)

    expect(page.locator("h1")).to_have_text("Time is up")
    # Straight to the end: no next page flashed up between.
    assert pages_shown == []
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.timed_out
    assert stored(invitation) == {first: 2, second: 4}


def test_it_submits_from_the_submit_page_as_timed_out(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation = invitation_create(application=application, user=None, send=False)
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    start(page, invitation_link(invitation))
    choose(page, item_keys(page)[0], 3)
    deadline_in(invitation, SECONDS_LEFT)
    page.goto(f"{site}/take/session/submit/")
    expect(page.locator("#take-clock")).to_have_text("0:05")

    page.wait_for_url(f"{site}/take/session/done/", timeout=WAIT_MS)

    expect(page.locator("h1")).to_have_text("Time is up")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.timed_out


def test_it_submits_once_the_connection_is_back_if_offline_at_zero(
    transactional_db, site, new_context, quiet_broker, instrument_version, application
):
    invitation, page = started_on_a_phone(new_context, application)
    context = page.context
    first = item_keys(page)[0]
    deadline_in(invitation, SECONDS_LEFT)
    page.reload()
    context.set_offline(True)
    page.locator(f'label[for="item-{first}-5"]').click()

    expect(page.locator("#take-clock")).to_have_text("0:00", timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    # Still the page, with the answer, not the browser's error page.
    assert page.url == f"{site}/take/session/page/1/"
    expect(radio(page, first, 5)).to_be_checked()
    assert stored(invitation) == {}

    context.set_offline(False)
    page.wait_for_url(f"{site}/take/session/done/")

    expect(page.locator("h1")).to_have_text("Time is up")
    invitation.refresh_from_db()
    assert invitation.timed_out
    assert stored(invitation) == {first: 5}
