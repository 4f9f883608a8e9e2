"""The statistics page of an instrument version, for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.labels import validity_index_label, validity_status_label
from assessments.models import InstrumentVersion
from assessments.statistics.page import instrument_statistics
from assessments.validity_rates import ValidityRates, validity_rates


def _validity_rows(rates: ValidityRates) -> dict:
    status_labels = {
        "questionable": validity_status_label("questionable"),
        "invalid": validity_status_label("invalid"),
        "not_valid": _("Questionable or invalid"),
    }
    return {
        "rates": rates,
        "rows": [(validity_index_label(r.name), r, r.percent()) for r in rates.flags]
        + [(status_labels[r.name], r, r.percent()) for r in rates.statuses],
    }


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
            "instrument_name": version.display_name(language),
            "statistics": instrument_statistics(version, language=language),
            "validity": _validity_rows(validity_rates(version)),
        },
    )
