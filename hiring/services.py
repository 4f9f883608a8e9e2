"""Writes of the hiring side: jobs, candidates, applications, decisions, the audit
log and worker heartbeats. Pages, the API, commands and tasks all call these."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from celery import current_app
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.errors import Conflict, Invalid, NotFound
from hiring.events import event_record, utc_timestamp
from hiring.json_input import unpaired_surrogate
from hiring.models import (
    ApiKey,
    Application,
    AuditEvent,
    Candidate,
    IdempotencyRecord,
    Job,
    JobMember,
    JobRole,
    OutboxEvent,
    Stage,
    TaskRetry,
    WebhookEndpoint,
    WorkerHeartbeat,
    retention_date,
)
from hiring.selectors import api_key_forget, candidates_by_email
from hiring.signals import team_member_removed

logger = logging.getLogger(__name__)

# Rows per INSERT when a service writes many at once: a file of candidates is at
# most 1,000 rows, so one statement per table, and its parameters stay far below
# PostgreSQL's limit of 65,535.
BULK_BATCH = 1000


def audit_build(
    *,
    actor,
    action: str,
    obj,
    job: Job | None = None,
    data: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """An unsaved audit row, for services that write many with
    `audits_record_many`; `audit_record` writes one."""
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        job=job,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def audit_record(
    *,
    actor,
    action: str,
    obj,
    job: Job | None = None,
    data: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    event = audit_build(actor=actor, action=action, obj=obj, job=job, data=data, at=at)
    event.save(force_insert=True)
    return event


def audits_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write audit rows built with `audit_build` in one INSERT per thousand, in
    their order (the log is append-only: rows are only ever inserted)."""
    return AuditEvent.objects.bulk_create(events, batch_size=BULK_BATCH)


# --- shared checks -------------------------------------------------------------------

# Control characters (Unicode category Cc) and the line and paragraph separators
# (Zl, Zp): what would break a one-line value in two, in an email subject or a
# calendar entry (a name, a job title) or a spreadsheet. One pattern rather than
# a category looked up per character: every value of every write is searched,
# and a file of a thousand candidates holds tens of thousands of characters.
# Unicode's stability policy fixes Cc; Zl and Zp each hold one character;
# `tests/hiring/test_services_one_line_text.py` checks every code point.
_NOT_ON_ONE_LINE_PATTERN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line_text_problem(value: str) -> str | None:
    """Why ``value`` cannot be a one-line text such as a name or a title (it
    holds a line break or another control character), or None."""
    if _NOT_ON_ONE_LINE_PATTERN.search(value):
        return _("Line breaks and other control characters are not allowed here.")
    return None


def _clean_fields(model: type[models.Model], values: dict) -> dict:
    """Strip text, reject unknown fields and check every value against the model's
    own field rules; raises Invalid naming each field that is wrong."""
    allowed = {f.name: f for f in model._meta.get_fields() if hasattr(f, "clean")}
    problems: dict[str, list[str]] = {}
    cleaned = {}
    for name, value in values.items():
        field = allowed.get(name)
        if field is None:
            problems[name] = [_("Unknown field.")]
            continue
        if isinstance(value, str):
            value = value.strip()
            # One-line fields hold no control character; no text holds NUL.
            problem = (
                one_line_text_problem(value)
                if isinstance(field, models.CharField)
                else None
            )
            if problem is None and "\x00" in value:
                problem = _("The NUL character (\\x00) is not allowed.")
            if problem is None and unpaired_surrogate(value):
                problem = _(
                    "Half of a surrogate pair (U+D800 to U+DFFF) is not text; "
                    "send the character whole."
                )
            if problem is not None:
                problems[name] = [problem]
                continue
        try:
            cleaned[name] = field.clean(value, None)
        except ValidationError as error:
            problems[name] = [str(m) for m in error.messages]
    if problems:
        raise Invalid(_("Some fields are not valid."), fields=problems)
    return cleaned


def _external_id_taken(model: type[models.Model], external_id: str, pk=None) -> bool:
    if not external_id:
        return False
    return model.objects.filter(external_id=external_id).exclude(pk=pk).exists()


def _external_ids_taken(model: type[models.Model], external_ids: list[str]) -> bool:
    """Whether any of these external ids (for new rows) is already in use, or
    given twice; one query, none when no id is given."""
    given = [external_id for external_id in external_ids if external_id]
    if len(set(given)) < len(given):
        return True
    return bool(given) and model.objects.filter(external_id__in=given).exists()


def _insert_unique(model: type[models.Model], objs: list, refusal: Conflict) -> None:
    """Insert many new rows at once (their keys set on them); a clash on a unique
    key (a concurrent create) becomes ``refusal`` instead of a database error,
    as `_save_unique` does for one."""
    try:
        with transaction.atomic():
            model.objects.bulk_create(objs, batch_size=BULK_BATCH)
    except IntegrityError as error:
        raise refusal from error


def _save_unique(obj: models.Model, **kwargs) -> None:
    """Save; a clash on a unique key (a concurrent create of the same external id)
    becomes a Conflict instead of a database error."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as error:
        raise Conflict(
            _("Another record already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        ) from error


def _upsert(model, *, external_id: str, create, update, lookup=None):
    """Create or update by the ATS's external id, never making two rows, also when
    two requests race: the loser of the insert finds the winner's row and updates
    it."""
    if not external_id or not str(external_id).strip():
        raise Invalid(
            _("An external id is required."),
            code="external_id_required",
            fields={"external_id": [_("This field is required.")]},
        )
    external_id = str(external_id).strip()
    refusal = None
    for _attempt in range(2):
        existing = (
            model.objects.select_for_update().filter(external_id=external_id).first()
        )
        if existing is not None:
            return update(existing), False
        try:
            with transaction.atomic():
                return create(), True
        except Conflict as error:
            # A concurrent insert of this external id shows up on the next look;
            # any other refusal (already applied, a closed job) stays what it is.
            refusal = error
    raise refusal


# --- jobs ----------------------------------------------------------------------------


@transaction.atomic
def job_create(*, actor=None, **fields) -> Job:
    """Create a job: title (required), department, location, status, external_id."""
    values = _clean_fields(Job, fields)
    if not values.get("title"):
        raise Invalid(
            _("A job needs a title."), fields={"title": [_("This field is required.")]}
        )
    if _external_id_taken(Job, values.get("external_id", "")):
        raise Conflict(
            _("Another job already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    job = Job(**values)
    _save_unique(job)
    audit_record(
        actor=actor, action=AuditEvent.Action.JOB_CREATED, obj=job, job=job, data={}
    )
    return job


@transaction.atomic
def job_update(*, job: Job, actor=None, now: datetime | None = None, **fields) -> Job:
    """Change a job's fields; an external id may be set once and not taken over.
    Audited at ``now`` (by default the present; the demo seed gives the moment
    in its history)."""
    values = _clean_fields(Job, fields)
    if "title" in values and not values["title"]:
        raise Invalid(
            _("A job needs a title."), fields={"title": [_("This field is required.")]}
        )
    if _external_id_taken(Job, values.get("external_id", ""), pk=job.pk):
        raise Conflict(
            _("Another job already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    changed = sorted(k for k, v in values.items() if getattr(job, k) != v)
    if not changed:
        # Sending the same values again (an ATS's nightly re-sync) changes
        # nothing, not even `updated_at`, so pollers are not told of a change.
        return job
    for name, value in values.items():
        setattr(job, name, value)
    _save_unique(job)
    if changed:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.JOB_UPDATED,
            obj=job,
            job=job,
            data={"fields": changed},
            at=now,
        )
    return job


@transaction.atomic
def job_upsert(*, external_id: str, actor=None, **fields) -> tuple[Job, bool]:
    return _upsert(
        Job,
        external_id=external_id,
        create=lambda: job_create(actor=actor, external_id=external_id, **fields),
        update=lambda job: job_update(job=job, actor=actor, **fields),
    )


# --- candidates ----------------------------------------------------------------------


def retention_default(today: date | None = None) -> date:
    """How long a new candidate's personal data is kept unless someone decides
    otherwise: ``CRIBA_RETENTION_DAYS`` from today."""
    return retention_date(today)


def candidates_retention_extend(
    *, candidate_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Keep these candidates' data for the retention period counted from ``now``.

    Called on activity (an invitation, a start, a submission, a decision, an
    outcome). Only ever moves a date forward, so a later date set by hand stays;
    an erased candidate has nothing left to keep. One UPDATE whatever the number
    of candidates; returns how many dates moved.
    """
    ids = set(candidate_ids)
    if not ids:
        return 0
    until = retention_date(timezone.localdate(now) if now else None)
    return (
        Candidate.objects.filter(pk__in=ids, erased_at__isnull=True)
        .exclude(retention_until__gte=until)
        .update(retention_until=until)
    )


def candidate_retention_extend(
    *, candidate_id: int, now: datetime | None = None
) -> bool:
    """`candidates_retention_extend` for one candidate: whether the date moved."""
    return candidates_retention_extend(candidate_ids=[candidate_id], now=now) == 1


def _candidate_checks(values: dict) -> None:
    if "email" in values:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise Invalid(
                _("Enter a valid email address."),
                fields={"email": [_("Enter a valid email address.")]},
            ) from None
        values["email"] = values["email"].lower()
    for name in ("first_name", "last_name"):
        if name in values and not values[name]:
            raise Invalid(
                _("A candidate needs a first and a last name."),
                fields={name: [_("This field is required.")]},
            )


def candidate_fields_clean(fields: dict) -> dict:
    """A new candidate's fields as they are stored: text stripped and on one
    line, every value within its field's rules, the email valid and lower-cased,
    the retention date set; raises Invalid naming each field that is wrong. Reads
    nothing, so a preview of many rows can ask it of each."""
    values = _clean_fields(Candidate, fields)
    missing = [n for n in ("first_name", "last_name", "email") if not values.get(n)]
    if missing:
        raise Invalid(
            _("Some required fields are empty."),
            fields={n: [_("This field is required.")] for n in missing},
        )
    _candidate_checks(values)
    if values.get("retention_until") is None:
        values["retention_until"] = retention_default()
    return values


def _candidates_prepare(rows: list[dict]) -> list[Candidate]:
    """Unsaved candidates for ``rows``, each checked; Conflict if an external id
    is taken (or given twice). One query at most."""
    values = [candidate_fields_clean(fields) for fields in rows]
    if _external_ids_taken(Candidate, [v.get("external_id", "") for v in values]):
        raise Conflict(
            _("Another candidate already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    return [Candidate(**v) for v in values]


def _candidates_insert(candidates: list[Candidate], *, actor) -> list[AuditEvent]:
    """Write prepared candidates; their audit rows, unsaved."""
    _insert_unique(
        Candidate,
        candidates,
        Conflict(
            _("Another record already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        ),
    )
    return [
        audit_build(actor=actor, action=AuditEvent.Action.CANDIDATE_CREATED, obj=c)
        for c in candidates
    ]


@transaction.atomic
def candidates_create(*, rows: list[dict], actor=None) -> list[Candidate]:
    """Add many candidates, each row checked as `candidate_create` checks one (it
    is this with one row); all are written, and audited, in one INSERT each, or
    none is. The same number of queries whatever the number of rows."""
    candidates = _candidates_prepare(rows)
    audits_record_many(_candidates_insert(candidates, actor=actor))
    return candidates


def candidate_create(*, actor=None, **fields) -> Candidate:
    """Add a candidate (first_name, last_name, email required; phone,
    preferred_language, external_id, retention_until optional)."""
    return candidates_create(rows=[fields], actor=actor)[0]


@transaction.atomic
def candidate_update(*, candidate: Candidate, actor=None, **fields) -> Candidate:
    values = _clean_fields(Candidate, fields)
    _candidate_checks(values)
    if candidate.erased_at is not None:
        raise Conflict(_("This candidate's personal data was erased."), code="erased")
    if _external_id_taken(Candidate, values.get("external_id", ""), pk=candidate.pk):
        raise Conflict(
            _("Another candidate already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    changed = sorted(k for k, v in values.items() if getattr(candidate, k) != v)
    if not changed:
        return candidate  # the same values again: nothing changes (see job_update)
    for name, value in values.items():
        setattr(candidate, name, value)
    _save_unique(candidate)
    if changed:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CANDIDATE_UPDATED,
            obj=candidate,
            data={"fields": changed},
        )
    return candidate


@transaction.atomic
def candidate_upsert(
    *, external_id: str, actor=None, **fields
) -> tuple[Candidate, bool]:
    return _upsert(
        Candidate,
        external_id=external_id,
        create=lambda: candidate_create(actor=actor, external_id=external_id, **fields),
        update=lambda candidate: candidate_update(
            candidate=candidate, actor=actor, **fields
        ),
    )


def candidate_by_email(email: str) -> Candidate | None:
    """The candidate already known by this email (not erased), if any."""
    return candidates_by_email([email]).get(email.strip().lower())


# --- applications --------------------------------------------------------------------


def _applications_prepare(
    *, job: Job, entries: list[tuple[Candidate, dict]]
) -> list[Application]:
    """Unsaved applications of saved candidates to ``job``, each with its own
    fields checked; Conflict when the job is closed, a candidate is already on it
    (or twice in ``entries``) or an external id is taken. Two queries at most."""
    values = [_clean_fields(Application, fields) for _candidate, fields in entries]
    if job.status == Job.Status.CLOSED:
        raise Conflict(_("This job is closed."), code="job_closed")
    candidate_ids = [candidate.pk for candidate, _fields in entries]
    if (
        len(set(candidate_ids)) < len(candidate_ids)
        or Application.objects.filter(job=job, candidate_id__in=candidate_ids).exists()
    ):
        raise Conflict(
            _("This candidate already applied to this job."),
            code="already_applied",
        )
    if _external_ids_taken(Application, [v.get("external_id", "") for v in values]):
        raise Conflict(
            _("Another application already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    return [
        Application(candidate=candidate, job=job, **v)
        for (candidate, _fields), v in zip(entries, values, strict=True)
    ]


def _applications_insert(
    applications: list[Application], *, job: Job, actor
) -> list[AuditEvent]:
    """Write prepared applications; their audit rows, unsaved."""
    # The unique keys are (candidate, job) and the external id, checked just
    # before: a clash here is a concurrent create of the same application.
    _insert_unique(
        Application,
        applications,
        Conflict(
            _("This candidate already applied to this job."), code="already_applied"
        ),
    )
    return [
        audit_build(
            actor=actor,
            action=AuditEvent.Action.APPLICATION_CREATED,
            obj=application,
            job=job,
        )
        for application in applications
    ]


@transaction.atomic
def applications_create(
    *, job: Job, entries: list[tuple[Candidate, dict]], actor=None
) -> list[Application]:
    """Put many candidates on a job's pipeline, each ``(candidate, fields)``
    checked as `application_create` checks one (it is this with one entry); all
    are written, and audited, in one INSERT each, or none is."""
    applications = _applications_prepare(job=job, entries=entries)
    audits_record_many(_applications_insert(applications, job=job, actor=actor))
    return applications


def application_create(
    *, candidate: Candidate, job: Job, actor=None, external_id: str = "", **fields
) -> Application:
    """Put a candidate on a job's pipeline; one application per candidate and job."""
    return applications_create(
        job=job,
        entries=[(candidate, {"external_id": external_id, **fields})],
        actor=actor,
    )[0]


@transaction.atomic
def application_update(
    *, application: Application, actor=None, **fields
) -> Application:
    """Change the stage or the external id; decisions go through application_decide."""
    unknown = set(fields) - {"stage", "external_id"}
    if unknown:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: [_("Cannot be changed here.")] for name in unknown},
        )
    values = _clean_fields(Application, fields)
    if _external_id_taken(
        Application, values.get("external_id", ""), pk=application.pk
    ):
        raise Conflict(
            _("Another application already uses this external id."),
            code="external_id_taken",
            fields={"external_id": [_("Already in use.")]},
        )
    if all(getattr(application, name) == value for name, value in values.items()):
        return application  # the same values again: nothing changes (see job_update)
    for name, value in values.items():
        setattr(application, name, value)
    _save_unique(application)
    return application


@transaction.atomic
def application_upsert(
    *, external_id: str, candidate: Candidate, job: Job, actor=None, **fields
) -> tuple[Application, bool]:
    def update(application: Application) -> Application:
        if application.candidate_id != candidate.pk:
            raise Conflict(
                _("This external id belongs to another candidate's application."),
                code="external_id_taken",
                fields={"external_id": [_("Already in use.")]},
            )
        if application.job_id != job.pk:
            # The same candidate, another job: an application never moves.
            raise Conflict(
                _(
                    "This external id belongs to this candidate's application to "
                    "another job; an application cannot move to another job."
                ),
                code="external_id_taken",
                fields={"external_id": [_("Already in use for another job.")]},
            )
        return application_update(application=application, actor=actor, **fields)

    return _upsert(
        Application,
        external_id=external_id,
        create=lambda: application_create(
            candidate=candidate, job=job, actor=actor, external_id=external_id, **fields
        ),
        update=update,
    )


# --- hiring teams: who may see a job's results ---------------------------------------
# The admin is where teams are edited; it calls these so that every change of
# access is in the audit log with who made it.


def _member_data(member: JobMember) -> dict:
    return {
        "user_id": member.user_id,
        "username": member.user.get_username(),
        "role": member.role,
    }


@transaction.atomic
def job_member_save(*, actor, member: JobMember) -> JobMember:
    """Add a member to a hiring team or change their role; audited. The last
    recruiter of a job keeps the role (Conflict ``last_recruiter``)."""
    previous = (
        JobMember.objects.select_related("user", "job")
        .filter(pk=member.pk)
        .select_for_update()
        .first()
        if member.pk
        else None
    )
    if previous is not None:
        staying = member.job_id == previous.job_id
        _keep_a_recruiter(
            job=previous.job, leaving=previous, new_role=member.role if staying else ""
        )
    member.save()
    if previous is None:
        action, data = AuditEvent.Action.TEAM_MEMBER_ADDED, _member_data(member)
    elif (previous.user_id, previous.role, previous.job_id) == (
        member.user_id,
        member.role,
        member.job_id,
    ):
        return member
    else:
        action = AuditEvent.Action.TEAM_MEMBER_CHANGED
        data = {**_member_data(member), "previous": _member_data(previous)}
        if previous.job_id != member.job_id:
            data["previous"]["job_id"] = previous.job_id
    audit_record(actor=actor, action=action, obj=member, job=member.job, data=data)
    return member


@transaction.atomic
def job_member_remove(*, actor, member: JobMember) -> None:
    """Take a member off a hiring team; audited. Their open interview seats with
    no submitted scorecard end with it, so a panel never waits for someone who
    can no longer rate. The last recruiter of a job stays (Conflict
    ``last_recruiter``)."""
    _keep_a_recruiter(job=member.job, leaving=member)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TEAM_MEMBER_REMOVED,
        obj=member,
        job=member.job,
        data=_member_data(member),
    )
    member.delete()
    # What other packages hold for them on this job ends with it (their
    # unsubmitted interview seats, see assessments.receivers).
    team_member_removed.send(
        sender=JobMember, job=member.job, user=member.user, actor=actor
    )


# Account flags that change what a person may see: an administrator (superuser)
# reads every job's results, staff reach the admin, inactive accounts none.
USER_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


def user_access(user) -> dict:
    return {name: getattr(user, name) for name in USER_ACCESS_FIELDS}


def user_access_audit(*, actor, user, previous: dict | None) -> AuditEvent | None:
    """Audit a change of an account's access flags (``previous`` is None for a new
    account); nothing is written when they did not change."""
    current = user_access(user)
    if previous is not None and previous == current:
        return None
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.USER_ACCESS_CHANGED,
        obj=user,
        data={
            "username": user.get_username(),
            "access": current,
            "previous": previous,
        },
    )


# --- sign-in lockouts ----------------------------------------------------------------


def login_lockout_record(*, username: str | None, ip_address: str | None) -> AuditEvent:
    """Audit that sign-in was locked for an account and an address."""
    user = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: username})
        .first()
        if username
        else None
    )
    return AuditEvent.objects.create(
        action=AuditEvent.Action.LOGIN_LOCKED_OUT,
        object_type="auth.user",
        object_id=str(user.pk) if user else "",
        data={"username": (username or "")[:150], "ip_address": ip_address or ""},
    )


def login_lockout_lift_record(
    *, actor, username: str | None, ip_address: str | None
) -> AuditEvent:
    """Audit that an administrator lifted a sign-in lockout."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditEvent.Action.LOGIN_LOCKOUT_LIFTED,
        object_type="auth.user",
        object_id="",
        data={"username": (username or "")[:150], "ip_address": ip_address or ""},
    )


_STAGE_FOR_DECISION = {
    Application.Decision.HIRE: Stage.HIRED,
    Application.Decision.REJECT: Stage.REJECTED,
}
# Advancing moves an application one step along the pipeline; hold keeps it.
_NEXT_STAGE = {
    Stage.APPLIED: Stage.ASSESSING,
    Stage.ASSESSING: Stage.INTERVIEWING,
    Stage.INTERVIEWING: Stage.OFFER,
}


@transaction.atomic
def application_decide(
    *,
    application: Application,
    user,
    decision: str,
    reason: str,
    seen_stage: str | None = None,
    now: datetime | None = None,
) -> Application:
    """Record who decided what about an application, when (``now``, by default
    the present) and why; audited, and announced to integrations as
    ``application.decided``.

    A closed application (hired, rejected, withdrawn) or an application of a
    closed job takes no decision: Conflict ``application_closed`` or
    ``job_closed`` (``Application.decision_refusal``) says so and nothing is
    recorded. No decision reopens; reopening is a change of stage or of the
    job's status.

    ``seen_stage`` is the stage the deciding person was shown: when the
    application has moved since (a second click on "Advance", or a colleague who
    decided in the meantime), nothing is recorded and Conflict says where it
    stands now, so one advance is never counted twice."""
    reason = (reason or "").strip()
    if decision not in Application.Decision.values:
        raise Invalid(
            _("Unknown decision %(decision)s.") % {"decision": decision},
            code="unknown_decision",
            fields={"decision": [_("Choose one of the offered decisions.")]},
        )
    if not reason:
        raise Invalid(
            _("A decision needs its reason."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    # Locked as invitations and interviews lock it; the job is read with it.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("job")
        .get(pk=application.pk)
    )
    refusal = application.decision_refusal()
    if refusal is not None:
        raise refusal
    if seen_stage is not None and seen_stage != application.stage:
        raise Conflict(
            _(
                "This application moved to the stage %(stage)s after the page was "
                "opened, so nothing was recorded. Read it again, then decide."
            )
            % {"stage": Stage(application.stage).label},
            code="stage_changed",
        )
    previous = application.decision
    now = now or timezone.now()
    application.decision = decision
    application.decided_by = user
    application.decided_at = now
    application.decision_reason = reason
    if decision in _STAGE_FOR_DECISION:
        application.stage = _STAGE_FOR_DECISION[decision]
    elif decision == Application.Decision.ADVANCE:
        application.stage = _NEXT_STAGE.get(application.stage, application.stage)
    application.save()
    candidate_retention_extend(candidate_id=application.candidate_id)
    audit_record(
        actor=user,
        action=AuditEvent.Action.DECISION_RECORDED,
        obj=application,
        job=application.job,
        data={"decision": decision, "previous": previous, "reason": reason},
        at=now,
    )
    event_record(
        type=OutboxEvent.Type.APPLICATION_DECIDED,
        now=now,
        data={
            "application_id": application.pk,
            "job_id": application.job_id,
            "external_id": application.external_id or None,
            "decision": decision,
            "stage": application.stage,
            "decided_at": utc_timestamp(now),
        },
    )
    return application


def worker_heartbeat_record(*, worker: str, now=None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults={"seen_at": now or timezone.now()}
    )


# --- the recruiter workspace: jobs and their hiring teams ----------------------------


@transaction.atomic
def job_create_with_recruiter(*, actor, **fields) -> Job:
    """Open a new job (a draft unless said otherwise) with its creator as its
    recruiter, so the person who opened it can set it up."""
    fields.setdefault("status", Job.Status.DRAFT)
    job = job_create(actor=actor, **fields)
    job_member_add(job=job, user=actor, role=JobRole.RECRUITER, actor=actor)
    return job


@transaction.atomic
def job_member_add(*, job: Job, user, role: str, actor=None) -> JobMember:
    """Put a person on the job's hiring team with a role, or change their role
    (through `job_member_save`, which audits it); the last recruiter stays one."""
    if role not in JobRole.values:
        raise Invalid(
            _("Choose one of the roles."),
            code="unknown_role",
            fields={"role": [_("Choose one of the roles.")]},
        )
    if not getattr(user, "is_active", False):
        raise Invalid(
            _("This account is not active."),
            code="inactive_user",
            fields={"user": [_("This account is not active.")]},
        )
    member = JobMember.objects.select_for_update().filter(job=job, user=user).first()
    if member is None:
        member = JobMember(job=job, user=user, role=role)
    elif member.role != role:
        member.role = role
    return job_member_save(actor=actor, member=member)


def _keep_a_recruiter(*, job: Job, leaving: JobMember, new_role: str = "") -> None:
    if leaving.role != JobRole.RECRUITER or new_role == JobRole.RECRUITER:
        return
    others = (
        JobMember.objects.select_for_update()
        .filter(job=job, role=JobRole.RECRUITER)
        .exclude(pk=leaving.pk)
    )
    if not others.exists():
        raise Conflict(
            _(
                "A job needs at least one recruiter; add another recruiter before "
                "this one leaves the role."
            ),
            code="last_recruiter",
        )


@transaction.atomic
def job_team_member_remove(*, job: Job, member_id: int, actor=None) -> None:
    """Take a person off the job's hiring team (through `job_member_remove`, which
    audits it); the last recruiter stays."""
    member = (
        JobMember.objects.select_for_update()
        .filter(job=job, pk=member_id)
        .select_related("user", "job")
        .first()
    )
    if member is None:
        raise NotFound(_("This person is not on the job's team."), code="not_found")
    job_member_remove(actor=actor, member=member)


@transaction.atomic
def candidates_add_to_job(
    *, job: Job, rows: list[dict], actor=None
) -> list[tuple[Application, bool]]:
    """Put people on the job's pipeline; for each row ``(application,
    candidate_created)``. `candidate_add_to_job` is this with one row.

    A known email is recognised: that candidate is reused (their record is kept
    as it is) rather than doubled. The other rows become candidates through the
    checks of `candidates_create`, and every row an application through those of
    `applications_create`; the rows and their audit records are those one call
    per row would write, in the same order, for the same number of queries
    whatever the number of rows. Any problem in any row writes nothing.
    """
    emails = [str(fields.get("email") or "").strip().lower() for fields in rows]
    known = candidates_by_email(emails)
    # A row without an email is kept apart (by its position) for its refusal.
    keys = [email or index for index, email in enumerate(emails)]
    # An unknown email given twice makes one candidate, whom the second row then
    # finds already on the job, as a second call would.
    fresh: dict = {}
    for key, fields in zip(keys, rows, strict=True):
        if key not in known and key not in fresh:
            fresh[key] = fields
    created = dict(zip(fresh, _candidates_prepare(list(fresh.values())), strict=True))
    candidate_audits = iter(_candidates_insert(list(created.values()), actor=actor))
    candidates = [known.get(key) or created[key] for key in keys]
    applications = _applications_prepare(
        job=job, entries=[(candidate, {}) for candidate in candidates]
    )
    application_audits = _applications_insert(applications, job=job, actor=actor)
    audits, added, announced = [], [], set()
    for key, application, audit in zip(
        keys, applications, application_audits, strict=True
    ):
        new = key in created and key not in announced
        if new:
            announced.add(key)
            audits.append(next(candidate_audits))
        audits.append(audit)
        added.append((application, new))
    audits_record_many(audits)
    return added


def candidate_add_to_job(*, job: Job, actor=None, **fields) -> tuple[Application, bool]:
    """Put a person on the job's pipeline; ``(application, candidate_created)``.

    A known email is recognised: that candidate is reused (their record is kept as
    it is) rather than doubled.
    """
    return candidates_add_to_job(job=job, rows=[fields], actor=actor)[0]


# --- API keys ----------------------------------------------------------------------

API_KEY_PREFIX = "crb_"
# A key's last use is written at most this often, not on every call.
API_KEY_TOUCH_SECONDS = 60


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


# Draws of a new key's prefix before giving up (each clashes with odds n / 2**32).
API_KEY_PREFIX_ATTEMPTS = 5


def api_key_create(
    *, name: str, scopes: list[str], created_by=None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise Invalid(
            _("An API key needs a name."),
            fields={"name": [_("This field is required.")]},
        )
    unknown = sorted(set(scopes) - set(ApiKey.Scope.values))
    if unknown:
        raise Invalid(
            _("Unknown scope(s): %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code="unknown_scope",
            fields={
                "scopes": [
                    _("Choose among %(known)s.")
                    % {"known": ", ".join(ApiKey.Scope.values)}
                ]
            },
        )
    if not scopes:
        raise Invalid(
            _("An API key needs at least one scope."),
            code="scope_required",
            fields={"scopes": [_("This field is required.")]},
        )
    attempts_left = API_KEY_PREFIX_ATTEMPTS
    while True:
        prefix = API_KEY_PREFIX + secrets.token_hex(4)
        raw_key = f"{prefix}_{secrets.token_urlsafe(32)}"
        try:
            # A savepoint: a prefix another key already has (32 random bits,
            # so rare, but certain among enough keys) is drawn again.
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    name=name,
                    prefix=prefix,
                    key_hash=api_key_hash(raw_key),
                    scopes=[scope for scope in ApiKey.Scope.values if scope in scopes],
                    created_by=created_by
                    if getattr(created_by, "is_authenticated", False)
                    else None,
                )
        except IntegrityError:
            attempts_left -= 1
            if not attempts_left:
                raise
            continue
        return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor=None, now: datetime | None = None) -> bool:
    """Revoke the key from now on (in the other web processes, within
    `selectors.API_KEY_RECHECK_SECONDS`); False when it was already revoked.

    The webhook endpoints the key registered are disabled with it: a key is
    revoked because the integration is gone or the key leaked, and either way
    candidates' data must stop flowing to receivers it set up. Administrators
    can enable one again on the webhook settings page. Both are audited.
    """
    now = now or timezone.now()
    # The update locks the key's row: a write of the key's endpoints that is
    # under way finishes first, one that comes later sees the key revoked.
    changed = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if changed:
        api_key.revoked_at = now
        audit_record(
            actor=actor,
            action=AuditEvent.Action.API_KEY_REVOKED,
            obj=api_key,
            data={"api_key": api_key.prefix},
        )
        endpoints = WebhookEndpoint.objects.select_for_update().filter(
            api_key=api_key, enabled=True
        )
        for endpoint in endpoints:
            endpoint.enabled = False
            endpoint.disabled_reason = WebhookEndpoint.DisabledReason.KEY_REVOKED
            endpoint.save(update_fields=["enabled", "disabled_reason", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.WEBHOOK_ENDPOINT_UPDATED,
                obj=endpoint,
                data={
                    "fields": ["disabled_reason", "enabled"],
                    "reason": WebhookEndpoint.DisabledReason.KEY_REVOKED.value,
                    "api_key": api_key.prefix,
                },
            )
    api_key_forget(api_key=api_key)
    return bool(changed)


def api_key_touch(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Record the key's use, at most once a minute so a call is not also a write."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=API_KEY_TOUCH_SECONDS)
    if api_key.last_used_at is not None and api_key.last_used_at > stale:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=stale)
    ).update(last_used_at=now)
    api_key.last_used_at = now


# --- idempotency records of the API --------------------------------------------------

# How long a POST's Idempotency-Key is remembered.
IDEMPOTENCY_KEEP_FOR = timedelta(hours=24)


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Forget the API's idempotency records older than 24 hours; returns how many."""
    now = now or timezone.now()
    deleted, _details = IdempotencyRecord.objects.filter(
        created_at__lte=now - IDEMPOTENCY_KEEP_FOR
    ).delete()
    return deleted


def task_retry_schedule(
    *,
    task: str,
    args: list,
    kwargs: dict,
    retries: int,
    due_at: datetime,
    error: str = "",
) -> TaskRetry:
    """Keep a task's retry in the database until ``due_at``; the sweeper sends it."""
    return TaskRetry.objects.create(
        task=task,
        args=list(args),
        kwargs=dict(kwargs),
        retries=retries,
        due_at=due_at,
        error=error[:2000],
    )


def task_retries_release(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send every retry that is due to the broker; returns how many were sent.

    At least once: a row is deleted in the transaction that sent it, so a crash
    before the commit sends it again later (the tasks are idempotent), and a
    broker that refuses the message leaves the row for the next sweep. Rows are
    claimed with SKIP LOCKED, so two sweepers at once send each retry once.
    """
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = (
            TaskRetry.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now)
            .order_by("due_at")[:limit]
        )
        for retry in due:
            try:
                current_app.send_task(
                    retry.task,
                    args=retry.args,
                    kwargs=retry.kwargs,
                    retries=retry.retries,
                    retry=True,
                    retry_policy={"max_retries": 2, "interval_start": 0.2},
                )
            except Exception:
                logger.warning(
                    "Could not send the retry of %s (row %s); the next sweep will",
                    retry.task,
                    retry.pk,
                    exc_info=True,
                )
                break
            retry.delete()
            sent += 1
    return sent
