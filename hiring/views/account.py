"""Signing in, a locked-out sign-in, and Django's 400 in the site's words."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.translation import gettext as _

from hiring.errors import Forbidden, Invalid
from hiring.forms import SignInForm
from hiring.problems import (
    problem_response,
    problem_status,
    problem_title,
    wants_problem_json,
)


def login_locked_out(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """What a locked-out sign-in gets instead of the login form (axes calls it)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": max(1, seconds // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class SignInView(LoginView):
    """Django's sign-in page; a malformed form (a field missing or too long) is a
    400, while a wrong password stays an ordinary answer with its explanation."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(name in form.errors for name in form.fields):
            response.status_code = 400
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check, in the site's words: what went wrong as a
    person can fix it (the browser kept no cookie, or the page is stale) and that
    nothing was saved. ``reason`` is Django's own, for developers; it is not shown."""
    if reason == REASON_NO_CSRF_COOKIE:
        message = _(
            "Your browser did not send the cookie this page needs. Allow cookies "
            "for this site, open the page again and resend it. Nothing was saved."
        )
    else:
        message = _(
            "This page was open too long or came from somewhere else. Open it "
            "again and resend it. Nothing was saved."
        )
    error = Forbidden(message, code="csrf_failed")
    if wants_problem_json(request) or request.content_type == "application/json":
        return problem_response(error, instance=request.path)
    return render(
        request,
        "csrf_failure.html",
        {"detail": message},
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a body over the size cap, too many fields, a bad header), in
    the site's words and naming the problem."""
    if isinstance(exception, RequestDataTooBig):
        message = _(
            "The request is larger than the %(size)s kB allowed. Nothing was saved."
        ) % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
    elif isinstance(exception, TooManyFieldsSent):
        message = _(
            "The request has more than the %(count)s fields allowed. Nothing was saved."
        ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    else:
        message = _("The request could not be read. Nothing was saved.")
    error = Invalid(message, code="bad_request")
    if wants_problem_json(request) or request.content_type == "application/json":
        return problem_response(error, instance=request.path)
    status = problem_status(error)
    return render(
        request,
        "problem.html",
        {"status": status, "title": problem_title(status), "detail": message},
        status=status,
    )
