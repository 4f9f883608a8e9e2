"""The job list: the user's jobs with one count per pipeline stage, in one query."""

import re

import pytest

from hiring.models import Stage
from tests.factories import ApplicationFactory, JobFactory, JobMemberFactory
from tests.hiring.support import logged_in


def _row(page: str, job) -> str:
    match = re.search(rf'<tr data-job="{job.pk}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {job}"
    return match.group(1)


def _counts(row: str) -> list[str]:
    return re.findall(r'<td class="numeric">(?:<strong>)?(\d+)', row)


def test_it_counts_the_applications_at_each_stage(client, job, alice):
    for stage, how_many in [
        (Stage.APPLIED, 3),
        (Stage.ASSESSING, 2),
        (Stage.OFFER, 1),
        (Stage.REJECTED, 4),
    ]:
        ApplicationFactory.create_batch(how_many, job=job, stage=stage)
    ApplicationFactory.create_batch(5, stage=Stage.APPLIED)  # another job

    page = logged_in(client, alice).get("/").content.decode()

    # applied, assessing, interviewing, offer, hired, rejected, withdrawn, total
    assert _counts(_row(page, job)) == ["3", "2", "0", "1", "0", "4", "0", "10"]


def test_it_lists_only_the_jobs_where_the_user_has_a_role(client, job, alice):
    other = JobFactory(title="Secret Expansion Role")

    page = logged_in(client, alice).get("/").content.decode()

    assert "Account Executive" in page
    assert "Secret Expansion Role" not in page
    assert f'data-job="{other.pk}"' not in page


def test_it_lists_every_job_for_an_administrator(client, job, admin_user):
    other = JobFactory(title="Secret Expansion Role")

    page = logged_in(client, admin_user).get("/").content.decode()

    assert f'href="/jobs/{job.pk}/"' in page
    assert f'href="/jobs/{other.pk}/"' in page


def test_it_shows_charlie_no_job(client, job, charlie):
    page = logged_in(client, charlie).get("/").content.decode()

    assert "Account Executive" not in page
    assert "no role on any job" in page


def test_it_shows_an_interviewer_the_job_but_not_its_pipeline(client, job, dana):
    ApplicationFactory.create_batch(2, job=job)

    page = logged_in(client, dana).get("/").content.decode()
    row = _row(page, job)

    assert "Account Executive" in row
    assert f'href="/jobs/{job.pk}/"' not in row
    assert "you interview for this job" in row.lower()
    assert _counts(row) == []


@pytest.mark.parametrize("job_count", [1, 8])
def test_it_reads_the_jobs_and_their_counts_in_one_query(
    client, django_assert_num_queries, alice, job_count
):
    for _ in range(job_count):
        other = JobFactory()
        JobMemberFactory(job=other, user=alice, role="recruiter")
        ApplicationFactory.create_batch(2, job=other)
    logged_in(client, alice)

    # session + user + the jobs with their counts + the two permission reads that
    # decide whether "New job" is offered
    with django_assert_num_queries(5):
        response = client.get("/")

    assert response.status_code == 200
