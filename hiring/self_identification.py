"""Voluntary self-identification: the one write, and which questions are asked.

The answers are kept apart from every application and score (their own table,
keyed by the candidate), never shown to anyone deciding, nor shown back on the
candidate's form (whoever opens a later link of theirs may not be them), and read
only in aggregate by the adverse impact report, and whole only in the export an
administrator makes for the candidate. The audit log records that a candidate
answered, never what.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.errors import Conflict, Invalid
from hiring.models import AuditEvent, Candidate, SelfIdentification
from hiring.services import audit_record

CHOICES = {
    "gender": SelfIdentification.Gender,
    "age_band": SelfIdentification.AgeBand,
    "ethnicity": SelfIdentification.Ethnicity,
}


def self_identification_questions() -> tuple[str, ...]:
    """The questions asked here: ethnicity only where the deployment allows it
    (``CRIBA_SELF_ID_ETHNICITY``)."""
    if settings.CRIBA_SELF_ID_ETHNICITY:
        return ("gender", "age_band", "ethnicity")
    return ("gender", "age_band")


def _cleaned(answers: dict[str, str]) -> dict[str, str]:
    asked = self_identification_questions()
    problems: dict[str, list[str]] = {}
    cleaned = {}
    for name, value in answers.items():
        value = (value or "").strip()
        if name not in CHOICES:
            problems[name] = [_("Unknown question.")]
        elif name not in asked:
            if value:
                problems[name] = [_("This question is not asked here.")]
        elif value and value not in CHOICES[name].values:
            problems[name] = [
                _("“%(value)s” is not one of the offered answers.") % {"value": value}
            ]
        else:
            cleaned[name] = value
    if problems:
        raise Invalid(
            _("Some answers are not valid."),
            code="invalid_self_identification",
            fields=problems,
        )
    return cleaned


def self_identification_record(
    *,
    candidate: Candidate,
    gender: str = "",
    age_band: str = "",
    ethnicity: str = "",
    now: datetime | None = None,
) -> SelfIdentification | None:
    """Store the candidate's voluntary answers, replacing earlier ones.

    An empty answer means the question was skipped; "prefer_not" is an answer.
    Idempotent: the row is unique per candidate, a second submit updates it, and
    two submits racing (a double click) end as one row, not an error. Answering
    nothing at all stores nothing (and withdraws earlier answers). Audited
    without the values. Returns the row, or None when nothing is kept.
    """
    values = _cleaned({"gender": gender, "age_band": age_band, "ethnicity": ethnicity})
    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.is_erased:
            raise Conflict(
                _("This candidate's personal data was erased."),
                code="already_erased",
            )
        fields = {name: values.get(name, "") for name in CHOICES}
        existing = SelfIdentification.objects.filter(candidate=candidate).first()
        if not any(fields.values()):
            if existing is not None:
                _audit(existing, change="withdrawn", at=now)
                existing.delete()
            return None
        if existing is None:
            try:
                with transaction.atomic():
                    row = SelfIdentification.objects.create(
                        candidate=candidate, answered_at=now, **fields
                    )
            except IntegrityError:
                # Unreachable while the candidate row is locked; kept so that a
                # writer that does not lock still ends as an update.
                existing = SelfIdentification.objects.get(candidate=candidate)
            else:
                _audit(row, change="created", at=now)
                return row
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.answered_at = now
        existing.save()
        _audit(existing, change="updated", at=now)
        return existing


def _audit(row: SelfIdentification, *, change: str, at: datetime) -> None:
    # Which questions were answered is itself an answer: only that the
    # candidate acted is kept.
    audit_record(
        actor=None,
        action=AuditEvent.Action.SELF_IDENTIFICATION_RECORDED,
        obj=row,
        data={"change": change},
        at=at,
    )


def self_identification_seed(
    *, answers: dict[int, dict[str, str]], now: datetime | None = None
) -> int:
    """Record answers for demo candidates: ``{candidate_id: {question: value}}``.

    For the demo seed only; goes through the same service as a candidate, at
    ``now`` (a demo candidate's moment in their history), audit row included.
    Returns how many candidates have answers stored.
    """
    stored = 0
    for candidate_id, values in answers.items():
        candidate = Candidate.objects.get(pk=candidate_id)
        if self_identification_record(candidate=candidate, now=now, **values):
            stored += 1
    return stored
