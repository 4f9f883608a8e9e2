"""The optional questions after the questionnaire, in a real browser: accessible
on a phone, answered with the keyboard, saved once."""

import pytest
from playwright.sync_api import expect

from hiring.models import SelfIdentification
from tests.e2e.axe import assert_accessible
from tests.e2e.taking import post_form, started_on_a_phone

pytestmark = [pytest.mark.e2e]


def test_it_lets_a_candidate_answer_with_the_keyboard_on_a_phone(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    application,
):
    _invitation, page = started_on_a_phone(new_context, application)
    page.goto(f"{site}/take/session/submit/")
    post_form(page, page.locator("#take-submit-form button[type=submit]"))
    expect(page.locator("#self-id-heading")).to_be_visible()
    assert_accessible(page, axe_script, "the optional questions")

    page.locator("#id_gender_0").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.locator("#id_age_band_5").check()
    # The form posts to its own address, then comes back to the done page.
    with page.expect_response(
        lambda response: response.url.endswith("/take/session/about-you/")
    ) as posted:
        page.locator("button[value=save]").click()
    assert posted.value.status == 302
    page.wait_for_load_state("domcontentloaded")

    expect(page.locator("#self-id [role=status]")).to_contain_text("were saved")
    assert_accessible(page, axe_script, "the answers saved")
    row = SelfIdentification.objects.get(candidate=application.candidate)
    assert (row.gender, row.age_band) == ("man", "prefer_not")
