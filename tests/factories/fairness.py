"""Builders of decided applications with self-identification, in bulk.

``decided_applications(job=..., point=..., counts={"woman": (48, 80)})`` makes, per
group, ``decided`` candidates who answered the characteristic with that group, of
whom ``selected`` were selected at the decision point, with exactly the facts
(scored questionnaire, completed interview, stage) the report's definitions read.
A few bulk inserts per call, so a worked example of 130 candidates stays fast.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta

from django.utils import timezone

from assessments.models import Interview, Invitation, QuestionnaireResult
from hiring.models import Application, Candidate, SelfIdentification, Stage
from tests.factories.assessments import InstrumentVersionFactory, NormSetFactory

_serial = itertools.count(1)

# (stage if selected, stage if not, scored questionnaire, completed interview)
POINT_SHAPES = {
    "questionnaire": (Stage.INTERVIEWING, Stage.REJECTED, True, False),
    "interview": (Stage.OFFER, Stage.REJECTED, True, True),
    "hire": (Stage.HIRED, Stage.REJECTED, True, False),
}


def decided_applications(
    *,
    job,
    counts: dict[str | None, tuple[int, int]],
    point: str = "questionnaire",
    characteristic: str = "gender",
    stage: str | None = None,
) -> list[Application]:
    """``counts`` maps a group (None: no answer at all) to ``(selected, decided)``.

    ``stage`` overrides every application's stage (to build undecided ones).
    """
    selected_stage, rejected_stage, scored, completed = POINT_SHAPES[point]
    now = timezone.now()
    plan: list[tuple[str | None, str]] = []
    for group, (selected, decided) in counts.items():
        for index in range(decided):
            chosen = selected_stage if index < selected else rejected_stage
            plan.append((group, stage or chosen))
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                first_name=f"Fair{n}",
                last_name="Sample",
                email=f"fair{n}@example.org",
            )
            for n in (next(_serial) for _ in plan)
        ]
    )
    SelfIdentification.objects.bulk_create(
        [
            SelfIdentification(candidate=candidate, **{characteristic: group})
            for candidate, (group, _stage) in zip(candidates, plan, strict=True)
            if group is not None
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(candidate=candidate, job=job, stage=stage_)
            for candidate, (_group, stage_) in zip(candidates, plan, strict=True)
        ]
    )
    if scored:
        version = InstrumentVersionFactory()
        norm_set = NormSetFactory(version=version)
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    application=application,
                    instrument_version=version,
                    token_hash=hashlib.sha256(
                        f"fair-{next(_serial)}".encode()
                    ).hexdigest(),
                    status=Invitation.Status.SCORED,
                    item_order_seed=1,
                    expires_at=now + timedelta(days=14),
                )
                for application in applications
            ]
        )
        QuestionnaireResult.objects.bulk_create(
            [
                QuestionnaireResult(
                    invitation=invitation,
                    scoring_version="test",
                    norm_set=norm_set,
                    scales={},
                    validity={},
                    validity_status="valid",
                )
                for invitation in invitations
            ]
        )
    if completed:
        Interview.objects.bulk_create(
            [
                Interview(
                    application=application,
                    title="Role play",
                    scheduled_at=now - timedelta(days=1),
                    status=Interview.Status.COMPLETE,
                )
                for application in applications
            ]
        )
    return applications
