"""A NUL byte or invalid UTF-8 in an address or a posted form is refused with a
400 naming it.

PostgreSQL refuses NUL in a text parameter; an admin search or list filter with
``%00`` used to reach the database and answer 500.
"""

from urllib.parse import urlencode

import pytest

from hiring.models import Candidate
from tests.hiring.support import logged_in

MESSAGE = "contains a NUL character"


@pytest.fixture
def admin(client, admin_user):
    return logged_in(client, admin_user)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/hiring/candidate/?q=%00",
        "/admin/hiring/candidate/?q=Ana%00Rivera",
        "/admin/hiring/candidate/?preferred_language=%00",
        "/admin/hiring/application/?stage__exact=hired%00",
        "/admin/hiring/job/?department=Sales%00",
        "/admin/hiring/auditevent/?object_type=%00",
        "/admin/hiring/candidate/?%00=1",
        "/?q=%00",
    ],
)
def test_it_refuses_nul_in_an_admin_filter_with_400(admin, url):
    response = admin.get(url)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_it_refuses_nul_in_the_path(admin):
    response = admin.get("/admin/hiring/candidate/%00/change/")

    assert response.status_code == 400


def test_it_refuses_nul_in_a_posted_form(admin, job):
    response = admin.post(
        "/admin/hiring/candidate/add/",
        urlencode(
            {"first_name": "Ana\x00", "last_name": "Rivera", "email": "a@example.org"}
        ),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Candidate.objects.exists()


def test_it_answers_json_callers_with_a_problem(client, db):
    response = client.get("/healthz?x=%00", headers={"accept": "application/json"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "nul_character"


def test_it_still_searches_ordinary_text(admin, db):
    assert admin.get("/admin/hiring/candidate/?q=Ana%20Rivera").status_code == 200
    assert admin.get("/admin/hiring/candidate/?q=%2500").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/admin/hiring/candidate/?q=%FF%FE", "/admin/hiring/candidate/?q=caf%E9"],
)
def test_it_refuses_a_query_that_is_not_utf8(admin, url):
    response = admin.get(url)

    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()


def test_it_refuses_a_posted_form_that_is_not_utf8(admin, job):
    response = admin.post(
        "/admin/hiring/candidate/add/",
        b"first_name=Ana\xff&last_name=Rivera&email=a%40example.org",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert not Candidate.objects.exists()


def test_it_reads_accented_utf8_as_usual(admin, db):
    assert admin.get("/admin/hiring/candidate/?q=Mar%C3%ADa").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/take/" + "a" * 43 + "/?x=%00",
        "/take/session/?x=%00",
        "/take/session/page/1/?x=%00",
        "/my-plan/" + "a" * 43 + "/?x=%00",
        "/my-plan/session/?x=%00",
    ],
)
def test_it_refuses_on_a_candidate_path_with_the_candidate_headers(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_it_sends_the_candidate_headers_on_a_missing_candidate_path(client, db):
    response = client.get("/take/session/no-such-page/")

    assert response.status_code == 404
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_other_paths_their_own_referrer_policy(client, db):
    response = client.get("/accounts/login/?x=%00")

    assert response.status_code == 400
    assert response["Referrer-Policy"] == "same-origin"
