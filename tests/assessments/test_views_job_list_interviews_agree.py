"""An interviewer's job list and "My interviews" say the same thing."""

import re

import pytest

from tests.factories import (
    ApplicationFactory,
    InterviewFactory,
    JobFactory,
    JobMemberFactory,
)
from tests.hiring.support import logged_in


def _row(page: str, job) -> str:
    return re.search(rf'<tr data-job="{job.pk}">(.*?)</tr>', page, re.S).group(1)


def _listed(client) -> int:
    page = client.get("/interviews/").content.decode()
    return len(re.findall(r"data-interview=", page))


def test_it_promises_no_interview_when_none_is_scheduled(client, job, dana):
    ApplicationFactory.create_batch(2, job=job)
    InterviewFactory(application__job=job, interviewers=[])  # not on its panel
    logged_in(client, dana)

    row = _row(client.get("/").content.decode(), job)

    assert 'data-interviews="0"' in row
    assert "no interview with you on the panel is scheduled yet" in row
    assert _listed(client) == 0


def test_it_counts_the_interviews_my_interviews_lists(client, job, dana):
    InterviewFactory.create_batch(2, application__job=job, interviewers=[dana])
    elsewhere = JobFactory()
    InterviewFactory(application__job=elsewhere, interviewers=[dana])
    logged_in(client, dana)

    row = _row(client.get("/").content.decode(), job)

    assert 'data-interviews="2"' in row
    assert "You sit on 2 interviews for this job" in row
    assert 'href="/interviews/"' in row
    assert _listed(client) == 3


@pytest.mark.parametrize("interviews", [1, 6])
def test_it_counts_them_in_the_same_one_query(
    client, django_assert_num_queries, dana, job, interviews
):
    for _ in range(3):
        other = JobFactory()
        JobMemberFactory(job=other, user=dana, role="interviewer")
        InterviewFactory.create_batch(
            interviews, application__job=other, interviewers=[dana]
        )
    logged_in(client, dana)

    # session, user, the jobs with their counts, two permission reads ("New job")
    with django_assert_num_queries(5):
        response = client.get("/")

    assert response.content.decode().count(f'data-interviews="{interviews}"') == 3
