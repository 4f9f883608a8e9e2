"""One mapping from domain errors to HTTP, for pages and problem+json alike."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from hiring.errors import Conflict, DomainError, Forbidden, Gone, Invalid, NotFound
from hiring.problems import (
    DomainErrorMiddleware,
    problem_details,
    problem_status,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Invalid("bad"), 400),
        (DomainError("bad"), 400),
        (Forbidden("no"), 403),
        (NotFound("gone"), 404),
        (Conflict("twice"), 409),
        (Gone("late"), 410),
    ],
)
def test_it_maps_each_kind_to_one_status(error, status):
    assert problem_status(error) == status


def test_it_writes_an_rfc_9457_body_with_field_errors():
    error = Invalid(
        "Some fields are not valid.",
        code="bad_fields",
        fields={"email": ["Enter a valid email address."]},
    )

    body = problem_details(error, instance="/api/v1/candidates/")

    assert body == {
        "type": "https://criba.dev/problems/bad-fields",
        "title": "The request is not valid",
        "status": 400,
        "detail": "Some fields are not valid.",
        "code": "bad_fields",
        "instance": "/api/v1/candidates/",
        "errors": {"email": ["Enter a valid email address."]},
    }


def _raising(error):
    def view(request):
        raise error

    return view


def _middleware_response(path_, error, **headers):
    request = RequestFactory().get(path_, **headers)
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())
    return middleware.process_exception(request, error)


def test_it_answers_api_callers_with_problem_json():
    response = _middleware_response("/api/v1/jobs/9/", NotFound("No such job."))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"] == "No such job."


@pytest.mark.django_db
def test_it_renders_the_error_page_for_people(rf):
    request = rf.get("/jobs/9/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())

    response = middleware.process_exception(
        request, Forbidden("Your role on this job does not allow this.")
    )

    assert response.status_code == 403
    assert b"Your role on this job does not allow this." in response.content
    assert b"<h1" in response.content


def test_it_leaves_other_exceptions_alone():
    assert _middleware_response("/", ValueError("boom")) is None


urlpatterns = [path("boom/", _raising(Conflict("Already done.", code="done")))]


def test_it_is_installed_for_every_view(client, settings):
    settings.ROOT_URLCONF = __name__

    response = client.get("/boom/", HTTP_ACCEPT="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "done"
