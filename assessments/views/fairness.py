"""The adverse impact report: selection rates by self-identified group.

For administrators and holders of ``hiring.view_selfid_aggregates`` only; no role
on a job grants it. Figures come from the read model `assessments.adverse_impact`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.adverse_impact import (
    DECISION_POINTS,
    MIN_SHOWN,
    POINT_DEFINITIONS,
    POINT_LABELS,
    UNDECIDED_NOTE,
    ReportFilters,
    adverse_impact_page,
    aggregates_require,
)
from assessments.scoring.fairness import FOUR_FIFTHS, MIN_GROUP_N


@require_safe
@login_required
def adverse_impact_view(request: HttpRequest) -> HttpResponse:
    """Per job and decision point: rates, impact ratios and both tests."""
    # Permission first: someone without it learns nothing, not even a 400.
    aggregates_require(request.user)
    filters = ReportFilters.from_query(request.GET)
    page = adverse_impact_page(user=request.user, filters=filters)
    return render(
        request,
        "assessments/adverse_impact.html",
        {
            "page": page,
            "figures": page.figures,
            "min_shown": MIN_SHOWN,
            "min_group_n": MIN_GROUP_N,
            "threshold": FOUR_FIFTHS,
            "undecided_note": UNDECIDED_NOTE,
            "decision_points": [
                (POINT_LABELS[point], POINT_DEFINITIONS[point])
                for point in DECISION_POINTS
            ],
        },
    )
