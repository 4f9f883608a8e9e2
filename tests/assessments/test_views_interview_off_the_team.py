"""Taking someone off a job's hiring team ends what they see of its interviews,
even those whose panel they sat on: no kit, no scorecard, no debrief with the
others' ratings and evidence, no place under "My interviews", and no reminder
for a scorecard they can no longer open. What they submitted stays."""

import pytest
from django.core import mail

from assessments import interview_services as services
from assessments.models import Scorecard
from hiring.models import JobMember
from hiring.services import job_team_member_remove
from tests.assessments.interview_support import submit
from tests.factories import PanelInterviewFactory, UserFactory
from tests.hiring.support import logged_in


@pytest.fixture
def erin(job):
    user = UserFactory(username="erin", first_name="Erin")
    JobMember.objects.create(job=job, user=user, role="interviewer")
    return user


@pytest.fixture
def interview(application, dana, erin):
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(dana, interview, [4, 4, 1, 4, 4, 4])
    submit(erin, interview, [4, 4, 5, 4, 4, 4])
    return interview


def _take_off_the_team(user, job, alice):
    member = JobMember.objects.get(job=job, user=user)
    job_team_member_remove(job=job, member_id=member.pk, actor=alice)


PAGES = ["", "kit/", "scorecard/", "debrief/"]


@pytest.mark.parametrize("page", PAGES)
def test_it_lets_a_panelist_on_the_team_in(client, interview, dana, page):
    response = logged_in(client, dana).get(f"/interviews/{interview.pk}/{page}")

    assert response.status_code in (200, 302)


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_nothing_to_a_panelist_taken_off_the_team(
    client, interview, job, dana, alice, page
):
    _take_off_the_team(dana, job, alice)

    response = logged_in(client, dana).get(f"/interviews/{interview.pk}/{page}")

    assert response.status_code == 404
    assert "Erin" not in response.content.decode()


def test_it_takes_no_scorecard_from_a_panelist_taken_off_the_team(
    client, application, job, dana, erin, alice
):
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    _take_off_the_team(dana, job, alice)

    response = logged_in(client, dana).post(
        f"/interviews/{interview.pk}/kit/", {"summary": "Written after leaving."}
    )

    assert response.status_code == 404
    assert not Scorecard.objects.filter(interview=interview, interviewer=dana).exists()


def test_it_leaves_the_interview_out_of_my_interviews(
    client, interview, job, dana, alice
):
    logged_in(client, dana)
    assert f"/interviews/{interview.pk}/" in client.get("/interviews/").content.decode()

    _take_off_the_team(dana, job, alice)

    assert (
        f"/interviews/{interview.pk}/"
        not in client.get("/interviews/").content.decode()
    )


def test_it_keeps_what_the_panelist_submitted(client, interview, job, dana, bob, alice):
    _take_off_the_team(dana, job, alice)

    page = logged_in(client, bob).get(f"/interviews/{interview.pk}/debrief/")

    assert page.status_code == 200
    assert "Dana" in page.content.decode()


def test_it_reminds_only_panelists_still_on_the_team(
    application, job, dana, erin, alice, django_capture_on_commit_callbacks
):
    PanelInterviewFactory(application=application, panel=[dana, erin])
    _take_off_the_team(dana, job, alice)

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.scorecard_reminders_send()

    assert sent == 1
    assert [message.to for message in mail.outbox] == [[erin.email]]
