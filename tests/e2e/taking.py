"""What a candidate does in the browser, step by step, shared by the e2e tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

AUTOSAVE_PATH = "/take/session/autosave/"
# Browser context options of a 375 px wide phone.
MOBILE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}


def is_autosave(response) -> bool:
    return response.url.endswith(AUTOSAVE_PATH) and response.request.method == "POST"


def post_form(page: Page, button) -> None:
    """Press a form's submit button; the post must answer with a redirect.

    Checked on the response itself, so a refused post fails at once and says why
    instead of as a missing element after a timeout.
    """
    url = page.url
    with page.expect_response(
        lambda response: response.request.method == "POST" and response.url == url
    ) as posted:
        button.click()
    response = posted.value
    if response.status not in {301, 302, 303}:
        found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text(), re.DOTALL)
        heading = re.sub(r"<[^>]+>", "", found.group(1)) if found else ""
        heading = " ".join(heading.split())
        raise AssertionError(
            f"POST {url} answered {response.status} ({heading}), not a redirect"
        )
    page.wait_for_load_state("domcontentloaded")


def start(page: Page, link: str | None = None) -> None:
    """Consent and start on the landing page (opened from ``link`` if given)."""
    if link is not None:
        page.goto(link)
    page.locator("input[name=consent]").check()
    post_form(page, page.locator("form.take-start button[type=submit]"))
    expect(page.locator("#take-page-form")).to_be_visible()


def started_on_a_phone(new_context, application):
    """A new invitation of ``application``, opened and started in a new
    phone-sized page; returns ``(invitation, page)``."""
    from assessments.services import invitation_create
    from assessments.tokens import invitation_link

    invitation = invitation_create(application=application, user=None, send=False)
    page = new_context(**MOBILE).new_page()
    start(page, invitation_link(invitation))
    return invitation, page


def item_keys(page: Page) -> list[str]:
    """The item keys of the page shown, in their order on screen."""
    return page.locator("fieldset.take-item").evaluate_all(
        "sets => sets.map(set => set.id.replace(/^q-/, ''))"
    )


def radio(page: Page, key: str, value: int):
    return page.locator(f"#item-{key}-{value}")


def choose(page: Page, key: str, value: int) -> None:
    """Click the label of an answer and wait until the script has autosaved it.

    Waiting for each save keeps the requests one at a time, the way a person
    answers, and means a page left right after still has every answer stored.
    """
    with page.expect_response(is_autosave) as saved:
        page.locator(f'label[for="item-{key}-{value}"]').click()
    assert saved.value.ok, saved.value.text()
    expect(radio(page, key, value)).to_be_checked()


def choose_by_keyboard(page: Page, key: str, value: int) -> None:
    """Focus an answer, Space selects it, ArrowRight and ArrowLeft move back to it."""
    presses = ["Space"] + (["ArrowRight", "ArrowLeft"] if value < 5 else [])
    radio(page, key, value).focus()
    for press in presses:
        with page.expect_response(is_autosave) as saved:
            page.keyboard.press(press)
        assert saved.value.ok, saved.value.text()
    expect(radio(page, key, value)).to_be_checked()


def next_page(page: Page) -> None:
    post_form(page, page.locator("#take-next"))


def answer_rest_and_submit(page: Page, answers: dict[str, int]) -> None:
    """From the page shown, answer what is left on every page, then submit."""
    while page.locator("#take-page-form").count():
        for key in item_keys(page):
            if not radio(page, key, answers[key]).is_checked():
                choose(page, key, answers[key])
        next_page(page)
    expect(page.locator("#submit-heading")).to_be_visible()
    post_form(page, page.locator("#take-submit-form button[type=submit]"))
    expect(page.locator("#done-heading")).to_be_visible()


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")
