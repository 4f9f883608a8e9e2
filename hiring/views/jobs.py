"""Pages of a job on the hiring side: the job list, a new job, its details and
status, its hiring team. Pages that show assessment results live in
assessments/views/, since hiring never imports assessments.

Thin: each view asks `hiring.selectors` what the user may do (a domain error the
view does not turn into a form message is rendered by the error middleware: 404
to someone with no role on the job, 403 to a role that does not allow it), calls
a service, and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from hiring.errors import DomainError, Forbidden, Invalid, NotFound
from hiring.forms import JobForm, JobMemberForm
from hiring.models import Capability, Job, Stage
from hiring.selectors import (
    job_for_user,
    job_team,
    jobs_with_pipeline,
    reports_readable,
    roles_with,
    user_is_administrator,
    user_may_create_jobs,
)
from hiring.services import (
    job_create_with_recruiter,
    job_member_add,
    job_team_member_remove,
    job_update,
)


def form_errors_from(form, error: DomainError) -> None:
    """Put a domain error's field messages on the form's fields (the rest on top)."""
    placed = False
    for name, problems in (error.fields or {}).items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
            placed = True
    if not placed:
        form.add_error(None, error.message)


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
        {
            "jobs": jobs,
            "stages": Stage.choices,
            "can_create_jobs": user_may_create_jobs(user),
            # The same permission cache as the line above: no further query.
            "reports_readable": reports_readable(user),
            "can_import_all_outcomes": administrator,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def job_new(request: HttpRequest) -> HttpResponse:
    """Open a new job as a draft; its creator becomes its recruiter."""
    if not user_may_create_jobs(request.user):
        raise Forbidden(
            _("Your account may not open jobs; an administrator can allow it."),
            code="not_allowed",
        )
    form = JobForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = job_create_with_recruiter(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("Job created as a draft. Set up its assessment plan next."),
                )
                return redirect("results:job_plan", pk=job.pk)
        status = 400
    return render(request, "hiring/job_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def job_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's title, department, location and external id; open or close it."""
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    initial = {
        name: getattr(job, name)
        for name in ("title", "department", "location", "external_id")
    }
    form = JobForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job_update(job=job, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Job details saved."))
                return redirect("hiring:job_edit", pk=job.pk)
        status = 400
    return render(
        request,
        "hiring/job_form.html",
        {"form": form, "job": job, "capabilities": capabilities, "tab": "details"},
        status=status,
    )


_STATUS_MESSAGES = {
    Job.Status.OPEN: _("The job is open: candidates can be added and invited."),
    Job.Status.CLOSED: _(
        "The job is closed: no candidates can be added and no decisions recorded; "
        "reports stay readable."
    ),
    Job.Status.DRAFT: _("The job is back to draft."),
}


@require_POST
@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, close or reopen the job."""
    job, _capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    status = request.POST.get("status", "")
    if status not in Job.Status.values:
        raise Invalid(
            _("Choose open, closed or draft."),
            code="unknown_status",
            fields={"status": [_("Choose open, closed or draft.")]},
        )
    job_update(job=job, actor=request.user, status=status)
    messages.success(request, str(_STATUS_MESSAGES[status]))
    back = "results:job_detail" if request.POST.get("back") == "pipeline" else None
    return redirect(back or "hiring:job_edit", pk=job.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def job_team_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The hiring team: who holds which role; add a person or change their role."""
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    form = JobMemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job_member_add(
                    job=job,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except DomainError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The hiring team was updated."))
                return redirect("hiring:job_team", pk=job.pk)
        status = 400
    return render(
        request,
        "hiring/job_team.html",
        {
            "job": job,
            "capabilities": capabilities,
            "members": list(job_team(job=job)),
            "form": form,
            "tab": "team",
        },
        status=status,
    )


@require_POST
@login_required
def job_team_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    """Take a person off the team, once confirmed: their open panel seats end
    with any scorecard they have not submitted, so the first POST only shows
    what will go and asks again."""
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    if request.POST.get("confirm") != "yes":
        member = job_team(job=job).filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("This person is not on the job's team."), code="not_found")
        return render(
            request,
            "hiring/job_team_remove.html",
            {"job": job, "capabilities": capabilities, "member": member, "tab": "team"},
        )
    try:
        job_team_member_remove(job=job, member_id=member_id, actor=request.user)
    except DomainError as error:
        if error.code != "last_recruiter":
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The person was taken off the hiring team."))
    return redirect("hiring:job_team", pk=job.pk)
