"""The 403, 404 and 500 pages: in the site's layout and the user's language,
each saying what the person can do next; and the site's icon."""

from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import (
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def test_it_shows_a_lost_visitor_where_to_go(client, db):
    response = client.get("/no/such/page/", headers={"Accept-Language": "es"})

    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="es">' in page
    assert 'data-status="404"' in page
    assert 'class="site-header"' in page
    assert 'href="/accounts/login/"' in page
    assert "questionnaire link from an email" in page or "cuestionario" in page


def test_it_shows_a_team_member_their_jobs_on_a_missing_page(client, alice):
    page = logged_in(client, alice).get("/jobs/999999/").content.decode()

    assert 'data-status="404"' in page
    assert 'href="/"' in page
    assert "hiring team" in page


def test_it_tells_an_interviewer_why_and_where_to_go_instead(client, job, dana):
    result = QuestionnaireResultFactory(invitation__application__job=job)

    response = logged_in(client, dana).get(f"/results/{result.pk}/")

    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in page
    assert "Forbidden" not in page
    assert "Ask the job's recruiter or an administrator" in page
    assert 'href="/interviews/"' in page
    assert 'class="site-nav"' in page


def test_it_renders_the_server_error_page_without_a_request_context(db):
    request = RequestFactory().get("/")
    with translation.override("es"):
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es">' in page
    assert 'data-status="500"' in page
    assert "csrfmiddlewaretoken" not in page
    assert 'href="/"' in page


def test_it_links_the_icon_from_every_page(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"


def test_a_form_refused_by_the_csrf_check_says_what_to_do(db):
    # A candidate whose browser keeps no cookies, on a phone in Spanish.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "x"},
        headers={"Accept-Language": "es"},
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="es">' in page
    assert 'data-status="403"' in page
    assert "cookie" in page
    assert "CSRF" not in page  # Django's own page names the mechanism, not the fix
    assert 'class="site-header"' in page


def test_an_autosave_refused_by_the_csrf_check_gets_a_problem(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # a cookie, but no matching header
    response = client.post(
        "/accounts/login/", data="{}", content_type="application/json"
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "csrf_failed"
    assert "Open it again" in problem["detail"]
