"""Erasing a candidate: personal data goes for good, de-identified scores stay.

GDPR article 17. The candidate's names, email, phone and external ids are
overwritten, free text about them (decision reasons, interview titles and
cancellation reasons, scorecard evidence notes, summaries, drafts and amendment
reasons, audit values that name them) is replaced by a marker, and no copy is kept
anywhere; the erasure row in the audit log says what was done, not to whom.
Answers and results stay, linked to nothing personal, for norms and statistics,
unless erasing them too is asked for; so do interview ratings, recommendations and
interview results, de-identified. Nothing is erased while an application is open,
unless an administrator forces it and says why.

Each kind of data is one step in ``ERASURE_STEPS``; a new model that holds free
text about a candidate (a scorecard's evidence) adds one step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import selectors
from assessments.api.rendering import results_rendered_forget
from assessments.models import (
    DevelopmentPlan,
    Interview,
    Invitation,
    PageTiming,
    QuestionnaireResult,
    Response,
    Scorecard,
    ScorecardVersion,
)
from assessments.privacy.export import SECTIONS, audit_entries_about
from hiring.errors import Conflict, Forbidden, Invalid
from hiring.models import (
    CLOSED_STAGES,
    Application,
    AuditEvent,
    Candidate,
    IdempotencyRecord,
    OutboxEvent,
    SelfIdentification,
    WebhookAttempt,
    WebhookDelivery,
)
from hiring.selectors import user_is_administrator
from hiring.services import audit_record

ERASED = "[erased]"
# Audit values under these keys are about the candidate whatever they say.
PERSONAL_AUDIT_KEYS = frozenset({"to", "reason", "email", "name", "phone", "note"})
# Audit values under these keys are Criba's own ids and labels, never a person's
# words: a numeric external id ("4812") must not match inside them and erase the
# record of a read that also showed other candidates' results.
ID_AUDIT_KEYS = frozenset(
    {"results", "application", "invitation", "channel", "api_key"}
)
REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class PersonalValues:
    """The candidate's identifying strings, held in memory only while erasing."""

    values: tuple[str, ...]

    @classmethod
    def of(cls, candidate: Candidate) -> PersonalValues:
        raw = [
            candidate.first_name,
            candidate.last_name,
            candidate.full_name if not candidate.is_erased else "",
            candidate.email,
            candidate.phone,
            candidate.external_id,
            *Application.objects.filter(candidate=candidate)
            .exclude(external_id="")
            .values_list("external_id", flat=True),
        ]
        # Very short strings ("Al") would match everywhere and say nothing.
        return cls(tuple({v.strip().lower() for v in raw if len(v.strip()) >= 3}))

    def found_in(self, text: str) -> bool:
        lowered = text.lower()
        return any(value in lowered for value in self.values)


@dataclass
class Erasure:
    candidate_id: int
    answers_erased: bool
    forced: bool
    personal_data_erased: bool
    counts: dict[str, int] = field(default_factory=dict)


ErasureStep = Callable[[Candidate, PersonalValues, bool, datetime], dict[str, int]]
ERASURE_STEPS: list[ErasureStep] = []


def erasure_step(step: ErasureStep) -> ErasureStep:
    """Register ``step(candidate, personal, answers, now) -> {what: rows}``."""
    ERASURE_STEPS.append(step)
    return step


# --- steps ----------------------------------------------------------------------------


@erasure_step
def _rendered_results(candidate, personal, answers, now) -> dict[str, int]:
    """The API's cached renderings of the candidate's results repeat their external
    ids; dropped first, while the ids that make up their cache keys are known."""
    stubs = list(
        selectors.result_stubs_for_integrations().filter(
            invitation__application__candidate=candidate
        )
    )
    results_rendered_forget(stubs)
    return {"cached_results": len(stubs)}


@erasure_step
def _audit_values(candidate, personal, answers, now) -> dict[str, int]:
    """Replace audit values that name the candidate; the rows themselves stay."""
    changed = 0
    for event in audit_entries_about(candidate).select_related(None).only("data"):
        data = event.data or {}
        redacted = {
            key: ERASED
            if value != ERASED
            and (
                key in PERSONAL_AUDIT_KEYS
                or (
                    key not in ID_AUDIT_KEYS
                    and personal.found_in(json.dumps(value, ensure_ascii=False))
                )
            )
            else value
            for key, value in data.items()
        }
        if redacted != data:
            # The log's only permitted change (see hiring migration 0008).
            AuditEvent.objects.filter(pk=event.pk).update(data=redacted)
            changed += 1
    return {"audit_values": changed}


def _redacted(value, personal: PersonalValues):
    """The value with every string that names the candidate replaced, recursively."""
    if isinstance(value, dict):
        return {key: _redacted(item, personal) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, personal) for item in value]
    if isinstance(value, str) and personal.found_in(value):
        return ERASED
    return value


@erasure_step
def _integration_payloads(candidate, personal, answers, now) -> dict[str, int]:
    """Events for integrations carry ids, and the ATS's own ids of the candidate's
    records; those are replaced in the outbox and in every delivery's copy, sent or
    not (a delivery still pending sends the marker)."""
    applications = list(
        Application.objects.filter(candidate=candidate).values_list("pk", flat=True)
    )
    invitations = list(
        Invitation.objects.filter(application__candidate=candidate).values_list(
            "pk", flat=True
        )
    )
    about = (
        Q(payload__data__candidate_id=candidate.pk)
        | Q(payload__data__application_id__in=applications)
        | Q(payload__data__invitation_id__in=invitations)
    )
    counts = {"outbox_events": 0, "webhook_deliveries": 0, "webhook_attempts": 0}
    # Each delivery keeps its own copy of the payload it signs and sends.
    for model, key in (
        (OutboxEvent, "outbox_events"),
        (WebhookDelivery, "webhook_deliveries"),
    ):
        for row in model.objects.filter(about).only("payload"):
            payload = _redacted(row.payload, personal)
            if payload != row.payload:
                model.objects.filter(pk=row.pk).update(payload=payload)
                counts[key] += 1
    # What an endpoint answered may echo what it was sent.
    for attempt in WebhookAttempt.objects.filter(
        delivery__in=WebhookDelivery.objects.filter(about)
    ).only("response_excerpt", "error"):
        if personal.found_in(attempt.response_excerpt) or personal.found_in(
            attempt.error
        ):
            WebhookAttempt.objects.filter(pk=attempt.pk).update(
                response_excerpt=ERASED, error=ERASED if attempt.error else ""
            )
            counts["webhook_attempts"] += 1
    return counts


@erasure_step
def _admin_history(candidate, personal, answers, now) -> dict[str, int]:
    """The admin's history names objects by their ``str()``, which holds the name."""
    changed = 0
    for section in SECTIONS:
        if section.subjects is None:
            continue
        rows = section.subjects(candidate)
        changed += LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(rows.model),
            object_id__in=[str(pk) for pk in rows.values_list("pk", flat=True)],
        ).update(object_repr=ERASED)
    return {"admin_history": changed}


@erasure_step
def _applications(candidate, personal, answers, now) -> dict[str, int]:
    applications = Application.objects.filter(candidate=candidate)
    # A decision keeps its who, when and what; only the reason, free text about
    # the candidate, goes (the row's constraint wants one, so the marker stays).
    # updated_at moves so integrations polling for changes see the erasure.
    decided = applications.exclude(decision="").update(
        external_id="", decision_reason=ERASED, updated_at=now
    )
    undecided = applications.filter(decision="").update(
        external_id="", decision_reason="", updated_at=now
    )
    return {"applications": decided + undecided}


@erasure_step
def _interviews(candidate, personal, answers, now) -> dict[str, int]:
    interviews = Interview.objects.filter(application__candidate=candidate)
    # Why an interview was cancelled is free text about the candidate; a place or
    # video link only when it names them.
    interviews.exclude(cancel_reason="").update(cancel_reason=ERASED)
    for interview in interviews.exclude(location="").only("location"):
        if personal.found_in(interview.location):
            Interview.objects.filter(pk=interview.pk).update(location=ERASED)
    return {"interviews": interviews.update(title=ERASED, updated_at=now)}


def _erased_notes(notes: dict) -> dict:
    return {key: ERASED if text else text for key, text in (notes or {}).items()}


@erasure_step
def _scorecards(candidate, personal, answers, now) -> dict[str, int]:
    """Evidence notes, summaries, drafts and amendment reasons: what interviewers
    wrote about the candidate. Ratings and recommendations stay, de-identified,
    like questionnaire results, so the interview results stay explainable."""
    cards = Scorecard.objects.filter(interview__application__candidate=candidate)
    drafts = 0
    for card in cards.only("draft_notes", "draft_summary"):
        notes = _erased_notes(card.draft_notes)
        summary = ERASED if card.draft_summary else ""
        if (notes, summary) != (card.draft_notes, card.draft_summary):
            drafts += Scorecard.objects.filter(pk=card.pk).update(
                draft_notes=notes, draft_summary=summary, updated_at=now
            )
    # Versions are locked; erasure is the one change they admit.
    versions = ScorecardVersion.objects.filter(scorecard__in=cards).erase_free_text(
        marker=ERASED
    )
    return {"scorecard_drafts": drafts, "scorecard_versions": versions}


@erasure_step
def _development_plans(candidate, personal, answers, now) -> dict[str, int]:
    """A plan is coaching about one person, and its check-in notes are free text
    about them: it goes whole (goals and check-ins with it), and its link with it."""
    _total, rows = DevelopmentPlan.objects.filter(
        application__candidate=candidate
    ).delete()
    return {"development_plans": rows.get(DevelopmentPlan._meta.label, 0)}


@erasure_step
def _invitations(candidate, personal, answers, now) -> dict[str, int]:
    invitations = Invitation.objects.filter(application__candidate=candidate)
    # A link still open would let someone answer in the name of nobody.
    revoked = invitations.filter(status__in=Invitation.OPEN_STATUSES).update(
        status=Invitation.Status.REVOKED, revoked_at=now
    )
    invitations.update(session_nonce="", updated_at=now)
    # Why an email could not be delivered: an SMTP refusal names the address.
    errors = 0
    for invitation in invitations.exclude(email_error="").only("email_error"):
        if personal.found_in(invitation.email_error):
            errors += Invitation.objects.filter(pk=invitation.pk).update(
                email_error=ERASED
            )
    return {"invitations_revoked": revoked, "email_errors": errors}


@erasure_step
def _api_replays(candidate, personal, answers, now) -> dict[str, int]:
    """The first answer of an API call sent with an Idempotency-Key is kept for a
    day to be replayed on a retry; one that shows the candidate is replayed with
    the marker in place of what named them (the row stays, so a retry still
    creates nothing twice)."""
    changed = 0
    stored = IdempotencyRecord.objects.filter(response_body__isnull=False).only(
        "response_body"
    )
    for record in stored.iterator():
        text = json.dumps(record.response_body, ensure_ascii=False)
        if personal.found_in(text):
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                response_body=_redacted(record.response_body, personal)
            )
            changed += 1
    return {"api_replays": changed}


@erasure_step
def _answers_and_results(candidate, personal, answers, now) -> dict[str, int]:
    if not answers:
        return {}
    where = {"invitation__application__candidate": candidate}
    results, _by_model = QuestionnaireResult.objects.filter(**where).delete()
    responses, _by_model = Response.objects.filter(**where).delete()
    timings, _by_model = PageTiming.objects.filter(**where).delete()
    return {"results": results, "answers": responses, "page_timings": timings}


@erasure_step
def _self_identification(candidate, personal, answers, now) -> dict[str, int]:
    """Voluntary answers about the candidate are personal data: deleted outright."""
    deleted, _by_model = SelfIdentification.objects.filter(candidate=candidate).delete()
    return {"self_identification": deleted}


@erasure_step
def _candidate(candidate, personal, answers, now) -> dict[str, int]:
    changed = Candidate.objects.filter(pk=candidate.pk).update(
        first_name="",
        last_name="",
        email="",
        phone="",
        external_id="",
        retention_until=None,
        retention_notified_for=None,
        erased_at=now,
        updated_at=now,
    )
    return {"candidate": changed}


# --- the service ----------------------------------------------------------------------


def _check_force(
    candidate: Candidate, personal: PersonalValues, *, actor, force_reason: str
) -> bool:
    """Whether the erasure goes ahead despite an open application (else it raises)."""
    has_open = (
        Application.objects.filter(candidate=candidate)
        .exclude(stage__in=CLOSED_STAGES)
        .exists()
    )
    if not has_open:
        return False
    if not force_reason:
        raise Conflict(
            _(
                "This candidate has an application that is still open; close it "
                "first, or ask an administrator to force the erasure with a reason."
            ),
            code="application_open",
        )
    # No actor: a management command, run by whoever administers the server.
    if actor is not None and not user_is_administrator(actor):
        raise Forbidden(
            _("Only an administrator can erase a candidate whose application is open."),
            code="force_needs_administrator",
        )
    return True


def _clean_reason(reason: str, personal: PersonalValues) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(
            _("The reason is too long."),
            code="reason_too_long",
            fields={
                "reason": [
                    _("Use at most %(n)s characters.") % {"n": REASON_MAX_LENGTH}
                ]
            },
        )
    if reason and personal.found_in(reason):
        # The reason is kept in the audit log, which must hold nothing personal.
        raise Invalid(
            _("The reason must not name the candidate."),
            code="reason_is_personal",
            fields={
                "reason": [
                    _(
                        "Describe why without the candidate's name, email, phone or "
                        "identifiers: the reason is kept after the erasure."
                    )
                ]
            },
        )
    return reason


@transaction.atomic
def candidate_erase(
    *,
    candidate: Candidate,
    actor,
    answers: bool = False,
    force_reason: str = "",
    trigger: str = "request",
    now: datetime | None = None,
) -> Erasure:
    """Erase the candidate's personal data for good, and audit it.

    ``answers=True`` deletes their answers, page timings and results too; otherwise
    those stay, de-identified, for norms and statistics. Refuses while an
    application is open unless ``force_reason`` is given by an administrator (or a
    management command). An already erased candidate can still have their answers
    erased. Cannot be undone: nothing is copied, the audit row names no one.
    """
    now = now or timezone.now()
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    personal = PersonalValues.of(candidate)
    reason = _clean_reason(force_reason, personal)
    if candidate.is_erased and not answers:
        raise Conflict(
            _("This candidate's personal data was already erased."),
            code="already_erased",
        )
    forced = (
        False
        if candidate.is_erased
        else _check_force(candidate, personal, actor=actor, force_reason=reason)
    )
    counts: dict[str, int] = {}
    if candidate.is_erased:
        counts.update(_answers_and_results(candidate, personal, True, now))
    else:
        for step in ERASURE_STEPS:
            counts.update(step(candidate, personal, answers, now))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ERASURE,
        obj=candidate,
        data={
            "trigger": trigger,
            "personal_data": not candidate.is_erased,
            "answers_and_results": answers,
            "forced": forced,
            "reason": reason,
            "rows": counts,
        },
    )
    return Erasure(
        candidate_id=candidate.pk,
        answers_erased=answers,
        forced=forced,
        personal_data_erased=not candidate.is_erased,
        counts=counts,
    )
