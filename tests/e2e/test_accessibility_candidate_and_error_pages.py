"""axe-core finds no WCAG 2.2 A/AA violation on the candidate pages and on the
403, 404 and 500 pages, on a phone and on a desktop."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from playwright.sync_api import expect

from assessments.services import invitation_create
from assessments.tokens import invitation_link
from tests.e2e.axe import assert_accessible
from tests.e2e.recruiting import log_in
from tests.e2e.taking import choose, item_keys, next_page, start
from tests.factories import (
    QuestionnaireResultFactory,
)

pytestmark = [pytest.mark.e2e]

WIDTHS = [375, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_it_finds_no_violation_on_the_candidate_pages(
    transactional_db,
    site,
    new_context,
    quiet_broker,
    axe_script,
    instrument_version,
    application,
    width,
):
    invitation = invitation_create(application=application, user=None, send=False)
    link = invitation_link(invitation)
    page = new_context(viewport={"width": width, "height": 800}).new_page()

    page.goto(link)
    assert_accessible(page, axe_script, "landing")
    start(page)
    assert_accessible(page, axe_script, "first page")
    key = item_keys(page)[0]
    choose(page, key, 4)
    next_page(page)
    page.goto(f"{site}/take/session/submit/")
    expect(page.locator("#take-unanswered")).to_be_visible()
    assert_accessible(page, axe_script, "submit with unanswered statements")

    other = new_context(viewport={"width": width, "height": 800}).new_page()
    other.goto(link)
    expect(other.locator("#take-resume")).to_be_visible()
    assert_accessible(other, axe_script, "landing of a started attempt")
    other.locator("form.take-continue button").click()
    expect(other.locator("#take-page-form")).to_be_visible()
    other.goto(f"{site}/take/{'x' * 43}/")
    assert_accessible(other, axe_script, "a link that does not work")
    page.reload()
    expect(page.locator("h1")).to_have_text(
        "The questionnaire was opened somewhere else"
    )
    assert_accessible(page, axe_script, "stale session")


@pytest.mark.parametrize("width", WIDTHS)
def test_it_finds_no_violation_on_the_error_pages(
    transactional_db, site, new_context, axe_script, job, dana, width
):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    page = new_context(viewport={"width": width, "height": 800}).new_page()

    response = page.goto(f"{site}/no/such/page/")
    assert response.status == 404
    assert_accessible(page, axe_script, "404 before logging in")

    html = server_error(RequestFactory().get("/")).content.decode()
    page.route(
        f"{site}/broken/",
        lambda route: route.fulfill(status=500, body=html, content_type="text/html"),
    )
    page.goto(f"{site}/broken/")
    expect(page.locator("[data-status='500']")).to_be_visible()
    assert_accessible(page, axe_script, "500")

    log_in(page, site, dana)
    response = page.goto(f"{site}/results/{result.pk}/")
    assert response.status == 403
    assert_accessible(page, axe_script, "403")
    response = page.goto(f"{site}/jobs/999999/")
    assert response.status == 404
    assert_accessible(page, axe_script, "404 of a team member")
    page.goto(f"{site}/")
    assert_accessible(page, axe_script, "an interviewer's job list")
