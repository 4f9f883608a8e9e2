"""The independence rule on every route: before submitting their own scorecard an
interviewer sees no other scorecard and no aggregate; recruiters and the hiring
manager see everything; someone off the panel sees nothing."""

import pytest

from assessments.interview_selectors import interview_access
from assessments.interview_services import scorecard_submit
from tests.assessments.interview_support import (
    EVIDENCE,
    form_data,
    scorecard_input,
    submit,
)
from tests.factories import JobMemberFactory, PanelInterviewFactory, UserFactory
from tests.hiring.support import logged_in

B_SECRET = "B thinks the prospecting story was invented"


@pytest.fixture
def erin(job):
    user = UserFactory(username="erin", first_name="Erin")
    JobMemberFactory(job=job, user=user, role="interviewer")
    return user


@pytest.fixture
def interview(application, dana, erin):
    return PanelInterviewFactory(application=application, panel=[dana, erin])


@pytest.fixture
def erin_submitted(interview, erin, django_capture_on_commit_callbacks):

    card = scorecard_input([1, 4, 4, 4, 4, 4], "definitely_not")
    card.notes["prospecting_discipline"] = B_SECRET
    with django_capture_on_commit_callbacks(execute=True):
        scorecard_submit(
            access=interview_access(user=erin, interview_id=interview.pk),
            scorecard=card,
        )
    return interview


PANELIST_ROUTES = ["interview_detail", "interview_kit", "scorecard"]


def _get(client, name, interview):
    return client.get(
        f"/interviews/{interview.pk}/"
        + {
            "interview_detail": "",
            "interview_kit": "kit/",
            "scorecard": "scorecard/",
            "interview_debrief": "debrief/",
        }[name]
    )


@pytest.mark.parametrize("route", [*PANELIST_ROUTES, "interview_debrief"])
def test_it_shows_an_interviewer_nothing_of_a_colleague_before_submitting(
    client, erin_submitted, dana, route
):
    response = _get(logged_in(client, dana), route, erin_submitted)

    page = response.content.decode()
    assert B_SECRET not in page
    assert "data-interview-score" not in page
    if route == "interview_debrief":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


def test_it_refuses_the_decision_to_a_panelist_before_submitting(
    client, erin_submitted, dana, job
):
    # Dana is promoted to hiring manager but still sits on the panel.
    job.members.filter(user=dana).update(role="hiring_manager")
    response = logged_in(client, dana).post(
        f"/interviews/{erin_submitted.pk}/decide/",
        {"decision": "reject", "reason": "Because."},
    )
    assert response.status_code == 403
    erin_submitted.application.refresh_from_db()
    assert erin_submitted.application.decision == ""


def test_it_hides_the_panel_from_a_hiring_manager_who_sits_on_it(
    client, erin_submitted, dana, job
):
    job.members.filter(user=dana).update(role="hiring_manager")

    debrief = _get(logged_in(client, dana), "interview_debrief", erin_submitted)
    application = client.get(f"/applications/{erin_submitted.application_id}/")

    assert debrief.status_code == 403
    assert B_SECRET not in debrief.content.decode()
    page = application.content.decode()
    assert application.status_code == 200
    assert "hidden until you submit your scorecard" in page
    assert "data-interview-score" not in page


def test_it_opens_the_panel_once_the_interviewer_has_submitted(
    client, erin_submitted, dana, django_capture_on_commit_callbacks
):
    submit(
        dana,
        erin_submitted,
        [5, 4, 4, 4, 4, 4],
        capture=django_capture_on_commit_callbacks,
    )

    response = _get(logged_in(client, dana), "interview_debrief", erin_submitted)

    assert response.status_code == 200
    assert B_SECRET in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_it_shows_recruiters_and_the_hiring_manager_everything(
    client, erin_submitted, request, who
):
    user = request.getfixturevalue(who)

    response = _get(logged_in(client, user), "interview_debrief", erin_submitted)

    page = response.content.decode()
    assert response.status_code == 200
    assert B_SECRET in page
    assert "data-interview-score" in page


@pytest.mark.parametrize("route", [*PANELIST_ROUTES, "interview_debrief"])
def test_it_shows_someone_off_the_panel_nothing(client, erin_submitted, charlie, route):
    response = _get(logged_in(client, charlie), route, erin_submitted)

    assert response.status_code == 404
    assert B_SECRET not in response.content.decode()


def test_it_shows_an_interviewer_of_the_job_off_this_panel_nothing(
    client, erin_submitted, job
):
    frank = UserFactory(username="frank")
    JobMemberFactory(job=job, user=frank, role="interviewer")

    for route in [*PANELIST_ROUTES, "interview_debrief"]:
        assert _get(logged_in(client, frank), route, erin_submitted).status_code == 404


def test_it_keeps_the_kit_to_the_panel_for_a_recruiter_who_is_not_on_it(
    client, erin_submitted, alice
):
    assert (
        _get(logged_in(client, alice), "interview_kit", erin_submitted).status_code
        == 403
    )
    saved = client.post(
        f"/interviews/{erin_submitted.pk}/kit/", form_data([3] * 6, notes=EVIDENCE)
    )
    assert saved.status_code == 403


def test_it_does_not_count_submitted_colleagues_on_my_scorecard_page(
    client, erin_submitted, dana
):
    page = _get(logged_in(client, dana), "scorecard", erin_submitted).content.decode()

    assert "Open the panel" not in page
