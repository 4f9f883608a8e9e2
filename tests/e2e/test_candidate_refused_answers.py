"""Answers the server refuses (a value no button offers): the page says so where
focus is, and saves nothing."""

import pytest
from playwright.sync_api import expect

from assessments.models import Response
from hiring.models import SelfIdentification
from tests.e2e.axe import assert_accessible
from tests.e2e.taking import item_keys, radio, started_on_a_phone

pytestmark = [pytest.mark.e2e]


def test_it_focuses_the_error_of_a_refused_page(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    application,
):
    invitation, page = started_on_a_phone(new_context, application)
    key = item_keys(page)[-1]
    page.route("**/take/session/autosave/", lambda route: route.abort())
    radio(page, key, 5).evaluate("input => { input.value = '9'; }")
    page.locator(f'label[for="item-{key}-5"]').click()

    with page.expect_navigation():
        page.locator("#take-next").click()

    expect(page.locator("#take-page-error")).to_be_focused()
    assert page.url == f"{site}/take/session/page/1/"
    assert_accessible(page, axe_script, "a refused page")
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_focuses_the_error_of_refused_answers_about_the_candidate(
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
    with page.expect_navigation():
        page.locator("#take-submit-form button[type=submit]").click()
    page.locator("#id_gender_0").evaluate("input => { input.value = 'bogus'; }")
    page.locator("#id_gender_0").check()

    with page.expect_navigation():
        page.locator("button[value=save]").click()

    expect(page.locator("#self-id-errors")).to_be_focused()
    assert_accessible(page, axe_script, "refused answers about the candidate")
    assert not SelfIdentification.objects.filter(
        candidate=application.candidate
    ).exists()
