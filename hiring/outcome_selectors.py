"""Reads of hire outcomes, each with its retention at 90 and 180 days derived in
SQL (`HireOutcome.objects.with_retention`) and its quarters prefetched."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from hiring.models import Application, HireOutcome, Job, QuotaAttainment, Stage


def _quotas() -> Prefetch:
    return Prefetch(
        "quotas", queryset=QuotaAttainment.objects.order_by("year", "quarter")
    )


def outcomes_with_retention(*, today: date | None = None) -> QuerySet[HireOutcome]:
    """Every outcome annotated with ``employed_90`` and ``employed_180`` as of
    ``today``, with its application, candidate, job and quarters: a page of them
    is read in two queries whatever its size."""
    today = today or timezone.localdate()
    return (
        HireOutcome.objects.with_retention(today)
        .select_related("application__job", "application__candidate")
        .prefetch_related(_quotas())
    )


def outcome_of_application(
    *, application: Application, today: date | None = None
) -> HireOutcome | None:
    """The application's outcome with its retention and quarters, if recorded."""
    return outcomes_with_retention(today=today).filter(application=application).first()


def outcomes_for_integrations(*, today: date | None = None) -> QuerySet[HireOutcome]:
    """Every outcome, for API keys (organisation-wide, like every integration)."""
    return outcomes_with_retention(today=today)


def hired_applications_of(*, job: Job | None) -> QuerySet[Application]:
    """The hired applications of a job (of every job for None), with their
    candidate, job and any outcome already recorded, oldest first: the rows of the
    import template."""
    applications = Application.objects.filter(stage=Stage.HIRED)
    if job is not None:
        applications = applications.filter(job=job)
    return (
        applications.select_related("candidate", "job", "outcome")
        .prefetch_related(
            Prefetch(
                "outcome__quotas",
                queryset=QuotaAttainment.objects.order_by("year", "quarter"),
            )
        )
        .order_by("created_at", "id")
    )
