"""Everything Criba holds about one candidate, as one machine-readable document.

The export answers a candidate's right of access and to portability (GDPR
articles 15 and 20). It is a registry of sections: each section is one function
that reads one kind of data about the candidate, and may name the rows the audit
log speaks of, so the "audit" section finds every entry about them. Adding a kind
of data (a new model that refers to an application) is one more decorated function.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from assessments.definitions import DefinitionError, item_texts
from assessments.models import (
    DevelopmentPlan,
    Interview,
    InterviewResult,
    Invitation,
    PageTiming,
    QuestionnaireResult,
    Response,
    Scorecard,
    ScorecardVersion,
)
from assessments.reports import result_reads_by_integrations
from hiring.models import (
    RETENTION_CHECKPOINTS,
    Application,
    AuditEvent,
    Candidate,
    HireOutcome,
    QuotaAttainment,
    SelfIdentification,
)
from hiring.selectors import user_is_administrator
from hiring.services import audit_record

EXPORT_FORMAT = "criba.candidate-export"
EXPORT_FORMAT_VERSION = 1

# What the candidate is told about the logic of the scores (GDPR art. 15(1)(h)),
# in their language.
ABOUT = gettext_lazy(
    "Questionnaire answers are scored against norms into scale scores (T scores, "
    "percentiles and their error bands), validity checks and a weighted composite "
    "with a band. Interview ratings are summarised per competency. These results "
    "inform the hiring team: Criba recommends; a person decides. No decision is "
    "taken by automated means alone."
)


@dataclass(frozen=True)
class ExportSection:
    key: str
    collect: Callable[[Candidate], object]
    # The rows of this section that audit entries may be about.
    subjects: Callable[[Candidate], QuerySet] | None = None
    # Only in files an administrator makes (the page as an administrator, or the
    # command): a recruiter who decides on applications never holds it.
    administrators_only: bool = False


# What a file made by someone else says in place of such a section.
WITHHELD = gettext_lazy(
    "Withheld from this file because whoever made it may decide on applications. "
    "An administrator includes it (export from the candidate's privacy page, or "
    "manage.py export_candidate)."
)

SECTIONS: list[ExportSection] = []


def export_section(
    key: str,
    *,
    subjects: Callable[[Candidate], QuerySet] | None = None,
    administrators_only: bool = False,
) -> Callable:
    """Register ``collect(candidate)`` as the section ``key`` of the export."""

    def register(collect: Callable[[Candidate], object]) -> Callable:
        if any(section.key == key for section in SECTIONS):
            raise ValueError(f"Export section {key!r} is registered twice")
        SECTIONS.append(
            ExportSection(
                key=key,
                collect=collect,
                subjects=subjects,
                administrators_only=administrators_only,
            )
        )
        return collect

    return register


def _user(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# --- querysets of the candidate's rows ------------------------------------------------


def _candidates(candidate: Candidate) -> QuerySet:
    return Candidate.objects.filter(pk=candidate.pk)


def _applications(candidate: Candidate) -> QuerySet:
    return Application.objects.filter(candidate=candidate)


def _invitations(candidate: Candidate) -> QuerySet:
    return Invitation.objects.filter(application__candidate=candidate)


def _results(candidate: Candidate) -> QuerySet:
    return QuestionnaireResult.objects.filter(
        invitation__application__candidate=candidate
    )


def _result_ids(candidate: Candidate) -> set[str]:
    return {str(pk) for pk in _results(candidate).values_list("pk", flat=True)}


def _interviews(candidate: Candidate) -> QuerySet:
    return Interview.objects.filter(application__candidate=candidate)


def _scorecards(candidate: Candidate) -> QuerySet:
    return Scorecard.objects.filter(interview__application__candidate=candidate)


def _interview_results(candidate: Candidate) -> QuerySet:
    return InterviewResult.objects.filter(interview__application__candidate=candidate)


def _outcomes(candidate: Candidate) -> QuerySet:
    return HireOutcome.objects.filter(application__candidate=candidate)


# --- sections -------------------------------------------------------------------------


@export_section("candidate", subjects=_candidates)
def candidate_section(candidate: Candidate) -> dict:
    return {
        "id": candidate.pk,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "preferred_language": candidate.preferred_language,
        "external_id": candidate.external_id,
        "consent_at": candidate.consent_at,
        "consent_version": candidate.consent_version,
        "retention_until": candidate.retention_until,
        "erased_at": candidate.erased_at,
        "created_at": candidate.created_at,
        "updated_at": candidate.updated_at,
    }


@export_section("applications", subjects=_applications)
def applications_section(candidate: Candidate) -> list[dict]:
    return [
        {
            "id": application.pk,
            "job": {
                "id": application.job_id,
                "title": application.job.title,
                "department": application.job.department,
                "location": application.job.location,
            },
            "stage": application.stage,
            "is_open": application.is_open,
            "external_id": application.external_id,
            "created_at": application.created_at,
            "updated_at": application.updated_at,
        }
        for application in _applications(candidate)
        .select_related("job")
        .order_by("created_at", "id")
    ]


@export_section("decisions")
def decisions_section(candidate: Candidate) -> list[dict]:
    """Every decision recorded on the candidate's applications, oldest first.

    The current decision sits on the application; earlier ones only in the audit
    log, so both are read.
    """
    applications = list(
        _applications(candidate).select_related("decided_by").order_by("id")
    )
    history = AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED,
        object_type=Application._meta.label_lower,
        object_id__in=[str(a.pk) for a in applications],
    ).select_related("actor")
    decisions = [
        {
            "application_id": int(event.object_id),
            "decision": event.data.get("decision", ""),
            "reason": event.data.get("reason", ""),
            "decided_by": _user(event.actor),
            "decided_at": event.at,
            "current": False,
        }
        for event in history.order_by("at", "id")
    ]
    for application in applications:
        if not application.decision:
            continue
        current = {
            "application_id": application.pk,
            "decision": application.decision,
            "reason": application.decision_reason,
            "decided_by": _user(application.decided_by),
            "decided_at": application.decided_at,
            "current": True,
        }
        # The audit row of the current decision is the same decision: mark it
        # instead of listing it twice.
        for row in reversed(decisions):
            if row["application_id"] == application.pk:
                if row["decision"] == current["decision"]:
                    row["current"] = True
                    break
                decisions.append(current)
                break
        else:
            decisions.append(current)
    return decisions


@export_section("invitations", subjects=_invitations)
def invitations_section(candidate: Candidate) -> list[dict]:
    return [
        {
            "id": invitation.pk,
            "application_id": invitation.application_id,
            "questionnaire": invitation.instrument_version.instrument.slug,
            "questionnaire_version": invitation.instrument_version.version,
            "status": invitation.status,
            "language": invitation.language,
            "extra_time_percent": invitation.extra_time_percent,
            "created_at": invitation.created_at,
            "sent_at": invitation.sent_at,
            "opened_at": invitation.opened_at,
            "consented_at": invitation.consented_at,
            "consent_version": invitation.consent_version,
            "started_at": invitation.started_at,
            "deadline_at": invitation.deadline_at,
            "submitted_at": invitation.submitted_at,
            "scored_at": invitation.scored_at,
            "expires_at": invitation.expires_at,
            "revoked_at": invitation.revoked_at,
            "timed_out": invitation.timed_out,
        }
        for invitation in _invitations(candidate)
        .select_related("instrument_version__instrument")
        .order_by("created_at", "id")
    ]


@export_section("answers")
def answers_section(candidate: Candidate) -> list[dict]:
    responses = (
        Response.objects.filter(invitation__application__candidate=candidate)
        .select_related("invitation__instrument_version")
        .order_by("invitation_id", "page", "answered_at", "id")
    )
    texts: dict[tuple[int, str], dict[str, str]] = {}
    rows = []
    for response in responses:
        invitation = response.invitation
        cache_key = (invitation.instrument_version_id, invitation.language)
        if cache_key not in texts:
            try:
                texts[cache_key] = item_texts(
                    invitation.instrument_version.definition, invitation.language
                )
            except (DefinitionError, KeyError):
                texts[cache_key] = {}
        rows.append(
            {
                "invitation_id": response.invitation_id,
                "item": response.item_key,
                "statement": texts[cache_key].get(response.item_key),
                "value": response.value,
                "page": response.page,
                "answered_at": response.answered_at,
            }
        )
    return rows


@export_section("page_timings")
def page_timings_section(candidate: Candidate) -> list[dict]:
    return [
        {
            "invitation_id": timing.invitation_id,
            "page": timing.page,
            "item_count": timing.item_count,
            "first_shown_at": timing.first_shown_at,
            "seconds": timing.seconds,
        }
        for timing in PageTiming.objects.filter(
            invitation__application__candidate=candidate
        ).order_by("invitation_id", "page")
    ]


@export_section("results", subjects=_results)
def results_section(candidate: Candidate) -> list[dict]:
    return [
        {
            "id": result.pk,
            "invitation_id": result.invitation_id,
            "scoring_version": result.scoring_version,
            "norms": result.norm_set.source,
            "is_current": result.is_current,
            "scales": result.scales,
            "validity": result.validity,
            "validity_status": result.validity_status,
            "composite": result.composite,
            "band": result.band,
            "explanation": result.explanation,
            "created_at": result.created_at,
        }
        for result in _results(candidate)
        .select_related("norm_set")
        .order_by("created_at", "id")
    ]


@export_section("interviews", subjects=_interviews)
def interviews_section(candidate: Candidate) -> list[dict]:
    """The interview schedule: when, where, with whom, and what became of it."""
    return [
        {
            "id": interview.pk,
            "application_id": interview.application_id,
            "title": interview.title,
            "rubric": (
                interview.rubric_version.rubric.slug
                if interview.rubric_version
                else None
            ),
            "rubric_version": (
                interview.rubric_version.version if interview.rubric_version else None
            ),
            "scheduled_at": interview.scheduled_at,
            "duration_minutes": interview.duration_minutes,
            "ends_at": interview.ends_at,
            "location": interview.location,
            "status": interview.status,
            "cancel_reason": interview.cancel_reason,
            "interviewers": sorted(_user(u) for u in interview.interviewers.all()),
            "created_at": interview.created_at,
            "updated_at": interview.updated_at,
        }
        for interview in _interviews(candidate)
        .select_related("rubric_version__rubric")
        .prefetch_related("interviewers")
        .order_by("scheduled_at", "id")
    ]


@export_section("scorecards", subjects=_scorecards)
def scorecards_section(candidate: Candidate) -> list[dict]:
    """Each interviewer's scorecard: every locked version (ratings, evidence notes,
    recommendation, amendment reasons) and the draft of one not yet submitted."""
    versions = Prefetch(
        "versions",
        queryset=ScorecardVersion.objects.select_related("created_by").order_by(
            "number"
        ),
    )
    return [
        {
            "id": card.pk,
            "interview_id": card.interview_id,
            "interviewer": _user(card.interviewer),
            "submitted_at": card.submitted_at,
            "current_version": card.current_version,
            "draft": None
            if card.is_submitted
            else {
                "ratings": card.draft_ratings,
                "notes": card.draft_notes,
                "recommendation": card.draft_recommendation,
                "summary": card.draft_summary,
                "saved_at": card.draft_saved_at,
            },
            "versions": [
                {
                    "number": version.number,
                    "ratings": version.ratings,
                    "evidence": version.evidence,
                    "recommendation": version.recommendation,
                    "summary": version.summary,
                    "reason": version.reason,
                    "by": _user(version.created_by),
                    "at": version.created_at,
                }
                for version in card.versions.all()
            ],
        }
        for card in _scorecards(candidate)
        .select_related("interviewer")
        .prefetch_related(versions)
        .order_by("interview_id", "id")
    ]


@export_section("interview_results", subjects=_interview_results)
def interview_results_section(candidate: Candidate) -> list[dict]:
    return [
        {
            "id": result.pk,
            "interview_id": result.interview_id,
            "scoring_version": result.scoring_version,
            "score": result.score,
            "state": result.state,
            "aggregate": result.aggregate,
            "computed_at": result.computed_at,
        }
        for result in _interview_results(candidate).order_by("computed_at", "id")
    ]


def _self_identifications(candidate: Candidate) -> QuerySet:
    return SelfIdentification.objects.filter(candidate=candidate)


@export_section(
    "self_identification", subjects=_self_identifications, administrators_only=True
)
def self_identification_section(candidate: Candidate) -> dict | None:
    """The candidate's voluntary answers about themselves (None if they gave none).

    Theirs to see; nobody deciding on an application ever does, so only an
    administrator's file holds them."""
    row = _self_identifications(candidate).first()
    if row is None:
        return None
    return {
        "gender": row.gender,
        "age_band": row.age_band,
        "ethnicity": row.ethnicity,
        "answered_at": row.answered_at,
    }


def _development_plans(candidate: Candidate) -> QuerySet:
    return DevelopmentPlan.objects.filter(application__candidate=candidate)


@export_section("development_plans", subjects=_development_plans)
def development_plans_section(candidate: Candidate) -> list[dict]:
    """The hire's development plans: goals, check-ins and the manager's notes.
    The link's salt and hash are not personal data and stay out."""
    plans = _development_plans(candidate).prefetch_related(
        "goals", "check_ins__done_by"
    )
    return [
        {
            "id": plan.pk,
            "application_id": plan.application_id,
            "language": plan.language,
            "shared_with_manager_at": plan.shared_with_manager_at,
            "created_at": plan.created_at,
            "goals": [
                {
                    "source": goal.source,
                    "key": goal.key,
                    "title": goal.title,
                    "text": goal.text,
                    "check_in_text": goal.check_in_text,
                    "basis": goal.basis,
                }
                for goal in plan.goals.all()
            ],
            "check_ins": [
                {
                    "day": check_in.day,
                    "due_on": check_in.due_on,
                    "held_at": check_in.done_at,
                    "recorded_by": _user(check_in.done_by),
                    "notes": check_in.notes,
                }
                for check_in in plan.check_ins.all()
            ],
        }
        for plan in plans.order_by("id")
    ]


@export_section("hire_outcomes", subjects=_outcomes)
def hire_outcomes_section(candidate: Candidate) -> list[dict]:
    """What became of the candidate once hired: dates, manager, rating and quota
    attainment, with retention at 90 and 180 days as of the export."""
    today = timezone.localdate()
    outcomes = (
        _outcomes(candidate)
        .with_retention(today)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "quotas",
                queryset=QuotaAttainment.objects.order_by("year", "quarter"),
            )
        )
        .order_by("start_date", "id")
    )
    return [
        {
            "id": outcome.pk,
            "application_id": outcome.application_id,
            "start_date": outcome.start_date,
            "manager": outcome.manager_name,
            "team": outcome.team,
            "leaving_date": outcome.leaving_date,
            "leaving_reason": outcome.leaving_reason,
            **{
                f"employed_{days}": getattr(outcome, f"employed_{days}")
                for days in RETENTION_CHECKPOINTS
            },
            "performance_rating": outcome.performance_rating,
            "rated_on": outcome.rated_on,
            "quotas": [
                {
                    "year": quota.year,
                    "quarter": quota.quarter,
                    "attainment_percent": quota.attainment_percent,
                }
                for quota in outcome.quotas.all()
            ],
            "recorded_by": _user(outcome.recorded_by),
            "created_at": outcome.created_at,
            "updated_at": outcome.updated_at,
        }
        for outcome in outcomes
    ]


def audit_entries_about(
    candidate: Candidate, *, result_ids: set[str] | None = None
) -> QuerySet[AuditEvent]:
    """Audit rows about the candidate or any row a section names as theirs,
    integrations' reads of their results included (one row may name other
    candidates' results too: `audit_section` shows only theirs)."""
    if result_ids is None:
        result_ids = _result_ids(candidate)
    reads = result_reads_by_integrations(result_ids)
    about = Q(pk__in=reads.values("pk"))
    for section in SECTIONS:
        if section.subjects is None:
            continue
        rows = section.subjects(candidate)
        about |= Q(
            object_type=rows.model._meta.label_lower,
            object_id__in=rows.annotate(
                audit_object_id=Cast("pk", output_field=CharField())
            ).values("audit_object_id"),
        )
    return AuditEvent.objects.filter(about).select_related("actor", "job")


@export_section("audit")
def audit_section(candidate: Candidate) -> list[dict]:
    theirs = _result_ids(candidate)
    return [
        {
            "at": event.at,
            "action": event.action,
            "actor": _user(event.actor),
            "job": event.job.title if event.job else None,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": _only_theirs(event.data, theirs),
        }
        for event in audit_entries_about(candidate, result_ids=theirs).order_by(
            "at", "id"
        )
    ]


def _only_theirs(data: dict, theirs: set[str]) -> dict:
    """An integration's read names every result it showed: in the candidate's
    file, only theirs."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return data
    return {**data, "results": [pk for pk in data["results"] if pk in theirs]}


# --- the document ---------------------------------------------------------------------


def candidate_export_data(
    *, candidate: Candidate, now: datetime | None = None, complete: bool = True
) -> dict:
    """The candidate's whole file: metadata, then one key per registered section.

    Without ``complete`` (a file made by someone who may decide on applications)
    the administrators-only sections say they were withheld instead."""
    now = now or timezone.now()
    # Read again: the caller's object may predate an erasure.
    candidate = Candidate.objects.get(pk=candidate.pk)
    document: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": now,
        "candidate_id": candidate.pk,
    }
    with translation.override(candidate.preferred_language):
        document["about"] = str(ABOUT)
    for section in SECTIONS:
        if section.administrators_only and not complete:
            with translation.override(candidate.preferred_language):
                document[section.key] = {"withheld": str(WITHHELD)}
        else:
            document[section.key] = section.collect(candidate)
    return document


def export_json(document: dict) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def candidate_export(
    *, candidate: Candidate, actor, via: str, now: datetime | None = None
) -> str:
    """The candidate's file as JSON text; the export is written to the audit log.

    ``actor`` None is the command line; an administrator's file (or the command's)
    is complete, anyone else's withholds the administrators-only sections."""
    complete = actor is None or user_is_administrator(actor)
    document = candidate_export_data(candidate=candidate, now=now, complete=complete)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=candidate,
        data={
            "what": "candidate",
            "via": via,
            "sections": [
                section.key
                for section in SECTIONS
                if complete or not section.administrators_only
            ],
        },
    )
    return export_json(document)
