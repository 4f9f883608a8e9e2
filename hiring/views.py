"""Pages of the hiring side. Pages that show assessment results live in
assessments/views/recruiter.py, since hiring never imports assessments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from hiring.errors import Invalid
from hiring.forms import SignInForm
from hiring.models import Capability, Stage
from hiring.problems import (
    problem_response,
    problem_status,
    problem_title,
    wants_problem_json,
)
from hiring.selectors import jobs_with_pipeline, roles_with, user_is_administrator


@require_safe
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's jobs with one count per pipeline stage, in one query."""
    user = request.user
    jobs = list(jobs_with_pipeline(user))
    may_see = set(roles_with(Capability.VIEW_APPLICATIONS))
    administrator = user_is_administrator(user)
    for job in jobs:
        # Interviewers see the job they sit on, not its pipeline.
        job.can_view_applications = administrator or job.my_role in may_see
        job.pipeline = [getattr(job, f"stage_{stage}") for stage in Stage.values]
        job.total = sum(job.pipeline)
    return render(
        request,
        "hiring/job_list.html",
        {"jobs": jobs, "stages": Stage.choices},
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
