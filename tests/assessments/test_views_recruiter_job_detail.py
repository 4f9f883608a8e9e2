"""A job's applications with their latest invitation and current result."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Invitation
from hiring.services import application_decide
from tests.factories import (
    ApplicationFactory,
    InstrumentVersionFactory,
    InvitationFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def _row(page: str, application) -> str:
    match = re.search(
        rf'<tr data-application="{application.pk}">(.*?)</tr>', page, re.S
    )
    assert match, f"no row for application {application.pk}"
    return match.group(1)


def _scored_applications(job, count: int) -> None:
    version = InstrumentVersionFactory()
    for _ in range(count):
        QuestionnaireResultFactory(
            invitation__application__job=job, invitation__instrument_version=version
        )


def test_it_shows_stage_invitation_band_validity_and_composite(client, job, alice):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        band="strong_fit",
        composite=0.734,
        validity_status="valid",
    )
    waiting = InvitationFactory(application=ApplicationFactory(job=job))
    never = ApplicationFactory(job=job)

    page = logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()

    scored = _row(page, result.invitation.application)
    assert "Scored" in scored
    assert "Strong fit" in scored
    assert "Valid" in scored
    assert "0.73" in scored
    assert f'href="/results/{result.pk}/"' in scored
    assert "Sent" in _row(page, waiting.application)
    assert "No result yet" in _row(page, waiting.application)
    assert "Not invited" in _row(page, never)


def test_it_keeps_showing_the_older_result_while_a_new_invitation_is_open(
    client, job, alice
):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    application = result.invitation.application
    InvitationFactory(
        application=application,
        instrument_version=result.invitation.instrument_version,
        status=Invitation.Status.OPENED,
    )

    row = _row(
        logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode(), application
    )

    assert "Opened" in row
    assert f'href="/results/{result.pk}/"' in row


def test_it_ignores_results_that_are_no_longer_current(client, job, alice):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    type(result).objects.filter(pk=result.pk).update(is_current=False)

    row = _row(
        logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode(),
        result.invitation.application,
    )

    assert "No result yet" in row


def test_it_reads_the_same_number_of_queries_for_1_and_10_applications(
    client, job, alice, django_assert_num_queries
):
    logged_in(client, alice)
    _scored_applications(job, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/jobs/{job.pk}/")

    _scored_applications(job, 9)
    # session, user, job, role, counts by stage, the page's count, applications,
    # invitations, results, the job's results for the groups, the plan
    with django_assert_num_queries(11):
        response = client.get(f"/jobs/{job.pk}/")

    assert len(one.captured_queries) == 11
    assert response.content.decode().count("data-application=") == 10


def test_it_says_on_hold_beside_the_stage_and_repeats_no_other_decision(
    client, job, alice
):
    rejected, held, advanced = (
        application_decide(
            application=ApplicationFactory(job=job, stage="assessing"),
            user=alice,
            decision=decision,
            reason="On the evidence.",
        )
        for decision in ("reject", "hold", "advance")
    )

    page = logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()

    assert re.sub(r"\s+", " ", _row(page, held)).count("Assessing") == 1
    assert "(on hold)" in _row(page, held)
    assert "(Reject)" not in _row(page, rejected)
    assert "Rejected" in _row(page, rejected)
    assert "(Advance)" not in _row(page, advanced)
