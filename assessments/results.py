"""Turning stored answers into stored results: the Django side of the engine.

One path serves both the scoring task (one invitation) and bulk rescoring (many):
load the answers of a group of invitations as one matrix, call the pure engine
once, write the results in bulk. Results are unique per invitation, scoring
version and norm set, so running the same work twice writes nothing new.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from assessments.definitions import instrument_spec
from assessments.models import (
    AssessmentPlan,
    InstrumentVersion,
    Invitation,
    NormSet,
    PageTiming,
    QuestionnaireResult,
    Response,
    ScaleReliability,
)
from assessments.scoring import SCORING_VERSION, Norm, score_batch
from assessments.services import presentation_order
from hiring.models import OutboxEvent

SCORABLE = (Invitation.Status.SUBMITTED, Invitation.Status.SCORED)


def norm_set_current(version: InstrumentVersion, language: str) -> NormSet:
    """Local norms for the language, else local norms for all, else provisional."""
    norm_sets = NormSet.objects.filter(version=version)
    for candidate in (
        norm_sets.filter(source=NormSet.Source.LOCAL, language=language),
        norm_sets.filter(source=NormSet.Source.LOCAL, language=""),
        norm_sets.filter(source=NormSet.Source.PROVISIONAL),
    ):
        found = candidate.order_by("-computed_at", "-id").first()
        if found is not None:
            return found
    raise LookupError(f"{version} has no norm set; run manage.py load_instruments")


def engine_norms(norm_set: NormSet) -> dict[str, Norm]:
    return {
        key: Norm(
            mean=figures["mean"],
            sd=figures["sd"],
            n=figures.get("n", 0),
            source=norm_set.source,
            sample=tuple(norm_set.samples[key]) if key in norm_set.samples else None,
        )
        for key, figures in norm_set.scales.items()
    }


def reliabilities_current(version: InstrumentVersion) -> dict[str, float | None]:
    """Estimated alpha per scale where estimable, else the definition's figure."""
    estimated = {
        r.scale_key: r.alpha
        for r in ScaleReliability.objects.filter(version=version, alpha__isnull=False)
    }
    return {
        scale["key"]: estimated.get(scale["key"], scale.get("reliability"))
        for scale in version.definition["scales"]
    }


def _plan_settings(plan: AssessmentPlan | None, definition: dict):
    defaults = definition.get("plan_defaults") or {}
    weights = (plan.scale_weights if plan else None) or defaults.get("weights")
    bands = (plan.bands if plan else None) or defaults.get("bands") or []
    bands = [
        (-math.inf if lower is None else float(lower), label) for lower, label in bands
    ]
    percentiles = plan.percentiles if plan else "normal"
    return weights or None, bands if weights else [], percentiles


def answer_matrix(
    invitation_ids: list[int], item_keys: list[str]
) -> tuple[np.ndarray, dict[int, int]]:
    """N x k float matrix of answers (NaN where unanswered), one query."""
    row_of = {pk: i for i, pk in enumerate(invitation_ids)}
    column_of = {key: j for j, key in enumerate(item_keys)}
    matrix = np.full((len(invitation_ids), len(item_keys)), np.nan)
    rows = Response.objects.filter(invitation_id__in=invitation_ids).values_list(
        "invitation_id", "item_key", "value"
    )
    for invitation_id, key, value in rows.iterator(chunk_size=20000):
        column = column_of.get(key)
        if column is not None:
            matrix[row_of[invitation_id], column] = value
    return matrix, row_of


def _page_arrays(invitation_ids: list[int], row_of: dict[int, int]):
    timings = PageTiming.objects.filter(
        invitation_id__in=invitation_ids, seconds__isnull=False
    ).values_list("invitation_id", "page", "item_count", "seconds")
    timings = list(timings)
    if not timings:
        return None, None
    pages = 1 + max(page for _, page, _, _ in timings)
    items = np.full((len(invitation_ids), pages), np.nan)
    seconds = np.full((len(invitation_ids), pages), np.nan)
    for invitation_id, page, count, secs in timings:
        items[row_of[invitation_id], page] = count
        seconds[row_of[invitation_id], page] = secs
    return items, seconds


def _order_matrix(invitations: list[Invitation], spec) -> np.ndarray:
    definition = invitations[0].instrument_version.definition
    index = {key: j for j, key in enumerate(spec.item_keys)}
    return np.array(
        [
            [index[key] for key in presentation_order(definition, inv.item_order_seed)]
            for inv in invitations
        ],
        dtype=np.int64,
    )


def _scored_event(invitation: Invitation, result: dict, now: datetime) -> OutboxEvent:
    return OutboxEvent(
        type="assessment.scored",
        created_at=now,
        payload={
            "type": "assessment.scored",
            "timestamp": now.isoformat(),
            "data": {
                "invitation_id": invitation.pk,
                "application_id": invitation.application_id,
                "scoring_version": SCORING_VERSION,
                "validity_status": result["validity_status"],
                "composite": result["composite"],
                "band": result["band"],
            },
        },
    )


def results_compute_and_store(
    *, invitation_ids: Iterable[int], now: datetime | None = None
) -> list[QuestionnaireResult]:
    """Score the given submitted invitations and store their current results.

    Invitations that already hold a result for this scoring version and their
    current norm set are left as they are (and returned), so a redelivered task or
    a resumed rescoring run does no double work.
    """
    now = now or timezone.now()
    ids = sorted(set(invitation_ids))
    stored: list[QuestionnaireResult] = []
    with transaction.atomic():
        # Locks the rows: two workers given the same submission serialize here and
        # the second finds the first one's result.
        invitations = list(
            Invitation.objects.select_for_update(of=("self",))
            .select_related("instrument_version", "application__job")
            .filter(pk__in=ids, status__in=SCORABLE)
            .order_by("pk")
        )
        groups: dict[tuple, list[Invitation]] = defaultdict(list)
        plans = {
            plan.job_id: plan
            for plan in AssessmentPlan.objects.filter(
                job_id__in={inv.application.job_id for inv in invitations}
            )
        }
        for invitation in invitations:
            groups[
                (
                    invitation.instrument_version_id,
                    invitation.language,
                    invitation.application.job_id,
                )
            ].append(invitation)
        for (_, language, job_id), members in groups.items():
            stored.extend(
                _score_group(members, language, plans.get(job_id), now=now)
            )
    return stored


def _score_group(
    invitations: list[Invitation],
    language: str,
    plan: AssessmentPlan | None,
    *,
    now: datetime,
) -> list[QuestionnaireResult]:
    version = invitations[0].instrument_version
    norm_set = norm_set_current(version, language)
    existing = {
        result.invitation_id: result
        for result in QuestionnaireResult.objects.filter(
            invitation__in=invitations,
            scoring_version=SCORING_VERSION,
            norm_set=norm_set,
        )
    }
    todo = [inv for inv in invitations if inv.pk not in existing]
    if not todo:
        return list(existing.values())
    definition = version.definition
    spec = instrument_spec(definition)
    ids = [inv.pk for inv in todo]
    matrix, row_of = answer_matrix(ids, list(spec.item_keys))
    page_items, page_seconds = _page_arrays(ids, row_of)
    weights, bands, percentiles = _plan_settings(plan, definition)
    batch = score_batch(
        spec,
        matrix,
        norms=engine_norms(norm_set),
        reliabilities=reliabilities_current(version),
        order=_order_matrix(todo, spec),
        page_items=page_items,
        page_seconds=page_seconds,
        weights=weights,
        bands=bands,
        percentiles=percentiles,
    )
    results = []
    events = []
    for i, invitation in enumerate(todo):
        figures = batch.row(i).to_dict()
        results.append(
            QuestionnaireResult(
                invitation=invitation,
                scoring_version=SCORING_VERSION,
                norm_set=norm_set,
                scales=figures["scales"],
                validity=figures["validity"],
                validity_status=figures["validity_status"],
                composite=figures["composite"],
                band=figures["band"] or "",
                explanation=figures["explanation"] or {},
                is_current=True,
                created_at=now,
            )
        )
        if invitation.status == Invitation.Status.SUBMITTED:
            events.append(_scored_event(invitation, figures, now))
    QuestionnaireResult.objects.filter(invitation_id__in=ids, is_current=True).update(
        is_current=False
    )
    QuestionnaireResult.objects.bulk_create(results, batch_size=2000)
    Invitation.objects.filter(pk__in=ids, status=Invitation.Status.SUBMITTED).update(
        status=Invitation.Status.SCORED, scored_at=now
    )
    OutboxEvent.objects.bulk_create(events, batch_size=2000)
    return list(existing.values()) + results
