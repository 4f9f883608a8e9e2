"""Who may open the privacy pages of a candidate.

No role on any job the candidate applied to: 404. A role without the personal-data
capability (hiring manager, interviewer): 403. Recruiters on the job and
administrators: allowed. Anonymous visitors go to the login page.
"""

from datetime import date, timedelta

import pytest

from assessments.models import PrivacyNotice
from hiring.models import AuditEvent, Candidate, Stage
from tests.factories import ApplicationFactory
from tests.hiring.support import logged_in

PEOPLE = ["alice", "bob", "dana", "charlie", "admin_user"]


@pytest.fixture
def candidate(job):
    return ApplicationFactory(job=job, stage=Stage.REJECTED).candidate


def _url(candidate, page):
    return (
        f"/candidates/{candidate.pk}/privacy/"
        + {
            "privacy": "",
            "erase_form": "erase/",
            "export": "export/",
            "retention": "retention/",
            "erase": "erase/",
        }[page]
    )


GETS = {
    #                alice bob  dana charlie admin
    "privacy": [200, 403, 403, 404, 200],
    "erase_form": [200, 403, 403, 404, 200],
}
POSTS = {
    "export": [200, 403, 403, 404, 200],
    "retention": [302, 403, 403, 404, 302],
    "erase": [302, 403, 403, 404, 302],
}
POST_DATA = {
    "export": {},
    # Within the allowed range from today, whatever today is.
    "retention": {"until": (date.today() + timedelta(days=30)).isoformat()},
    "erase": {"confirm": "on"},
}
WRITES = {
    "export": AuditEvent.Action.EXPORT,
    "retention": AuditEvent.Action.RETENTION_CHANGED,
    "erase": AuditEvent.Action.ERASURE,
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
    request, client, alice, bob, dana, candidate, page, person, status
):
    user = request.getfixturevalue(person)

    response = logged_in(client, user).get(_url(candidate, page))

    assert response.status_code == status
    if status == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("action", "person", "status"),
    [
        (action, person, statuses[i])
        for action, statuses in POSTS.items()
        for i, person in enumerate(PEOPLE)
    ],
)
def test_it_lets_each_person_act_only_as_their_role_allows(
    request, client, alice, bob, dana, candidate, action, person, status
):
    user = request.getfixturevalue(person)

    response = logged_in(client, user).post(_url(candidate, action), POST_DATA[action])

    assert response.status_code == status
    written = AuditEvent.objects.filter(action=WRITES[action]).exists()
    assert written == (status in {200, 302})
    erased = Candidate.objects.get(pk=candidate.pk).is_erased
    assert erased == (action == "erase" and status == 302)


@pytest.mark.parametrize("page", ["privacy", "erase_form"])
def test_it_sends_anonymous_visitors_to_login(client, candidate, page):
    response = client.get(_url(candidate, page))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_candidate_that_does_not_exist(client, admin_user):
    response = logged_in(client, admin_user).get("/candidates/999999/privacy/")

    assert response.status_code == 404


def test_it_shows_the_privacy_notice_to_anyone(client, db):
    assert PrivacyNotice.objects.exists()

    assert client.get("/privacy/").status_code == 200
    assert client.get("/privacy/v1/").status_code == 200
    assert client.get("/privacy/v999/").status_code == 404
