"""Builders of a hire with questionnaire and interview results, ready for a
development plan, on the starter instrument and rubric (which ship development
guides)."""

from __future__ import annotations

import datetime

from django.conf import settings

from assessments.definitions import instruments_load
from assessments.models import InstrumentVersion, InterviewResult
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.models import Stage
from tests.factories.assessments import (
    InterviewFactory,
    QuestionnaireResultFactory,
    RubricVersionFactory,
)
from tests.factories.hiring import ApplicationFactory, CandidateFactory

# A profile whose least favourable scale is negativity (T 66, high and
# lower-is-better: oriented z -1.6), then coachability (T 41: -0.9).
SCALE_T = {
    "self_discipline": 52.0,
    "achievement_drive": 55.0,
    "coachability": 41.0,
    "resilience_to_rejection": 47.0,
    "negativity_blame": 66.0,
}
# Accountability is the lowest competency (2.0: z -1.0); coachability (2.5) is
# named like a scale.
COMPETENCY_MEANS = {
    "prospecting_discipline": 3.5,
    "motivation_goals": 4.0,
    "coachability": 2.5,
    "resilience_rejection": 3.0,
    "accountability": 2.0,
    "customer_focus": 3.5,
}


def starter_version() -> InstrumentVersion:
    instruments_load(settings.CRIBA_INSTRUMENTS_DIR)
    return InstrumentVersion.objects.get(instrument__slug="sales-drive", version=1)


def scales_of(t_scores: dict[str, float | None]) -> dict:
    """Stored scale figures with these T scores (None: the scale is missing)."""
    return {
        key: {"missing": True, "t": None}
        if t is None
        else {"missing": False, "t": t, "raw_mean": 3.0}
        for key, t in t_scores.items()
    }


def questionnaire_for(application, t_scores=None, **fields):
    version = starter_version()
    return QuestionnaireResultFactory(
        invitation__application=application,
        invitation__instrument_version=version,
        norm_set=version.norm_sets.get(),
        answers={},
        scales=scales_of(SCALE_T if t_scores is None else t_scores),
        **{"validity_status": "valid", **fields},
    )


def interview_for(application, means=None, *, n: int = 2) -> InterviewResult:
    """An interview on the starter rubric whose aggregate holds these means."""
    means = COMPETENCY_MEANS if means is None else means
    interview = InterviewFactory(
        application=application,
        rubric_version=RubricVersionFactory(),
        scheduled_at=datetime.datetime(2026, 1, 1, 10, tzinfo=datetime.UTC),
    )
    return InterviewResult.objects.create(
        interview=interview,
        scoring_version=INTERVIEW_SCORING_VERSION,
        aggregate={
            "competencies": [
                {"key": key, "mean": mean, "n": n if mean is not None else 0}
                for key, mean in means.items()
            ],
            "state": "complete",
        },
        score=3.0,
        state="complete",
    )


def hire_for(job, *, language: str = "en", results: bool = True, **candidate):
    """A hired application on ``job`` with both kinds of results."""
    application = ApplicationFactory(
        job=job,
        stage=Stage.HIRED,
        candidate=CandidateFactory(preferred_language=language, **candidate),
    )
    if results:
        questionnaire_for(application)
        interview_for(application)
    return application
