"""Demo data for the outcome reports, for ``seed_demo`` to call.

Enough hires with outcomes that every figure of the validity and manager
reports shows: questionnaires answered by simulated attentive respondents and
scored by the real engine (``score_batch``), interviews aggregated by the real
interview engine from simulated panels, hires chosen mostly on the composite
(so the range-restriction correction has something to correct), and outcomes
that depend a little on the composite, with one team that loses clearly more
hires than their scores predict.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

import numpy as np
import orjson
from django.db import transaction
from django.utils import timezone

from assessments.definitions import instrument_spec, item_model
from assessments.models import (
    AssessmentPlan,
    InstrumentVersion,
    Interview,
    InterviewResult,
    Invitation,
    QuestionnaireResult,
    RubricVersion,
)
from assessments.results.norms import (
    engine_norms,
    norm_set_current,
    plan_settings,
    reliability_sources_applied,
)
from assessments.results.records import result_records
from assessments.scoring import SCORING_VERSION, aggregate_interview, score_batch
from assessments.scoring.simulation import attentive_answers
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.models import (
    Application,
    Candidate,
    HireOutcome,
    Job,
    LeavingReason,
    PerformanceRating,
    QuotaAttainment,
    Stage,
)

DEMO_MANAGERS = (
    ("Lucía Ortega", "Inside sales"),
    ("Marcus Webb", "Inside sales"),
    ("Priya Raman", "Field sales"),
    ("Tom Keller", "Partner sales"),
)
# The team whose hires leave more often than their scores predict.
STRUGGLING = "Tom Keller"


@dataclass(frozen=True)
class OutcomeDemo:
    hires: int
    applicants: int
    left_before_90: int


@transaction.atomic
def outcome_demo_create(
    *,
    job: Job,
    instrument_version: InstrumentVersion,
    rubric_version: RubricVersion | None,
    today: datetime.date,
    hires: int = 240,
    applicants: int = 120,
    seed: int = 20261204,
) -> OutcomeDemo:
    """Create ``hires`` hired and ``applicants`` rejected applications of ``job``,
    each with a scored questionnaire and (when ``rubric_version`` is given) an
    interview result; the hires with outcomes started over the 18 months before
    ``today``, with quota attainment per finished quarter and a rating after
    their first 180 days. Candidates are fictitious (``@example.com``)."""
    rng = np.random.default_rng(seed)
    n = hires + applicants
    definition = instrument_version.definition
    spec = instrument_spec(definition)
    answers = attentive_answers(item_model(definition), n, rng)
    norm_set = norm_set_current(instrument_version, "en", with_samples=False)
    plan = AssessmentPlan.objects.filter(job=job).first()
    weights, bands, percentiles = plan_settings(plan, definition)
    # The figures published with the questionnaire, as before any local alpha.
    reliabilities = {s["key"]: s.get("reliability") for s in definition["scales"]}
    batch = score_batch(
        spec,
        answers,
        norms=engine_norms(norm_set, with_samples=False),
        reliabilities=reliabilities,
        weights=weights,
        bands=bands,
        percentiles=percentiles,
    )
    records = result_records(
        reliability_sources_applied(batch, dict.fromkeys(reliabilities, "definition"))
    )
    composite = np.nan_to_num(np.asarray(records.composite, dtype=float))
    hired = np.zeros(n, dtype=bool)
    hired[np.argsort(composite + rng.normal(0, 0.35, n))[-hires:]] = True

    now = timezone.now()
    candidates = Candidate.objects.bulk_create(
        Candidate(
            first_name=f"Demo{i:03d}",
            last_name="Outcome",
            email=f"outcome-demo-{job.pk}-{i}@example.com",
        )
        for i in range(n)
    )
    applications = Application.objects.bulk_create(
        Application(
            candidate=candidate,
            job=job,
            stage=Stage.HIRED if hired[i] else Stage.REJECTED,
        )
        for i, candidate in enumerate(candidates)
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            application=application,
            instrument_version=instrument_version,
            token_hash=hashlib.sha256(
                f"outcome-demo-{job.pk}-{seed}-{i}".encode()
            ).hexdigest(),
            status=Invitation.Status.SCORED,
            item_order_seed=int(rng.integers(0, 2**31)),
            expires_at=now,
            submitted_at=now,
            scored_at=now,
        )
        for i, application in enumerate(applications)
    )
    QuestionnaireResult.objects.bulk_create(
        QuestionnaireResult(
            invitation=invitation,
            scoring_version=SCORING_VERSION,
            norm_set=norm_set,
            scales=orjson.loads(records.scales[i]),
            validity=orjson.loads(records.validity[i]),
            validity_status=records.validity_status[i],
            composite=records.composite[i],
            band=records.band[i],
            explanation=orjson.loads(records.explanation[i]),
        )
        for i, invitation in enumerate(invitations)
    )
    if rubric_version is not None:
        _interviews(applications, composite, rubric_version, rng, now)
    left = _outcomes(applications, hired, composite, rng, today)
    return OutcomeDemo(hires=hires, applicants=applicants, left_before_90=left)


def _interviews(applications, composite, rubric_version, rng, now) -> None:
    keys = rubric_version.competency_keys
    interviews = Interview.objects.bulk_create(
        Interview(
            application=application,
            rubric_version=rubric_version,
            title="Structured interview",
            scheduled_at=now - datetime.timedelta(days=200),
            status=Interview.Status.COMPLETE,
        )
        for application in applications
    )
    results = []
    for interview, value in zip(interviews, composite.tolist(), strict=True):
        level = 3 + 0.6 * value + rng.normal(0, 0.6)
        ratings = np.clip(np.round(level + rng.normal(0, 0.5, (2, len(keys)))), 1, 5)
        aggregate = aggregate_interview(
            ratings, keys=keys, weights=rubric_version.weights, panel_size=2
        )
        results.append(
            InterviewResult(
                interview=interview,
                scoring_version=INTERVIEW_SCORING_VERSION,
                aggregate=aggregate.to_dict(),
                score=aggregate.score,
                state=aggregate.state,
                computed_at=now,
            )
        )
    InterviewResult.objects.bulk_create(results)


def _outcomes(applications, hired, composite, rng, today) -> int:
    rows = np.flatnonzero(hired)
    managers = rng.integers(0, len(DEMO_MANAGERS), rows.size)
    struggling = np.array([DEMO_MANAGERS[m][0] == STRUGGLING for m in managers])
    # Leaving before day 90: about 20 % at an average composite, fewer for
    # higher ones, and about twice as likely in the struggling team.
    logit = -1.4 - 0.6 * composite[rows] + 1.1 * struggling
    leaves = rng.random(rows.size) < 1 / (1 + np.exp(-logit))
    late = rng.random(rows.size) < 0.1  # some leave between day 90 and 180
    start_offsets = rng.integers(30, 545, rows.size)
    outcomes, quotas = [], []
    for k, i in enumerate(rows.tolist()):
        start = today - datetime.timedelta(days=int(start_offsets[k]))
        days = (
            int(rng.integers(10, 89))
            if leaves[k]
            else int(rng.integers(95, 179))
            if late[k]
            else None
        )
        leaving = None if days is None else start + datetime.timedelta(days=days)
        if leaving is not None and leaving > today:
            leaving = None
        rated = leaving is None and (today - start).days >= 180
        rating = (
            int(np.clip(np.round(3 + 0.5 * composite[i] + rng.normal(0, 0.8)), 1, 5))
            if rated
            else None
        )
        manager, team = DEMO_MANAGERS[managers[k]]
        outcome = HireOutcome(
            application=applications[i],
            start_date=start,
            manager_name=manager,
            team=team,
            leaving_date=leaving,
            leaving_reason=LeavingReason.VOLUNTARY if leaving else "",
            performance_rating=PerformanceRating(rating) if rating else None,
            rated_on=today if rating else None,
        )
        outcomes.append(outcome)
        worked_until = leaving or today
        quarter_start = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        level = 100 + 14 * composite[i] + rng.normal(0, 12)
        while True:
            month = quarter_start.month + 3
            year = quarter_start.year + (month > 12)
            quarter_end = datetime.date(year, (month - 1) % 12 + 1, 1)
            if quarter_end > worked_until:
                break
            if quarter_start >= start:
                quotas.append(
                    (
                        len(outcomes) - 1,
                        quarter_start.year,
                        (quarter_start.month - 1) // 3 + 1,
                        max(0.0, level + rng.normal(0, 20)),
                    )
                )
            quarter_start = quarter_end
    HireOutcome.objects.bulk_create(outcomes)
    QuotaAttainment.objects.bulk_create(
        QuotaAttainment(
            outcome=outcomes[index],
            year=year,
            quarter=quarter,
            attainment_percent=round(value, 1),
        )
        for index, year, quarter, value in quotas
    )
    return int(
        sum(
            1
            for o in outcomes
            if o.leaving_date and (o.leaving_date - o.start_date).days < 90
        )
    )
