"""The workspace's single-object pages read a fixed number of queries, whatever
else the job holds."""

import pytest

from tests.factories import (
    ApplicationFactory,
    InvitationFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def crowd(job, count: int) -> None:
    for _ in range(count):
        QuestionnaireResultFactory(invitation__application__job=job)
        InvitationFactory(application=ApplicationFactory(job=job))


@pytest.mark.parametrize("others", [0, 15])
def test_it_reads_the_report_in_fixed_queries(
    client, job, alice, django_assert_num_queries, others
):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    crowd(job, others)
    logged_in(client, alice)

    # session, user, the result with its joins, role, the audit row, and for
    # "invite again" the plan's link validity and whether an invitation is open
    with django_assert_num_queries(7):
        response = client.get(f"/results/{result.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("others", [0, 15])
def test_it_reads_the_plan_in_fixed_queries(
    client, job, alice, instrument_version, django_assert_num_queries, others
):
    ApplicationFactory.create_batch(others, job=job)
    logged_in(client, alice)

    # session, user, job, role, the plan (or the default instrument and its latest
    # version), the versions to choose from, the default interview guide and the
    # guides to choose from, "has a plan": none of them a list of the job's rows
    with django_assert_num_queries(12):
        response = client.get(f"/jobs/{job.pk}/plan/")

    assert response.status_code == 200


@pytest.mark.parametrize("others", [0, 15])
def test_it_reads_the_add_candidate_page_in_fixed_queries(
    client, job, alice, django_assert_num_queries, others
):
    crowd(job, others)
    logged_in(client, alice)

    # session, user, job, role
    with django_assert_num_queries(4):
        response = client.get(f"/jobs/{job.pk}/candidates/new/")

    assert response.status_code == 200
