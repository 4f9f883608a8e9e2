""" "My interviews": the interviews a user sits on, and nothing of any result."""

from tests.factories import (
    InterviewFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def test_it_lists_the_interviews_where_the_user_is_on_the_panel(
    client, job, alice, dana
):
    mine = InterviewFactory(
        application__job=job, title="Role play", interviewers=[dana, alice]
    )
    InterviewFactory(application__job=job, title="Panel two", interviewers=[alice])

    page = logged_in(client, dana).get("/interviews/").content.decode()

    assert f'data-interview="{mine.pk}"' in page
    assert "Role play" in page
    assert mine.application.candidate.full_name in page
    assert "Panel two" not in page


def test_it_shows_an_interviewer_no_result_and_no_application_link(client, job, dana):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    InterviewFactory(application=result.invitation.application, interviewers=[dana])

    page = logged_in(client, dana).get("/interviews/").content.decode()

    assert "/results/" not in page
    assert "/applications/" not in page
    assert "Fit" not in page
    assert "0.49" not in page


def test_it_tells_someone_on_no_panel_so(client, charlie):
    page = logged_in(client, charlie).get("/interviews/").content.decode()

    assert "not on any interview panel" in page
