"""The one mapping from domain errors to HTTP: a status, an RFC 9457 problem body,
and the middleware that renders uncaught domain errors as a page or a problem."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hiring.errors import Conflict, DomainError, Forbidden, Gone, Invalid, NotFound

PROBLEM_CONTENT_TYPE = "application/problem+json"
ERROR_PAGES = {403: "403.html", 404: "404.html"}

_STATUS: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Gone, 410),
    (Invalid, 400),
]


def problem_status(error: DomainError) -> int:
    """The HTTP status of a domain error; a bare DomainError is bad input (400)."""
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def problem_title(status: int) -> str:
    titles = {
        400: _("The request is not valid"),
        403: _("You may not do this"),
        404: _("Not found"),
        409: _("This cannot be done in the current state"),
        410: _("No longer available"),
    }
    return titles.get(status, _("The request could not be completed"))


def problem_details(error: DomainError, *, instance: str = "") -> dict:
    """The RFC 9457 body: ``type``, ``title``, ``status``, ``detail``, plus the
    extension members ``code`` and, for field problems, ``errors``."""
    status = problem_status(error)
    body: dict = {
        "type": f"https://criba.dev/problems/{error.code.replace('_', '-')}",
        "title": problem_title(status),
        "status": status,
        "detail": error.message,
        "code": error.code,
    }
    if instance:
        body["instance"] = instance
    if error.fields:
        body["errors"] = error.fields
    return body


def problem_response(error: DomainError, *, instance: str = "") -> HttpResponse:
    body = problem_details(error, instance=instance)
    return HttpResponse(
        json.dumps(body),
        status=body["status"],
        content_type=PROBLEM_CONTENT_TYPE,
    )


def wants_problem_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or "json" in request.headers.get("Accept", "").split(",")[0]
    )


class DomainErrorMiddleware:
    """Renders a domain error that a view did not handle: problem+json for API
    callers, the site's error page for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DomainError):
            return None
        if wants_problem_json(request):
            return problem_response(exception, instance=request.path)
        status = problem_status(exception)
        # The same pages as Django's own 403 and 404, so a person meets one page
        # for each, saying what they can do next.
        template = ERROR_PAGES.get(status, "problem.html")
        return render(
            request,
            template,
            {
                "status": status,
                "title": problem_title(status),
                "detail": exception.message,
                "exception": exception.message if status == 403 else "",
            },
            status=status,
        )
