"""Request and response rules that hold for every page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
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


def _problem(raw: str | bytes) -> tuple[str, str] | None:
    """``(code, message)`` saying why an urlencoded string cannot be read as
    Criba's text, or None.

    Django would decode invalid UTF-8 into replacement characters and pass NUL on
    to the database; both are refused here instead.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return "not_utf8", _("The request is not valid UTF-8 text.")
    if any(_NUL in key or _NUL in value for key, value in pairs):
        return "nul_character", _(
            "The request contains a NUL character (\\x00), which is not allowed "
            "in a web address or a form field."
        )
    return None


class RejectUnreadableTextMiddleware:
    """Refuses a NUL character or invalid UTF-8 in the path, the query string or a
    posted form, with a 400 that names the problem.

    No text Criba keeps may hold NUL, and PostgreSQL refuses it in a query
    parameter with an error that would otherwise surface as a 500 (an admin
    search for ``%00``, say). Multipart bodies are left to the forms, whose text
    fields already refuse NUL, since files may legitimately hold it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is None:
            return self.get_response(request)
        code, message = problem
        error = Invalid(message, code=code)
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
    def _problem(request: HttpRequest) -> tuple[str, str] | None:
        if _NUL in request.path:
            return _problem(_NUL)
        # WSGI hands the query string over as latin-1: these are its raw bytes.
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        problem = _problem(query)
        if problem or request.content_type != "application/x-www-form-urlencoded":
            return problem
        if (request.encoding or "utf-8").lower().replace("_", "-") != "utf-8":
            return None
        try:
            return _problem(request.body)
        except RequestDataTooBig:
            # The view that reads the form answers this in its own words.
            return None


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
