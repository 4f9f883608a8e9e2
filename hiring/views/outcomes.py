"""Hire outcomes from a CSV file: upload, a preview of every row and its problems,
then one all-or-nothing import; and the template to fill in.

On a job's page for holders of OUTCOMES on that job (rows of other jobs are
refused); at /outcomes/import/ for administrators, for every job at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hiring.errors import DomainError, NotFound
from hiring.models import Capability, Job
from hiring.outcome_forms import OutcomeImportForm
from hiring.outcome_import import (
    COLUMN_NAMES,
    TEMPLATE_COLUMNS,
    outcome_import,
    outcome_import_preview,
    outcome_import_template,
)
from hiring.selectors import job_for_user, user_is_administrator


def _job_or_everything(request: HttpRequest, pk: int | None):
    """The job whose page imports, with the user's capabilities on it; or None for
    the import of every job, which only administrators reach."""
    if pk is not None:
        return job_for_user(
            user=request.user, job_id=pk, capability=Capability.OUTCOMES
        )
    if not user_is_administrator(request.user):
        raise NotFound(_("There is no such page."), code="not_found")
    return None, frozenset(Capability.values)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def outcome_import_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Preview a CSV file of hire outcomes row by row; import it, all or nothing,
    once every row is clean. The rows travel back in the text area, to be fixed
    right on the page."""
    job, capabilities = _job_or_everything(request, pk)
    preview = None
    import_error = ""
    status = 200
    if request.method == "POST":
        form = OutcomeImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["data"]
            if request.POST.get("action") == "import":
                try:
                    summary = outcome_import(job=job, actor=request.user, data=data)
                except DomainError as error:
                    import_error = error.message
                    status = 400
                else:
                    messages.success(
                        request,
                        _(
                            "Outcomes imported: %(created)s new, %(updated)s "
                            "changed, %(unchanged)s already up to date."
                        )
                        % {
                            "created": summary.created,
                            "updated": summary.updated,
                            "unchanged": summary.unchanged,
                        },
                    )
                    if job is None:
                        return redirect("hiring:job_list")
                    return redirect("results:job_detail", pk=job.pk)
            preview = outcome_import_preview(job=job, data=data)
            text = data if isinstance(data, str) else _safe_text(data)
            form = OutcomeImportForm(initial={"csv_text": text})
            if not preview.ok:
                status = 400
        else:
            status = 400
    else:
        form = OutcomeImportForm()
    return render(
        request,
        "hiring/outcome_import.html",
        {
            "job": job,
            "capabilities": capabilities,
            "form": form,
            "preview": preview,
            "import_error": import_error,
            "columns": [COLUMN_NAMES[column] for column in TEMPLATE_COLUMNS],
            "tab": "pipeline",
        },
        status=status,
    )


@require_safe
@login_required
def outcome_import_template_view(
    request: HttpRequest, pk: int | None = None
) -> HttpResponse:
    """The CSV to fill in: the columns and the hires with what is recorded."""
    job, _capabilities = _job_or_everything(request, pk)
    today = timezone.localdate()
    body = outcome_import_template(job=job, today=today)
    name = _template_name(job, today)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _template_name(job: Job | None, today) -> str:
    scope = f"job-{job.pk}" if job is not None else "all-jobs"
    return f"hire-outcomes-{scope}-{today.isoformat()}.csv"


def _safe_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""
