"""Scoring groups of submitted invitations and storing their results.

One path serves the scoring task (one invitation) and bulk rescoring (many):
read the invitations, load their answers as one matrix, call the pure engine
once per group of alike settings, render the rows, and write them in one
transaction. Results are unique per invitation, scoring version and norm set,
so running the same work twice writes nothing new.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from assessments.definitions import instrument_spec, item_model
from assessments.models import (
    AssessmentPlan,
    InstrumentVersion,
    Invitation,
    NormSet,
    QuestionnaireResult,
)
from assessments.results.answers import (
    among,
    answer_matrix,
    page_arrays,
    presentation_orders,
)
from assessments.results.insert import PreparedResults, results_insert
from assessments.results.norms import (
    engine_norms,
    norm_set_current,
    plan_settings,
    reliabilities_with_sources,
    reliability_sources_applied,
)
from assessments.results.records import result_records
from assessments.scoring import SCORING_VERSION, CovarianceNorm, Norm, score_batch
from hiring.events import event_build, events_record_many
from hiring.models import OutboxEvent

SCORABLE = tuple(Invitation.SCORABLE_STATUSES)


@dataclass
class _Version:
    version: InstrumentVersion
    spec: object
    reliabilities: dict[str, float | None]
    reliability_sources: dict[str, str]


@dataclass
class ScoringContext:
    """What stays the same across the batches of one run: versions and norms.

    Holds a handful of rows per instrument version and language, never the
    submissions themselves, so it may live as long as a rescoring run.
    """

    versions: dict[int, _Version] = field(default_factory=dict)
    norm_sets: dict[tuple[int, str], NormSet] = field(default_factory=dict)
    norms: dict[tuple[int, bool], dict[str, Norm]] = field(default_factory=dict)
    covariance_norms: dict[int, CovarianceNorm] = field(default_factory=dict)

    def version(self, version_id: int) -> _Version:
        if version_id not in self.versions:
            version = InstrumentVersion.objects.get(pk=version_id)
            reliabilities, sources = reliabilities_with_sources(version)
            self.versions[version_id] = _Version(
                version=version,
                spec=instrument_spec(version.definition),
                reliabilities=reliabilities,
                reliability_sources=sources,
            )
        return self.versions[version_id]

    def norm_set(self, version_id: int, language: str) -> NormSet:
        key = (version_id, language)
        if key not in self.norm_sets:
            self.norm_sets[key] = norm_set_current(
                self.version(version_id).version, language, with_samples=False
            )
        return self.norm_sets[key]

    def covariance_norm(self, version_id: int, norm_set: NormSet) -> CovarianceNorm:
        """The item norm of the Mahalanobis index (docs/scoring.md): the item
        model of the norm set's scale means and SDs and the current alphas."""
        if norm_set.pk not in self.covariance_norms:
            info = self.version(version_id)
            model = item_model(
                info.version.definition,
                norms=norm_set.scales,
                reliabilities=info.reliabilities,
            )
            self.covariance_norms[norm_set.pk] = model.covariance_norm(
                source=norm_set.source
            )
        return self.covariance_norms[norm_set.pk]

    def engine_norms(self, norm_set: NormSet, with_samples: bool) -> dict[str, Norm]:
        key = (norm_set.pk, with_samples)
        if key not in self.norms:
            if with_samples:
                norm_set = NormSet.objects.get(pk=norm_set.pk)
            self.norms[key] = engine_norms(norm_set, with_samples=with_samples)
        return self.norms[key]


@dataclass(frozen=True)
class _Row:
    pk: int
    version_id: int
    language: str
    job_id: int
    application_id: int
    seed: int
    status: str


_ROW_FIELDS = (
    "pk",
    "instrument_version_id",
    "language",
    "application__job_id",
    "application_id",
    "item_order_seed",
    "status",
)


def _scorable_rows(ids: list[int], *, lock: bool = False) -> list[_Row]:
    invitations = Invitation.objects.filter(among("pk", ids), status__in=SCORABLE)
    if lock:
        # Two workers given the same submission serialize here; the second then
        # finds the first one's result and drops its own.
        invitations = invitations.select_for_update(of=("self",))
    return [
        _Row(*values) for values in invitations.order_by("pk").values_list(*_ROW_FIELDS)
    ]


def _unscored(
    rows: list[_Row], context: ScoringContext
) -> tuple[list[_Row], list[int]]:
    """The rows without a result for this scoring version and their current norm
    set, and the norm set id of every row."""
    norm_set_ids = [context.norm_set(row.version_id, row.language).pk for row in rows]
    existing = set(
        QuestionnaireResult.objects.filter(
            among("invitation_id", [row.pk for row in rows]),
            scoring_version=SCORING_VERSION,
        ).values_list("invitation_id", "norm_set_id")
    )
    todo = [
        row
        for row, norm_set_id in zip(rows, norm_set_ids, strict=True)
        if (row.pk, norm_set_id) not in existing
    ]
    return todo, norm_set_ids


def _prepare(todo: list[_Row], context: ScoringContext) -> PreparedResults:
    """Load the answers of ``todo``, score them, and render the results (no writes)."""
    prepared = PreparedResults(scoring_version=SCORING_VERSION)
    if not todo:
        return prepared
    plans = {
        plan.job_id: plan
        for plan in AssessmentPlan.objects.filter(
            job_id__in={row.job_id for row in todo}
        )
    }
    by_version: dict[int, list[_Row]] = defaultdict(list)
    for row in todo:
        by_version[row.version_id].append(row)
    for version_id, members in by_version.items():
        info = context.version(version_id)
        definition = info.version.definition
        ids = [row.pk for row in members]
        matrix, _ = answer_matrix(ids, info.spec.item_keys)
        page_items, page_seconds = page_arrays(ids)
        orders = presentation_orders(definition, [row.seed for row in members])
        # Jobs whose plans score alike (most use the defaults) share one batch.
        groups: dict[tuple, list[int]] = defaultdict(list)
        settings_of: dict[tuple, tuple] = {}
        plan_of: dict[int, tuple] = {}
        for i, row in enumerate(members):
            if row.job_id not in plan_of:
                weights, bands, percentiles = plan_settings(
                    plans.get(row.job_id), definition
                )
                plan_of[row.job_id] = (
                    (json.dumps(weights, sort_keys=True), json.dumps(bands)),
                    (weights, bands, percentiles),
                )
            (weights_key, bands_key), plan = plan_of[row.job_id]
            norm_set = context.norm_set(version_id, row.language)
            key = (norm_set.pk, weights_key, bands_key, plan[2])
            groups[key].append(i)
            settings_of[key] = (norm_set, *plan)
        for key, positions in groups.items():
            norm_set, weights, bands, percentiles = settings_of[key]
            take = np.asarray(positions)
            batch = score_batch(
                info.spec,
                matrix[take],
                norms=context.engine_norms(norm_set, percentiles == "empirical"),
                reliabilities=info.reliabilities,
                order=orders[take],
                page_items=None if page_items is None else page_items[take],
                page_seconds=None if page_seconds is None else page_seconds[take],
                weights=weights,
                bands=bands,
                percentiles=percentiles,
                covariance_norm=context.covariance_norm(version_id, norm_set),
            )
            prepared.add(
                [members[i].pk for i in positions],
                norm_set.pk,
                result_records(
                    reliability_sources_applied(batch, info.reliability_sources)
                ),
            )
    return prepared


def results_prepare(ids: list[int], context: ScoringContext) -> PreparedResults:
    """Score those of ``ids`` still lacking a current result (no writes)."""
    todo, _ = _unscored(_scorable_rows(ids), context)
    return _prepare(todo, context)


def _scored_event(
    row: _Row, *, status: str, composite: float | None, band: str, now: datetime
) -> OutboxEvent:
    return event_build(
        type=OutboxEvent.Type.ASSESSMENT_SCORED,
        now=now,
        data={
            "invitation_id": row.pk,
            "application_id": row.application_id,
            "scoring_version": SCORING_VERSION,
            "validity_status": status,
            # Nothing computed from answers that cannot be trusted.
            "composite": None if status == "invalid" else composite,
            "band": (band or None) if status != "invalid" else None,
        },
    )


def results_write(prepared: PreparedResults, *, now: datetime) -> int:
    """Store prepared results in one transaction; returns how many were written.

    Locks the invitations first and drops whatever another worker scored since
    ``prepared`` was computed, so concurrent scorers never clash.
    """
    with transaction.atomic():
        if not prepared:
            return 0
        locked = {
            row.pk: row for row in _scorable_rows(prepared.invitation_ids, lock=True)
        }
        existing = set(
            QuestionnaireResult.objects.filter(
                among("invitation_id", locked), scoring_version=SCORING_VERSION
            ).values_list("invitation_id", "norm_set_id")
        )
        keep = [
            i
            for i, (pk, norm_set_id) in enumerate(
                zip(prepared.invitation_ids, prepared.norm_set_ids, strict=True)
            )
            if pk in locked and (pk, norm_set_id) not in existing
        ]
        if len(keep) < len(prepared):
            prepared = prepared.only(keep)
        if not prepared:
            return 0
        QuestionnaireResult.objects.filter(
            among("invitation_id", prepared.invitation_ids), is_current=True
        ).update(is_current=False, updated_at=now)
        results_insert(prepared, now=now)
        events = [
            _scored_event(
                locked[pk],
                status=prepared.status[i],
                composite=prepared.composite[i],
                band=prepared.band[i],
                now=now,
            )
            for i, pk in enumerate(prepared.invitation_ids)
            if locked[pk].status == Invitation.Status.SUBMITTED
        ]
        if events:
            Invitation.objects.filter(
                among("pk", [e.payload["data"]["invitation_id"] for e in events]),
                status=Invitation.Status.SUBMITTED,
            ).update(status=Invitation.Status.SCORED, scored_at=now, updated_at=now)
            events_record_many(events)
        return len(prepared)


def results_compute_and_store(
    *, invitation_ids: Iterable[int], now: datetime | None = None
) -> list[QuestionnaireResult]:
    """Score the given submitted invitations and store their current results.

    Invitations that already hold a result for this scoring version and their
    current norm set are left as they are (and returned), so a redelivered task or
    a resumed rescoring run does no double work. Results come back in
    invitation order.
    """
    now = now or timezone.now()
    context = ScoringContext()
    rows = _scorable_rows(sorted(set(invitation_ids)))
    if not rows:
        return []
    todo, norm_set_ids = _unscored(rows, context)
    results_write(_prepare(todo, context), now=now)
    wanted = {(row.pk, n) for row, n in zip(rows, norm_set_ids, strict=True)}
    found = QuestionnaireResult.objects.filter(
        invitation_id__in=[row.pk for row in rows], scoring_version=SCORING_VERSION
    ).order_by("invitation_id")
    return [r for r in found if (r.invitation_id, r.norm_set_id) in wanted]
