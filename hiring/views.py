"""Pages of the hiring side. Pages that show assessment results live in
assessments/views/recruiter.py, since hiring never imports assessments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hiring.models import Capability, Stage
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
