"""Who may open which recruiter page.

No role on the job: 404, never a hint that it exists. A role without the
capability: 403. Interviewers see only their interviews; hiring managers read and
decide but do not invite; recruiters and administrators do everything.
"""

import pytest

from assessments.models import Invitation
from tests.factories import (
    ApplicationFactory,
    InstrumentVersionFactory,
    InterviewFactory,
    InvitationFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in

PEOPLE = ["alice", "bob", "dana", "charlie", "admin_user"]


@pytest.fixture
def scene(job, alice, bob, dana, charlie, admin_user):
    version = InstrumentVersionFactory()
    result = QuestionnaireResultFactory(
        invitation__application__job=job, invitation__instrument_version=version
    )
    open_invitation = InvitationFactory(
        application=ApplicationFactory(job=job), instrument_version=version
    )
    InterviewFactory(application=result.invitation.application, interviewers=[dana])
    return {
        "job": job,
        "result": result,
        "application": result.invitation.application,
        "open_invitation": open_invitation,
        "uninvited": ApplicationFactory(job=job),
    }


def _url(scene, page):
    return {
        "job_list": "/",
        "job_detail": f"/jobs/{scene['job'].pk}/",
        "application": f"/applications/{scene['application'].pk}/",
        "result": f"/results/{scene['result'].pk}/",
        "interviews": "/interviews/",
        "invite": f"/applications/{scene['uninvited'].pk}/invite/",
        "decide": f"/applications/{scene['application'].pk}/decide/",
        "revoke": f"/invitations/{scene['open_invitation'].pk}/revoke/",
    }[page]


GETS = {
    #              alice bob  dana charlie admin
    "job_list": [200, 200, 200, 200, 200],
    "job_detail": [200, 200, 403, 404, 200],
    "application": [200, 200, 403, 404, 200],
    "result": [200, 200, 403, 404, 200],
    "interviews": [200, 200, 200, 200, 200],
}
POSTS = {
    "invite": [302, 403, 403, 404, 302],
    "decide": [302, 302, 403, 404, 302],
    "revoke": [302, 403, 403, 404, 302],
}
POST_DATA = {
    "invite": {"language": "en", "extra_time_percent": "0", "expires_in_days": "7"},
    "decide": {"decision": "advance", "reason": "Strong structured interview."},
    "revoke": {"confirm": "yes"},
}


@pytest.mark.parametrize(
    ("page", "person", "status"),
    [
        (page, person, statuses[i])
        for page, statuses in GETS.items()
        for i, person in enumerate(PEOPLE)
    ],
)
def test_it_answers_each_person_on_each_page(
    request, client, scene, page, person, status
):
    user = request.getfixturevalue(person)

    response = logged_in(client, user).get(_url(scene, page))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("action", "person", "status"),
    [
        (action, person, statuses[i])
        for action, statuses in POSTS.items()
        for i, person in enumerate(PEOPLE)
    ],
)
def test_it_lets_each_person_act_only_as_their_role_allows(
    request, client, scene, action, person, status
):
    user = request.getfixturevalue(person)

    response = logged_in(client, user).post(_url(scene, action), POST_DATA[action])

    assert response.status_code == status
    invited = Invitation.objects.filter(application=scene["uninvited"]).exists()
    assert invited == (action == "invite" and status == 302)


@pytest.mark.parametrize(
    "page", ["job_detail", "application", "result", "interviews", "job_list"]
)
def test_it_sends_anonymous_visitors_to_login(client, scene, page):
    response = client.get(_url(scene, page))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_hides_jobs_of_other_teams_from_a_recruiter(client, scene, alice):
    foreign = QuestionnaireResultFactory()  # an application on another job
    logged_in(client, alice)

    for url in [
        f"/jobs/{foreign.invitation.application.job_id}/",
        f"/applications/{foreign.invitation.application_id}/",
        f"/results/{foreign.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/invitations/{foreign.invitation_id}/revoke/", {"confirm": "yes"}
    )
    assert response.status_code == 404


def test_it_answers_404_for_ids_that_do_not_exist(client, scene, alice):
    logged_in(client, alice)

    assert client.get("/jobs/999999/").status_code == 404
    assert client.get("/applications/999999/").status_code == 404
    assert client.get("/results/999999/").status_code == 404


def test_it_refuses_get_on_the_action_urls(client, scene, alice):
    logged_in(client, alice)

    # Revoking asks first: its GET is the confirmation page (it changes nothing).
    for action in set(POSTS) - {"revoke"}:
        assert client.get(_url(scene, action)).status_code == 405


def test_it_offers_a_hiring_manager_no_invite_form_or_revoke_button(client, scene, bob):
    page = logged_in(client, bob).get(
        f"/applications/{scene['open_invitation'].application_id}/"
    )
    html = page.content.decode()

    assert 'id="invite-form"' not in html
    assert "/revoke/" not in html
    assert 'id="decision-form"' in html
