"""The hiring team: add a person with a role, change it, remove them."""

import re

import pytest

from hiring.models import AuditEvent, JobMember
from tests.factories import JobMemberFactory, UserFactory
from tests.hiring.support import logged_in


def test_it_adds_a_person_with_a_role(client, job, alice, charlie):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/team/", {"user": charlie.pk, "role": "interviewer"}
    )

    assert response.status_code == 302
    assert JobMember.objects.get(job=job, user=charlie).role == "interviewer"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TEAM_MEMBER_ADDED
    ).exists()


def test_it_changes_the_role_of_someone_already_on_the_team(client, job, alice, dana):
    logged_in(client, alice).post(
        f"/jobs/{job.pk}/team/", {"user": dana.pk, "role": "hiring_manager"}
    )

    assert JobMember.objects.filter(job=job, user=dana).count() == 1
    assert JobMember.objects.get(job=job, user=dana).role == "hiring_manager"


def test_it_asks_before_taking_a_person_off_and_says_what_goes(
    client, job, alice, dana
):
    member = JobMember.objects.get(job=job, user=dana)

    response = logged_in(client, alice).post(f"/jobs/{job.pk}/team/{member.pk}/remove/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Take Dana" in page
    assert "any scorecard they have not submitted is deleted" in page
    assert 'name="confirm" value="yes"' in page
    assert JobMember.objects.filter(pk=member.pk).exists()


def test_it_removes_a_person(client, job, alice, dana):
    member = JobMember.objects.get(job=job, user=dana)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/team/{member.pk}/remove/", {"confirm": "yes"}
    )

    assert response.status_code == 302
    assert not JobMember.objects.filter(pk=member.pk).exists()
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_it_keeps_the_last_recruiter(client, job, alice):
    member = JobMember.objects.get(job=job, user=alice)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/team/{member.pk}/remove/", {"confirm": "yes"}, follow=True
    )

    assert JobMember.objects.filter(pk=member.pk).exists()
    assert "A job needs at least one recruiter" in response.content.decode()


def test_it_names_a_missing_choice(client, job, alice):
    response = logged_in(client, alice).post(f"/jobs/{job.pk}/team/", {"role": "x"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert "Select a valid choice." in page


@pytest.mark.parametrize("members", [1, 12])
def test_it_reads_the_team_in_the_same_queries(
    client, job, alice, django_assert_num_queries, members
):
    for _ in range(members):
        JobMemberFactory(job=job, user=UserFactory(), role="interviewer")
    logged_in(client, alice)

    # session, user, job, role, the team, the people to choose from
    with django_assert_num_queries(6):
        response = client.get(f"/jobs/{job.pk}/team/")

    assert len(re.findall(r"data-member=", response.content.decode())) == members + 1
