"""Writes of the assessment side: invitations, taking a questionnaire, scoring."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.definitions import all_item_keys
from assessments.models import (
    AssessmentPlan,
    Instrument,
    InstrumentVersion,
    Invitation,
    PageTiming,
    Response,
)
from assessments.privacy.selectors import privacy_notice_current, privacy_notice_get
from assessments.results.store import results_compute_and_store
from assessments.scoring.order import presentation_permutations
from assessments.tokens import (
    invitation_token,
    new_token_salt,
    row_for_token,
    token_derive,
    token_hash,
    token_url,
)
from hiring.errors import Conflict, Gone, Invalid, NotFound
from hiring.events import event_record, utc_timestamp
from hiring.models import (
    CLOSED_STAGES,
    Application,
    AuditEvent,
    Candidate,
    Job,
    OutboxEvent,
    Stage,
)
from hiring.services import audit_record, candidate_retention_extend

logger = logging.getLogger(__name__)

# How long a request waits for the broker before leaving the work to a sweeper.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}


# --- invitations -------------------------------------------------------------


def _plan_settings(
    application: Application,
) -> tuple[InstrumentVersion, int, str]:
    """The version, link validity (days) and language (empty: the candidate's) of
    the job's plan, or the defaults when the job has none."""
    plan = (
        AssessmentPlan.objects.filter(job_id=application.job_id)
        .select_related("instrument", "instrument_version")
        .first()
    )
    if plan is not None:
        instrument = plan.instrument
        days = plan.invitation_days
        language = plan.language
    else:
        instrument = Instrument.objects.order_by("slug").first()
        days = settings.CRIBA_INVITATION_DAYS
        language = ""
    version = None
    if plan is not None and plan.instrument_version is not None:
        version = plan.instrument_version
    elif instrument is not None:
        version = instrument.latest_version()
    if version is None:
        raise Conflict(
            _("No questionnaire is loaded; run manage.py load_instruments."),
            code="no_instrument",
        )
    return version, days, language


@transaction.atomic
def invitation_create(
    *,
    application: Application,
    user,
    instrument_version: InstrumentVersion | None = None,
    language: str | None = None,
    extra_time_percent: int = 0,
    expires_in_days: int | None = None,
    send: bool = True,
) -> Invitation:
    """Invite the application's candidate to a questionnaire.

    The application row is locked first, so two concurrent requests never make two
    open invitations. Only the token's hash is stored; the link is derived again
    with `assessments.tokens.invitation_link`. With ``send`` the email goes out from
    a worker after commit, and is retried until it leaves.
    """
    application = (
        Application.objects.select_for_update()
        .select_related("candidate", "job")
        .get(pk=application.pk)
    )
    if application.stage in CLOSED_STAGES:
        raise Conflict(
            _("This application is closed; it cannot be invited."),
            code="application_closed",
        )
    if application.job.status != Job.Status.OPEN:
        raise Conflict(
            _("The job is not open; open it before inviting candidates."),
            code="job_not_open",
        )
    if application.candidate.is_erased:
        raise Conflict(
            _("This candidate's personal data was erased; they cannot be invited."),
            code="candidate_erased",
        )
    version, plan_days, plan_language = _plan_settings(application)
    if instrument_version is not None:
        version = instrument_version
    language = language or plan_language or application.candidate.preferred_language
    if language not in version.languages:
        raise Invalid(
            _("The questionnaire is not available in %(language)s.")
            % {"language": language},
            code="unsupported_language",
            fields={"language": [_("Not offered by this questionnaire.")]},
        )
    if not 0 <= extra_time_percent <= 200:
        raise Invalid(
            _("Extra time must be between 0 and 200 %."),
            code="bad_extra_time",
            fields={"extra_time_percent": [_("Between 0 and 200.")]},
        )
    days = expires_in_days or plan_days
    if not 1 <= days <= 365:
        raise Invalid(
            _("An invitation is valid for 1 to 365 days."),
            code="bad_validity",
            fields={"expires_in_days": [_("Between 1 and 365.")]},
        )
    now = timezone.now()
    if Invitation.objects.filter(
        application=application,
        instrument_version__instrument=version.instrument,
        status__in=Invitation.OPEN_STATUSES,
        expires_at__gt=now,
    ).exists():
        raise Conflict(
            _("This candidate already has an open invitation to this questionnaire."),
            code="already_invited",
        )
    salt = new_token_salt()
    invitation = Invitation.objects.create(
        application=application,
        instrument_version=version,
        token_hash=token_hash(token_derive(salt)),
        token_salt=salt,
        language=language,
        extra_time_percent=extra_time_percent,
        item_order_seed=secrets.randbelow(2**31),
        expires_at=now + timedelta(days=days),
        created_by=user if getattr(user, "is_authenticated", False) else None,
        email_status=(
            Invitation.EmailStatus.PENDING
            if send
            else Invitation.EmailStatus.NOT_REQUESTED
        ),
        email_due_at=now if send else None,
    )
    if application.stage == Stage.APPLIED:
        Application.objects.filter(pk=application.pk).update(
            stage=Stage.ASSESSING, updated_at=now
        )
    candidate_retention_extend(candidate_id=application.candidate_id)
    audit_record(
        actor=user,
        action=AuditEvent.Action.INVITATION_CREATED,
        obj=invitation,
        job=application.job,
        data={"version": str(version), "language": language, "days": days},
    )
    if send:
        transaction.on_commit(lambda: invitation_email_enqueue(invitation.pk))
    return invitation


def _minutes_allowed(invitation: Invitation) -> int | None:
    # The candidate is told the time they actually get, extra time included.
    allowed = invitation.time_allowed()
    return None if allowed is None else int(allowed.total_seconds() // 60)


# Sent by name: the task module imports this one, never the reverse.
INVITATION_EMAIL_TASK = "assessments.tasks.invitation_email_task"


def invitation_email_enqueue(invitation_id: int) -> bool:
    """Hand the email to a worker; only the id travels through the broker. A
    broker outage is logged, not raised: the sweeper sends it when it is due."""
    try:
        current_app.send_task(
            INVITATION_EMAIL_TASK,
            args=[invitation_id],
            retry=True,
            retry_policy=ENQUEUE_RETRY_POLICY,
        )
    except Exception:
        logger.warning(
            "Could not enqueue the email of invitation %s; the sweeper will retry",
            invitation_id,
            exc_info=True,
        )
        return False
    return True


def _email_backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at an hour, with up to 20 % jitter."""
    seconds = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=seconds * (1 + secrets.randbelow(200) / 1000))


def invitation_email_send(*, invitation_id: int, now: datetime | None = None) -> bool:
    """Send a pending invitation email; True when this call sent it.

    Idempotent: the row is locked and only a pending email is sent, so a
    redelivered task sends nothing twice. A failure records the attempt and the
    next due time in the database (not as a countdown on the broker); after
    ``CRIBA_EMAIL_MAX_ATTEMPTS`` the email is marked failed for the recruiter.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related(
                "application__candidate", "application__job", "instrument_version"
            )
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or (
            invitation.email_status != Invitation.EmailStatus.PENDING
        ):
            return False
        if not invitation.is_open or not invitation.token_salt:
            invitation.email_status = Invitation.EmailStatus.NOT_REQUESTED
            invitation.email_due_at = None
            invitation.save(
                update_fields=["email_status", "email_due_at", "updated_at"]
            )
            return False
        candidate = invitation.application.candidate
        with translation.override(invitation.language):
            context = {
                "candidate": candidate,
                "job": invitation.application.job,
                "url": token_url(invitation_token(invitation)),
                "expires_at": invitation.expires_at,
                "minutes": _minutes_allowed(invitation),
            }
            subject = _("Your questionnaire for %(job)s") % {
                "job": invitation.application.job.title
            }
            body = render_to_string("emails/invitation.txt", context)
        invitation.email_attempts += 1
        try:
            send_mail(subject, body, None, [candidate.email])
        except (OSError, SMTPException) as error:
            failed = invitation.email_attempts >= settings.CRIBA_EMAIL_MAX_ATTEMPTS
            invitation.email_error = f"{type(error).__name__}: {error}"[:200]
            invitation.email_status = (
                Invitation.EmailStatus.FAILED
                if failed
                else Invitation.EmailStatus.PENDING
            )
            invitation.email_due_at = (
                None if failed else now + _email_backoff(invitation.email_attempts)
            )
            invitation.save(
                update_fields=[
                    "email_attempts",
                    "email_error",
                    "email_status",
                    "email_due_at",
                    "updated_at",
                ]
            )
            logger.warning(
                "Invitation email %s failed (attempt %s): %s",
                invitation_id,
                invitation.email_attempts,
                type(error).__name__,
            )
            return False
        invitation.email_status = Invitation.EmailStatus.SENT
        invitation.email_error = ""
        invitation.email_due_at = None
        invitation.sent_at = now
        if invitation.status == Invitation.Status.CREATED:
            invitation.status = Invitation.Status.SENT
        invitation.save(
            update_fields=[
                "email_attempts",
                "email_error",
                "email_status",
                "email_due_at",
                "sent_at",
                "status",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.INVITATION_SENT,
            obj=invitation,
            job=invitation.application.job,
            data={"attempt": invitation.email_attempts},
        )
        event_record(
            type=OutboxEvent.Type.INVITATION_SENT,
            now=now,
            data={
                "invitation_id": invitation.pk,
                "application_id": invitation.application_id,
                "expires_at": utc_timestamp(invitation.expires_at),
            },
        )
    return True


def invitation_emails_sweep(*, now: datetime | None = None) -> int:
    """Enqueue every pending email whose next attempt is due; returns how many."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        email_status=Invitation.EmailStatus.PENDING, email_due_at__lte=now
    ).values_list("pk", flat=True)
    return sum(invitation_email_enqueue(pk) for pk in due[:1000])


def _open_invitation_for_update(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("application__job")
        .get(pk=invitation.pk)
    )
    if invitation.is_finished:
        raise Conflict(
            _("This questionnaire has already been submitted."),
            code="already_submitted",
        )
    if invitation.status == Invitation.Status.REVOKED:
        raise Conflict(_("This invitation was withdrawn."), code="revoked")
    return invitation


@dataclass(frozen=True)
class InvitationRefused:
    application: Application
    reason: str


def invitations_create_many(
    *, job: Job, application_ids: list[int], user
) -> tuple[list[Invitation], list[InvitationRefused]]:
    """Invite several applications of one job, each with its own link and email.

    Each invitation is its own transaction: one candidate who cannot be invited
    (already invited, application closed) does not stop the others, and is
    returned with the reason. Ids of other jobs are refused as unknown.
    """
    if not application_ids:
        raise Invalid(
            _("Select at least one candidate to invite."),
            code="nothing_selected",
            fields={"application": [_("Select at least one candidate.")]},
        )
    applications = list(
        Application.objects.filter(job=job, pk__in=application_ids)
        .select_related("candidate", "job")
        .order_by("candidate__last_name", "candidate__first_name", "id")
    )
    if len(applications) != len(set(application_ids)):
        raise Invalid(
            _("Some selected candidates are not on this job."),
            code="unknown_application",
            fields={"application": [_("Not on this job.")]},
        )
    created, refused = [], []
    for application in applications:
        try:
            created.append(invitation_create(application=application, user=user))
        except (Conflict, Invalid) as problem:
            refused.append(InvitationRefused(application, problem.message))
    return created, refused


@transaction.atomic
def invitation_resend(*, invitation: Invitation, user) -> Invitation:
    """Email the same link again (after a failed send, or on request)."""
    invitation = _open_invitation_for_update(invitation)
    if invitation.is_expired():
        raise Gone(_("This invitation has expired; extend it first."), code="expired")
    if not invitation.token_salt:
        raise Conflict(
            _("This link can no longer be shown; revoke it and invite again."),
            code="link_unavailable",
        )
    now = timezone.now()
    invitation.email_status = Invitation.EmailStatus.PENDING
    invitation.email_due_at = now
    invitation.email_attempts = 0
    invitation.email_error = ""
    invitation.save(
        update_fields=[
            "email_status",
            "email_due_at",
            "email_attempts",
            "email_error",
            "updated_at",
        ]
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.INVITATION_RESENT,
        obj=invitation,
        job=invitation.application.job,
    )
    transaction.on_commit(lambda: invitation_email_enqueue(invitation.pk))
    return invitation


@transaction.atomic
def invitation_extend(*, invitation: Invitation, user, days: int) -> Invitation:
    """Give the candidate more days to start; an expired, unstarted link revives."""
    most = Invitation.EXTEND_MAX_DAYS  # 90, as the messages say
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        raise Invalid(
            _("Extend by 1 to 90 days."),
            code="bad_validity",
            fields={"days": [_("Between 1 and 90.")]},
        )
    invitation = _open_invitation_for_update(invitation)
    now = timezone.now()
    previous = invitation.expires_at
    invitation.expires_at = max(now, previous) + timedelta(days=days)
    if invitation.status == Invitation.Status.EXPIRED:
        invitation.status = (
            Invitation.Status.OPENED
            if invitation.opened_at
            else Invitation.Status.SENT
            if invitation.sent_at
            else Invitation.Status.CREATED
        )
    invitation.save(update_fields=["expires_at", "status", "updated_at"])
    audit_record(
        actor=user,
        action=AuditEvent.Action.INVITATION_EXTENDED,
        obj=invitation,
        job=invitation.application.job,
        data={
            "days": days,
            "previous": previous.isoformat(),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user) -> Invitation:
    """Withdraw the link; it stops working at once. Revoking twice is harmless."""
    invitation = Invitation.objects.select_for_update(of=("self",)).get(
        pk=invitation.pk
    )
    if invitation.is_finished:
        raise Conflict(
            _("A submitted questionnaire cannot be revoked."),
            code="already_submitted",
        )
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.session_nonce = ""
    if invitation.email_status == Invitation.EmailStatus.PENDING:
        invitation.email_status = Invitation.EmailStatus.NOT_REQUESTED
        invitation.email_due_at = None
    invitation.save(
        update_fields=[
            "status",
            "revoked_at",
            "session_nonce",
            "email_status",
            "email_due_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.INVITATION_REVOKED,
        obj=invitation,
        job=invitation.application.job,
    )
    return invitation


def invitations_expire(*, now: datetime | None = None) -> int:
    """Mark unstarted invitations past their expiry as expired."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=Invitation.UNSTARTED_STATUSES,
        started_at__isnull=True,
        expires_at__lte=now,
    ).update(status=Invitation.Status.EXPIRED, updated_at=now)


# --- taking a questionnaire --------------------------------------------------


def invitation_for_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation behind a candidate link, or the reason it cannot be used."""
    now = now or timezone.now()
    invitation = row_for_token(
        Invitation.objects.select_related(
            "instrument_version__instrument", "application__job"
        ),
        token,
    )
    if invitation is None:
        raise NotFound(_("This link is not valid."), code="unknown")
    if invitation.status == Invitation.Status.REVOKED:
        raise Gone(_("This invitation was withdrawn."), code="revoked")
    if invitation.is_finished and invitation.timed_out:
        # Closed by the clock, not by the candidate: the link says so.
        raise Conflict(_("The time for this questionnaire is over."), code="time_up")
    if invitation.is_finished:
        raise Conflict(
            _("This questionnaire has already been submitted."),
            code="submitted",
        )
    if invitation.is_expired(now):
        raise Gone(_("This link has expired."), code="expired")
    return invitation


def invitation_open(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Record the first time a candidate acted on the link."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk,
            status__in=[Invitation.Status.CREATED, Invitation.Status.SENT],
        ).update(status=Invitation.Status.OPENED, opened_at=now, updated_at=now)
        if changed == 1:
            event_record(
                type=OutboxEvent.Type.INVITATION_OPENED,
                now=now,
                data={
                    "invitation_id": invitation.pk,
                    "application_id": invitation.application_id,
                },
            )


@transaction.atomic
def taking_start(
    *,
    invitation: Invitation,
    language: str | None = None,
    consent: bool = False,
    notice_version: int | None = None,
    now: datetime | None = None,
) -> str:
    """Start (or resume) the attempt and return the nonce bound to the session.

    The first start needs consent and an offered language, and records the
    consent with the version of the privacy notice the landing page showed
    (``notice_version``; the current one when not given). Resuming asks for
    neither: consent is on record, and the language stays the one the attempt
    started in, because the norms are per language. The deadline is fixed the
    first time; resuming never restarts the clock.
    """
    now = now or timezone.now()
    if notice_version is None:
        notice = privacy_notice_current()
    else:
        try:
            notice = privacy_notice_get(version=notice_version)
        except NotFound:
            raise Invalid(
                _("The privacy notice has changed; please read it again."),
                code="unknown_notice",
            ) from None
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict(_("This questionnaire can no longer be taken."), code="closed")
    resuming = invitation.started_at is not None
    # The link may have expired since it was checked and no sweep has run yet.
    if not resuming and invitation.is_expired(now):
        raise Gone(_("This link has expired."), code="expired")
    if not resuming:
        if not consent:
            raise Invalid(
                _("Please confirm that you agree before starting."), code="no_consent"
            )
        if language not in invitation.instrument_version.languages:
            raise Invalid(
                _("Please choose one of the offered languages."), code="bad_language"
            )
        invitation.language = language
    if invitation.opened_at is None:
        invitation.opened_at = now
    if not resuming:
        invitation.started_at = now
        invitation.consented_at = now
        invitation.consent_version = notice.version if notice else None
        Candidate.objects.filter(pk=invitation.application.candidate_id).update(
            consent_at=now, consent_version=invitation.consent_version, updated_at=now
        )
        allowed = invitation.time_allowed()
        invitation.deadline_at = now + allowed if allowed else None
    invitation.status = Invitation.Status.IN_PROGRESS
    invitation.session_nonce = secrets.token_urlsafe(24)
    invitation.save()
    candidate_retention_extend(
        candidate_id=invitation.application.candidate_id, now=now
    )
    return invitation.session_nonce


@dataclass(frozen=True)
class PageItem:
    key: str
    text: str


def presentation_order(definition: dict, seed: int) -> list[str]:
    """Every item key in the order this candidate sees them.

    Scale and check items are shuffled together with the invitation's seed
    (``scoring.order.presentation_permutations``).
    """
    keys = all_item_keys(definition)
    return [keys[j] for j in presentation_permutations([seed], len(keys))[0]]


def taking_pages(invitation: Invitation) -> list[list[str]]:
    definition = invitation.instrument_version.definition
    keys = presentation_order(definition, invitation.item_order_seed)
    size = invitation.instrument_version.items_per_page
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def _check_time(invitation: Invitation, now: datetime) -> None:
    if invitation.deadline_passed(now):
        raise Conflict(_("The time for this questionnaire is over."), code="time_up")


def page_shown(*, invitation: Invitation, page: int, now: datetime | None = None):
    """Remember when a page was first shown, for the speed check."""
    pages = taking_pages(invitation)
    if not 0 <= page < len(pages):
        return
    PageTiming.objects.get_or_create(
        invitation=invitation,
        page=page,
        defaults={
            "item_count": len(pages[page]),
            "first_shown_at": now or timezone.now(),
        },
    )


# An answer as the page's form sends it: the option's value in ASCII digits, with
# no sign but a minus, no space and no leading zero (int() would also take
# " 3 ", "+3", "03", "3_0" and other scripts' digits such as "٣").
_ANSWER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
# An unknown item's key is echoed this far, so the refusal stays short.
_KEY_SHOWN = 40


def _clean_answers(
    invitation: Invitation, page: int, raw: dict[str, object]
) -> dict[str, int]:
    """``{item_key: value}`` of a page's answers, or ``Invalid`` naming the first
    bad one by its number as the candidate sees it.

    An answer is a JSON integer (the autosave) or exactly the text of an option's
    value (the form post); an empty one is skipped.
    """
    pages = taking_pages(invitation)
    if not 0 <= page < len(pages):
        raise Invalid(
            _("Page %(page)s does not exist.") % {"page": page + 1}, code="bad_page"
        )
    first_number = sum(len(keys) for keys in pages[:page]) + 1
    numbers = {key: first_number + index for index, key in enumerate(pages[page])}
    scale = invitation.instrument_version.definition["answer_scale"]
    low, high = int(scale["min"]), int(scale["max"])
    cleaned: dict[str, int] = {}
    for key, value in raw.items():
        if key not in numbers:
            shown = key if len(key) <= _KEY_SHOWN else key[: _KEY_SHOWN - 1] + "…"
            raise Invalid(
                _("Unknown item %(key)s on this page.") % {"key": shown},
                code="unknown_item",
            )
        if value in (None, ""):
            continue
        if isinstance(value, str) and _ANSWER_TEXT.fullmatch(value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise Invalid(
                _("The answer to question %(number)s must be a whole number.")
                % {"number": numbers[key]},
                code="bad_answer",
            )
        if not low <= number <= high:
            raise Invalid(
                _(
                    "The answer to question %(number)s must be between %(low)s "
                    "and %(high)s."
                )
                % {"number": numbers[key], "low": low, "high": high},
                code="out_of_range",
            )
        cleaned[key] = number
    return cleaned


@transaction.atomic
def answers_save(
    *,
    invitation: Invitation,
    page: int,
    answers: dict[str, object],
    now: datetime | None = None,
) -> int:
    """Save a page's answers (all or none) and return how many were stored.

    An answer may change until submit; the last one wins.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.IN_PROGRESS:
        raise Conflict(
            _("This questionnaire is not open for answers."),
            code="not_in_progress",
        )
    _check_time(invitation, now)
    cleaned = _clean_answers(invitation, page, answers)
    # One upsert for the page, not a read and a write per answer: every open
    # page autosaves, so this is the statement 200 candidates at once run most.
    Response.objects.bulk_create(
        [
            Response(
                invitation=invitation,
                item_key=key,
                value=value,
                answered_at=now,
                page=page,
            )
            for key, value in cleaned.items()
        ],
        update_conflicts=True,
        unique_fields=["invitation", "item_key"],
        update_fields=["value", "answered_at", "page"],
    )
    timing = PageTiming.objects.filter(invitation=invitation, page=page).first()
    if timing is not None and cleaned:
        timing.seconds = max(0.0, (now - timing.first_shown_at).total_seconds())
        timing.save(update_fields=["seconds"])
    return len(cleaned)


def submission_submit(
    *, invitation: Invitation, now: datetime | None = None, timed_out: bool = False
) -> bool:
    """Close the attempt; True when this call submitted it, False if already done.

    Idempotent: the conditional UPDATE lets exactly one request win. Scoring is
    enqueued after commit; if the broker is down the sweeper catches up.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.IN_PROGRESS
        ).update(
            status=Invitation.Status.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            # The nonce stays: it names the browser session that took the
            # questionnaire, the only one asked the optional questions after it.
            timed_out=timed_out,
        )
        if changed != 1:
            current = Invitation.objects.get(pk=invitation.pk)
            if current.is_finished:
                return False
            raise Conflict(
                _("This questionnaire is not open for answers."),
                code="not_in_progress",
            )
        event_record(
            type=OutboxEvent.Type.ASSESSMENT_SUBMITTED,
            now=now,
            data={
                "invitation_id": invitation.pk,
                "application_id": invitation.application_id,
            },
        )
        candidate_retention_extend(
            candidate_id=invitation.application.candidate_id, now=now
        )
        transaction.on_commit(lambda: scoring_enqueue(invitation.pk))
    return True


def submission_close_if_timed_out(
    *, invitation: Invitation, now: datetime | None = None
) -> bool:
    """Submit what was saved when the server-side deadline has passed."""
    now = now or timezone.now()
    if invitation.status == Invitation.Status.IN_PROGRESS and (
        invitation.deadline_passed(now)
    ):
        return submission_submit(invitation=invitation, now=now, timed_out=True)
    return False


def attempts_close_timed_out(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Submit, as timed out, the attempts whose time ran out with no page open.

    A candidate who closed the page or lost the connection before the deadline
    sends no request that would close the attempt, and the answers they saved
    would wait unscored, the application "in progress", until the link was opened
    again. Past the deadline and its grace no save is accepted anyway, so closing
    then takes nothing from the candidate. Run by beat; returns how many closed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=Invitation.DEADLINE_GRACE_SECONDS)
    due = (
        Invitation.objects.filter(
            status=Invitation.Status.IN_PROGRESS, deadline_at__lt=cutoff
        )
        .select_related("application")
        .order_by("deadline_at")[:limit]
    )
    return sum(
        1
        for invitation in due
        if submission_close_if_timed_out(invitation=invitation, now=now)
    )


# Sent by name: the task module imports this one, never the reverse.
QUESTIONNAIRE_SCORE_TASK = "assessments.tasks.questionnaire_score_task"


def scoring_enqueue(invitation_id: int) -> bool:
    """Hand a submission to the workers; a broker outage is logged, not raised."""
    try:
        current_app.send_task(
            QUESTIONNAIRE_SCORE_TASK,
            args=[invitation_id],
            retry=True,
            retry_policy=ENQUEUE_RETRY_POLICY,
        )
    except Exception:
        logger.warning(
            "Could not enqueue scoring of invitation %s; the sweeper will retry",
            invitation_id,
            exc_info=True,
        )
        return False
    return True


def submissions_sweep(*, now: datetime | None = None, older_than: int | None = None):
    """Enqueue scoring again for submissions left unscored; returns how many."""
    now = now or timezone.now()
    older_than = (
        settings.CRIBA_SWEEP_AFTER_SECONDS if older_than is None else older_than
    )
    stale = Invitation.objects.filter(
        status=Invitation.Status.SUBMITTED,
        submitted_at__lte=now - timedelta(seconds=older_than),
    ).values_list("pk", flat=True)
    count = 0
    for invitation_id in stale[:1000]:
        if scoring_enqueue(invitation_id):
            count += 1
    return count


# --- scoring -----------------------------------------------------------------


def questionnaire_score(*, invitation_id: int, now: datetime | None = None):
    """Score one submission; idempotent (one result per scoring and norm set)."""
    results = results_compute_and_store(invitation_ids=[invitation_id], now=now)
    return results[0] if results else None
