"""Putting candidates on a job's pipeline: one by one, or from a CSV file with a
preview of every row's problem before anything is written."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from hiring.candidate_import import (
    COLUMN_NAMES,
    COLUMNS,
    candidate_import,
    candidate_import_preview,
)
from hiring.errors import DomainError
from hiring.forms import CandidateForm, CandidateImportForm
from hiring.models import Capability
from hiring.selectors import job_for_user
from hiring.services import candidate_add_to_job, retention_default
from hiring.views.jobs import form_errors_from


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def candidate_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one candidate to the job; a known email is recognised, not doubled."""
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    days = settings.CRIBA_RETENTION_DAYS
    form = CandidateForm(
        request.POST or None,
        retention_days=days,
        initial={"retention_until": retention_default(), "preferred_language": "en"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application, created = candidate_add_to_job(
                    job=job, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form_errors_from(form, error)
            else:
                candidate = application.candidate
                if created:
                    text = _("%(name)s was added to this job.")
                else:
                    text = _(
                        "%(name)s was already known by this email; the existing "
                        "record was added to this job, unchanged."
                    )
                messages.success(request, text % {"name": candidate.full_name})
                return redirect("results:application_detail", pk=application.pk)
        status = 400
    return render(
        request,
        "hiring/candidate_form.html",
        {"job": job, "capabilities": capabilities, "form": form, "tab": "pipeline"},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def candidate_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview a CSV file row by row; import it, all or nothing, once it is clean.

    The rows travel back in the form's text area, so a problem is fixed right on
    the page and previewed again.
    """
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    preview = None
    import_error = ""
    status = 200
    if request.method == "POST":
        form = CandidateImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["data"]
            if request.POST.get("action") == "import":
                try:
                    summary = candidate_import(job=job, actor=request.user, data=data)
                except DomainError as error:
                    import_error = error.message
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s candidate added to the pipeline",
                            "%(count)s candidates added to the pipeline",
                            len(summary.applications),
                        )
                        % {"count": len(summary.applications)}
                        + " "
                        + _(
                            "(%(new)s new, %(known)s already known by their email, "
                            "%(skipped)s already on this job)."
                        )
                        % {
                            "new": summary.created,
                            "known": summary.reused,
                            "skipped": summary.skipped,
                        },
                    )
                    return redirect("results:job_detail", pk=job.pk)
            preview = candidate_import_preview(job=job, data=data, user=request.user)
            # What was uploaded is shown as text, to be corrected here.
            text = data if isinstance(data, str) else _safe_text(data)
            form = CandidateImportForm(initial={"csv_text": text})
            if not preview.ok:
                status = 400
        else:
            status = 400
    else:
        form = CandidateImportForm()
    return render(
        request,
        "hiring/candidate_import.html",
        {
            "job": job,
            "capabilities": capabilities,
            "form": form,
            "preview": preview,
            "import_error": import_error,
            "columns": [COLUMN_NAMES[column] for column in COLUMNS],
            "retention_days": settings.CRIBA_RETENTION_DAYS,
            "tab": "pipeline",
        },
        status=status,
    )


def _safe_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""
