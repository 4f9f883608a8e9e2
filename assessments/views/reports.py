"""The reports index: what the signed-in person may read across jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from hiring.errors import Forbidden
from hiring.selectors import reports_readable


@require_safe
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    readable = reports_readable(request.user)
    if not readable:
        raise Forbidden(
            _("Reading reports across jobs needs a reports permission."),
            code="not_allowed",
        )
    return render(request, "assessments/report_index.html", {"readable": readable})
