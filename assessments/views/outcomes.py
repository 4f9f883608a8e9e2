"""The outcome reports: criterion validity, and managers and teams.

Thin: the read models (`assessments.outcome_validity`,
`assessments.outcome_managers`) check the permission, audit the read and compute;
these views read the job filter, draw the charts and render. Domain errors are
rendered by the error middleware (403 without the permission, 404 for an unknown
job).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.charts import ExpectancyBar, ExpectancyLabels, expectancy_svg
from assessments.outcome_managers import manager_report
from assessments.outcome_validity import (
    Expectancy,
    ValidityReport,
    outcome_jobs,
    validity_report,
)
from assessments.scoring.outcomes import SMALL_GROUP_N
from hiring.errors import NotFound


def _language() -> str:
    return (translation.get_language() or "en")[:2]


def _job_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("job", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise NotFound(_("There is no such job."), code="not_found")
    return int(raw)


def _expectancy_chart(expectancy: Expectancy, index: int) -> str:
    binary = expectancy.criterion.binary
    scale = 100.0 if binary else 1.0
    bars = [
        ExpectancyBar(
            label=expectancy.labels.get(row.band, row.band),
            n=row.n,
            value=None if row.mean is None else scale * row.mean,
            low=None if row.low is None else scale * row.low,
            high=None if row.high is None else scale * row.high,
        )
        for row in expectancy.rows
    ]
    if binary:
        top, ticks = 100.0, (0, 25, 50, 75, 100)
    else:
        highest = max(
            [bar.high or bar.value or 0.0 for bar in bars if bar.value is not None]
            + [100.0]
        )
        top = 50.0 * -(-highest // 50)
        ticks = tuple(range(0, int(top) + 1, 50))
    name = str(expectancy.criterion.name)
    labels = ExpectancyLabels(
        title=_("%(criterion)s by fit band") % {"criterion": name},
        description=_(
            "One bar per fit band of the questionnaire composite, best band "
            "first: the bar is the hires' figure, the orange line its 95 % "
            "interval, N the number of hires. The table below holds the same "
            "figures."
        ),
        axis=name,
        empty=_("no hires"),
        point=_("{value}, 95 % interval {low} to {high}, N {n}"),
        unit=" %" if binary else "",
        decimal=get_format("DECIMAL_SEPARATOR"),
    )
    return expectancy_svg(
        bars,
        labels=labels,
        top=top,
        ticks=ticks,
        chart_id=f"expectancy-{index}",
        digits=0 if binary else 1,
    )


def _charts(report: ValidityReport) -> list[tuple[Expectancy, str]]:
    return [
        (expectancy, _expectancy_chart(expectancy, index))
        for index, expectancy in enumerate(report.expectancy)
    ]


@require_safe
@login_required
def validity_report_view(request: HttpRequest) -> HttpResponse:
    """Criterion validity of every predictor against every outcome, with the
    expectancy charts; administrators and holders of the outcome reports
    permission."""
    report = validity_report(
        user=request.user,
        today=timezone.localdate(),
        job_id=_job_id(request),
        language=_language(),
    )
    return render(
        request,
        "assessments/outcome_validity.html",
        {
            "report": report,
            "charts": _charts(report),
            "jobs": outcome_jobs(),
        },
    )


@require_safe
@login_required
def manager_report_view(request: HttpRequest) -> HttpResponse:
    """Observed turnover and quota per manager and team against the prediction."""
    report = manager_report(
        user=request.user,
        today=timezone.localdate(),
        job_id=_job_id(request),
        language=_language(),
    )
    return render(
        request,
        "assessments/outcome_managers.html",
        {
            "report": report,
            "groups": [(_("Managers"), report.managers), (_("Teams"), report.teams)],
            "jobs": outcome_jobs(),
            "small_n": SMALL_GROUP_N,
        },
    )
