"""Staff log in with a form and log out with a POST (Django 5+ refuses GET)."""

from tests.conftest import PASSWORD
from tests.hiring.support import logged_in


def test_it_shows_the_login_form(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page
    assert 'type="password"' in page
    assert 'for="id_username"' in page


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_it_logs_in_and_lands_on_the_job_list(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_explains_a_wrong_password_and_logs_nobody_in(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "x"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_out_only_by_post(client, alice):
    logged_in(client, alice)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_it_shows_staff_the_navigation_language_switcher_and_logout(client, alice):
    page = logged_in(client, alice).get("/").content.decode()

    assert 'href="#main"' in page
    assert 'action="/i18n/setlang/"' in page
    assert 'action="/accounts/logout/" method="post"' in page
    assert 'href="/interviews/"' in page


def test_it_switches_the_language_through_the_header_form(client, alice):
    logged_in(client, alice)

    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})

    assert response.status_code == 302
    assert '<html lang="es">' in client.get("/").content.decode()
