"""Hires with outcomes and assessment results, many at once, for the outcome
reports. Rows are written with ``bulk_create``; a result holds only what the
reports read (a T per scale, the composite, the band), the rest of the JSON as
the engine would leave it for a scale with no answers."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence

import numpy as np

from assessments.models import (
    Interview,
    InterviewResult,
    Invitation,
    QuestionnaireResult,
)
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.models import (
    Application,
    Candidate,
    HireOutcome,
    LeavingReason,
    QuotaAttainment,
    Stage,
)
from tests.factories.assessments import NormSetFactory, RubricVersionFactory

START = datetime.date(2025, 1, 6)
_serial = itertools.count(1)

BANDS = ((0.5, "strong_fit"), (0.0, "fit"), (-0.5, "borderline"))


def band_of(composite: float) -> str:
    for bound, band in BANDS:
        if composite >= bound:
            return band
    return "not_recommended"


def _column(values, n: int, fill=None) -> list:
    if values is None:
        return [fill] * n
    if np.isscalar(values) or isinstance(values, str | datetime.date):
        return [values] * n
    return [None if _nan(v) else v for v in list(values)]


def _nan(value) -> bool:
    return isinstance(value, float) and np.isnan(value)


def applications_with_results(
    job,
    *,
    composite: Sequence[float],
    scales: dict[str, Sequence[float]] | None = None,
    interview: Sequence[float] | None = None,
    stage: str = Stage.REJECTED,
    norm_set=None,
) -> list[Application]:
    """Applications of ``job``, each with a current questionnaire result (T per
    scale, composite and band) and, where ``interview`` is not NaN, an interview
    result with that score."""
    n = len(composite)
    norm_set = norm_set or NormSetFactory()
    version = norm_set.version
    scales = scales or {}
    candidates = Candidate.objects.bulk_create(
        Candidate(
            first_name=f"Hire{serial}",
            last_name="Outcome",
            email=f"hire{serial}@example.com",
        )
        for serial in (next(_serial) for _ in range(n))
    )
    applications = Application.objects.bulk_create(
        Application(candidate=candidate, job=job, stage=stage)
        for candidate in candidates
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            application=application,
            instrument_version=version,
            token_hash=f"outcome-{next(_serial):056d}",
            status=Invitation.Status.SCORED,
            item_order_seed=1,
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        )
        for application in applications
    )
    results = []
    for i, invitation in enumerate(invitations):
        value = composite[i]
        results.append(
            QuestionnaireResult(
                invitation=invitation,
                scoring_version="test",
                norm_set=norm_set,
                scales={
                    key: {"t": None if _nan(ts[i]) else float(ts[i]), "missing": False}
                    for key, ts in scales.items()
                },
                validity={},
                validity_status="valid",
                composite=None if _nan(value) else float(value),
                band="" if _nan(value) else band_of(value),
            )
        )
    QuestionnaireResult.objects.bulk_create(results)
    if interview is not None:
        rubric = RubricVersionFactory()
        scored = [
            (application, float(score))
            for application, score in zip(applications, interview, strict=True)
            if not _nan(score)
        ]
        interviews = Interview.objects.bulk_create(
            Interview(
                application=application,
                rubric_version=rubric,
                title="Structured interview",
                scheduled_at=datetime.datetime(2024, 12, 1, tzinfo=datetime.UTC),
                status=Interview.Status.COMPLETE,
            )
            for application, _score in scored
        )
        InterviewResult.objects.bulk_create(
            InterviewResult(
                interview=item,
                scoring_version=INTERVIEW_SCORING_VERSION,
                aggregate={},
                score=score,
                state="complete",
            )
            for item, (_application, score) in zip(interviews, scored, strict=True)
        )
    return applications


def hires_with_outcomes(
    job,
    *,
    composite: Sequence[float],
    scales: dict[str, Sequence[float]] | None = None,
    interview: Sequence[float] | None = None,
    left_after_days: Sequence[float] | None = None,
    start_date: datetime.date | Sequence[datetime.date] = START,
    rating: Sequence[float] | None = None,
    quota: Sequence[float] | None = None,
    manager: str | Sequence[str] = "Dana Reyes",
    team: str | Sequence[str] = "Inside sales",
    norm_set=None,
) -> list[HireOutcome]:
    """Hired applications of ``job`` with results and outcomes. A hire leaves
    ``left_after_days`` after the start (NaN: still employed); ``quota`` is one
    quarter's attainment (NaN: none recorded)."""
    n = len(composite)
    applications = applications_with_results(
        job,
        composite=composite,
        scales=scales,
        interview=interview,
        stage=Stage.HIRED,
        norm_set=norm_set,
    )
    starts = _column(start_date, n)
    left = _column(left_after_days, n)
    ratings = _column(rating, n)
    managers = _column(manager, n)
    teams = _column(team, n)
    outcomes = HireOutcome.objects.bulk_create(
        HireOutcome(
            application=application,
            start_date=starts[i],
            manager_name=managers[i],
            team=teams[i],
            leaving_date=None
            if left[i] is None
            else starts[i] + datetime.timedelta(days=int(left[i])),
            leaving_reason="" if left[i] is None else LeavingReason.VOLUNTARY,
            performance_rating=None if ratings[i] is None else int(ratings[i]),
        )
        for i, application in enumerate(applications)
    )
    if quota is not None:
        QuotaAttainment.objects.bulk_create(
            QuotaAttainment(
                outcome=outcome,
                year=2025,
                quarter=2,
                attainment_percent=round(float(value), 1),
            )
            for outcome, value in zip(outcomes, quota, strict=True)
            if not _nan(value)
        )
    return outcomes
