"""Request and response rules that hold for every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from hiring.errors import Invalid
from hiring.problems import (
    problem_response,
    problem_status,
    problem_title,
    wants_problem_json,
)

_NUL = "\x00"


def _holds_nul(data: QueryDict) -> bool:
    return any(
        _NUL in key or any(_NUL in value for value in values)
        for key, values in data.lists()
    )


class RejectNulMiddleware:
    """Refuses a NUL character in the path, the query string or a posted form.

    No text Criba keeps may hold one, and PostgreSQL refuses it in a query
    parameter with an error that would otherwise surface as a 500 (an admin
    search for ``%00``, say). Multipart bodies are left to the forms, whose text
    fields already refuse NUL, since files may legitimately hold it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._holds_nul(request):
            return self.get_response(request)
        error = Invalid(
            _(
                "The request contains a NUL character (\\x00), which is not "
                "allowed in a web address or a form field."
            ),
            code="nul_character",
        )
        if wants_problem_json(request) or request.content_type == "application/json":
            return problem_response(error, instance=request.path)
        status = problem_status(error)
        return render(
            request,
            "problem.html",
            {"status": status, "title": problem_title(status), "detail": error.message},
            status=status,
        )

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        if _NUL in request.path or _holds_nul(request.GET):
            return True
        if request.content_type != "application/x-www-form-urlencoded":
            return False
        try:
            return _holds_nul(request.POST)
        except (RequestDataTooBig, TooManyFieldsSent):
            # The view that reads the form answers these in its own words.
            return False


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store`` on every response to a browser with a session.

    Recruiter pages, the statistics and the admin show personal data and results,
    and candidates' pages their answers; no browser cache or shared proxy may keep
    a copy. A session cookie (sent, or set by this response as at sign-in) is the
    test rather than ``request.user``, which would read the session store on
    every request, even on /healthz while the database is down.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cookie = settings.SESSION_COOKIE_NAME
        if cookie in request.COOKIES or cookie in response.cookies:
            add_never_cache_headers(response)
        return response
