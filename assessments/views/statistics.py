"""The statistics page of an instrument version, for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_safe

from assessments.models import InstrumentVersion
from assessments.statistics import instrument_statistics


@require_safe
@login_required
def instrument_statistics_view(request: HttpRequest, version_id: int) -> HttpResponse:
    """Per scale N, mean, SD, alpha with its interval and the item analysis.

    Superusers only: it describes the instrument, not candidates, but it is a
    tool for whoever maintains the instruments.
    """
    if not request.user.is_superuser:
        raise PermissionDenied
    version = get_object_or_404(
        InstrumentVersion.objects.select_related("instrument"), pk=version_id
    )
    language = (translation.get_language() or "en")[:2]
    return render(
        request,
        "assessments/statistics.html",
        {
            "version": version,
            "statistics": instrument_statistics(version, language=language),
        },
    )
