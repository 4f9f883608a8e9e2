"""A recruiter invites, the candidate answers, a real worker scores, the report shows.

Needs PostgreSQL and Redis: the Celery worker is another process, on the test
database and a Redis database of its own (tests/integration/conftest.py).
"""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from assessments.models import Invitation, QuestionnaireResult
from tests.conftest import PASSWORD
from tests.e2e.taking import answer_rest_and_submit, start
from tests.integration.conftest import careful_answers, celery_broker

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SCORING_TIMEOUT = 60
SCALES = 5


def reload_until_report_link(page, *, timeout: float, log):
    """Reload the application page, as a recruiter would, until the report is in."""
    report = page.get_by_role("link", name="Open report")
    deadline = time.monotonic() + timeout
    while True:
        try:
            expect(report).to_be_visible(timeout=1_000)
        except AssertionError:
            if time.monotonic() > deadline:
                pytest.fail(f"No report after {timeout}s\n--- worker ---\n{log()}")
            page.reload()
        else:
            return report


def test_it_shows_the_scored_result_of_an_invited_candidate(
    start_worker,
    worker_redis,
    transactional_db,
    site,
    new_context,
    instrument_version,
    application,
    alice,
):
    # The worker starts while the browsers work; it is awaited before the submit.
    worker = start_worker()
    candidate = application.candidate

    recruiter = new_context().new_page()
    recruiter.goto(f"{site}/")
    expect(recruiter).to_have_url(re.compile(r"/accounts/login/"))
    recruiter.get_by_label("Username").fill(alice.username)
    recruiter.get_by_label("Password").fill(PASSWORD)
    recruiter.get_by_role("button", name="Log in").click()
    expect(recruiter.get_by_role("heading", name="Jobs", level=1)).to_be_visible()

    recruiter.get_by_role("link", name=application.job.title).click()
    expect(recruiter.get_by_role("heading", level=1)).to_have_text(
        application.job.title
    )
    recruiter.get_by_role("link", name=candidate.full_name).click()
    expect(recruiter.get_by_role("heading", level=1)).to_have_text(candidate.full_name)
    invite = recruiter.locator("#invite-form")
    invite.get_by_role("button", name="Send invitation").click()
    link_field = recruiter.get_by_label("Candidate's private link")
    expect(link_field).to_have_value(re.compile(rf"^{re.escape(site)}/take/.+/$"))
    link = link_field.input_value()

    invitation = Invitation.objects.get(application=application)
    assert [message.to for message in mail.outbox] == [[candidate.email]]
    assert link in mail.outbox[0].body

    answers = careful_answers(instrument_version.definition)
    taker = new_context().new_page()
    start(taker, link)
    worker.wait_ready()
    # The live server is a thread of this process: its enqueue must reach the
    # worker's Redis database.
    with celery_broker(worker_redis):
        answer_rest_and_submit(taker, answers)

    recruiter.reload()
    report = reload_until_report_link(
        recruiter, timeout=SCORING_TIMEOUT, log=worker.log
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SCORED
    assert QuestionnaireResult.objects.filter(invitation=invitation).count() == 1
    report.click()

    expect(recruiter.get_by_role("heading", level=1)).to_contain_text(
        candidate.full_name
    )
    chart = recruiter.locator("figure.chart svg[role=img]")
    expect(chart).to_have_attribute("aria-label", re.compile(r"\S"))
    expect(chart).to_be_visible()
    rows = recruiter.locator("table.table-scales tbody tr")
    expect(rows).to_have_count(SCALES)
    for index in range(SCALES):
        t_score = rows.nth(index).locator("td").nth(1)
        expect(t_score).to_have_text(re.compile(r"^\d{2,3}$"))
    expect(recruiter.locator("#provisional-norms")).to_be_visible()
    expect(recruiter.locator("#provisional-norms")).to_contain_text("provisional")
