"""Writes of the assessment side: invitations, taking a questionnaire, scoring."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import (
    AssessmentPlan,
    Instrument,
    InstrumentVersion,
    Invitation,
    PageTiming,
    Response,
)
from hiring.models import Application, AuditEvent, OutboxEvent, Stage
from hiring.services import DomainError, audit_record

logger = logging.getLogger(__name__)

# Seconds past the deadline during which a page that was open in time still counts:
# it covers the round trip of the last save, not extra answering time.
DEADLINE_GRACE_SECONDS = 15


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    # 32 random bytes: 256 bits, well above the 128 the threat model asks for.
    return secrets.token_urlsafe(32)


def _event_record(event_type: str, now: datetime, **data) -> OutboxEvent:
    """Write an event for the webhooks in the caller's transaction."""
    return OutboxEvent.objects.create(
        type=event_type,
        created_at=now,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
    )


# --- invitations -------------------------------------------------------------


def _plan_version(application: Application) -> tuple[InstrumentVersion, int]:
    plan = AssessmentPlan.objects.filter(job_id=application.job_id).first()
    if plan is not None:
        instrument = plan.instrument
        days = plan.invitation_days
    else:
        instrument = Instrument.objects.order_by("slug").first()
        days = settings.CRIBA_INVITATION_DAYS
    version = instrument.latest_version() if instrument else None
    if version is None:
        raise DomainError(
            _("No questionnaire is loaded; run manage.py load_instruments."),
            code="no_instrument",
            status=409,
        )
    return version, days


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
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its token, shown only this once.

    Only the SHA-256 of the token is stored. The email goes out after commit.
    """
    if application.stage in {Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN}:
        raise DomainError(
            _("This application is closed; it cannot be invited."),
            code="application_closed",
            status=409,
        )
    version, plan_days = _plan_version(application)
    if instrument_version is not None:
        version = instrument_version
    language = language or application.candidate.preferred_language
    if language not in version.languages:
        raise DomainError(
            _("The questionnaire is not available in %(language)s.")
            % {"language": language},
            code="unsupported_language",
        )
    if not 0 <= extra_time_percent <= 200:
        raise DomainError(
            _("Extra time must be between 0 and 200 %."), code="bad_extra_time"
        )
    open_statuses = [
        Invitation.Status.CREATED,
        Invitation.Status.SENT,
        Invitation.Status.OPENED,
        Invitation.Status.IN_PROGRESS,
    ]
    if (
        Invitation.objects.select_for_update()
        .filter(
            application=application,
            instrument_version__instrument=version.instrument,
            status__in=open_statuses,
            expires_at__gt=timezone.now(),
        )
        .exists()
    ):
        raise DomainError(
            _("This candidate already has an open invitation to this questionnaire."),
            code="already_invited",
            status=409,
        )
    token = _new_token()
    days = expires_in_days or plan_days
    invitation = Invitation.objects.create(
        application=application,
        instrument_version=version,
        token_hash=token_hash(token),
        language=language,
        extra_time_percent=extra_time_percent,
        item_order_seed=secrets.randbelow(2**31),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if application.stage == Stage.APPLIED:
        Application.objects.filter(pk=application.pk).update(stage=Stage.ASSESSING)
    audit_record(
        actor=user,
        action=AuditEvent.Action.INVITATION_CREATED,
        obj=invitation,
        job=application.job,
        data={"version": str(version), "language": language, "days": days},
    )
    if send:
        transaction.on_commit(lambda: invitation_email_send(invitation.pk, token))
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.CRIBA_BASE_URL + reverse("take:landing", args=[token])


def _minutes_allowed(invitation: Invitation) -> int | None:
    # The candidate is told the time they actually get, extra time included.
    allowed = invitation.time_allowed()
    return None if allowed is None else int(allowed.total_seconds() // 60)


def invitation_email_send(invitation_id: int, token: str) -> bool:
    """Email the candidate their link; runs after the creating transaction commits."""
    invitation = Invitation.objects.select_related(
        "application__candidate", "application__job", "instrument_version"
    ).get(pk=invitation_id)
    candidate = invitation.application.candidate
    with translation.override(invitation.language):
        context = {
            "candidate": candidate,
            "job": invitation.application.job,
            "url": invitation_url(token),
            "expires_at": invitation.expires_at,
            "minutes": _minutes_allowed(invitation),
        }
        subject = _("Your questionnaire for %(job)s") % {
            "job": invitation.application.job.title
        }
        body = render_to_string("emails/invitation.txt", context)
    try:
        send_mail(subject, body, None, [candidate.email])
    except OSError:
        logger.exception("Invitation email %s could not be sent", invitation_id)
        return False
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            pk=invitation_id, status=Invitation.Status.CREATED
        ).update(status=Invitation.Status.SENT, sent_at=now)
        audit_record(
            actor=None,
            action=AuditEvent.Action.INVITATION_SENT,
            obj=invitation,
            job=invitation.application.job,
            data={"to": candidate.email},
        )
        _event_record(
            "invitation.sent",
            now,
            invitation_id=invitation.pk,
            application_id=invitation.application_id,
            expires_at=invitation.expires_at.isoformat(),
        )
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_finished:
        raise DomainError(
            _("A submitted questionnaire cannot be revoked."),
            code="already_submitted",
            status=409,
        )
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.session_nonce = ""
    invitation.save(update_fields=["status", "revoked_at", "session_nonce"])
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
        status__in=[
            Invitation.Status.CREATED,
            Invitation.Status.SENT,
            Invitation.Status.OPENED,
        ],
        expires_at__lte=now,
    ).update(status=Invitation.Status.EXPIRED)


# --- taking a questionnaire --------------------------------------------------


class TokenProblem(DomainError):  # noqa: N818 - a reason, not a crash
    """Why a link cannot be used; carries the page's HTTP status."""


def invitation_for_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation behind a candidate link, or the reason it cannot be used."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related(
            "instrument_version__instrument", "application__job"
        )
        .filter(token_hash=token_hash(token))
        .first()
        if 20 <= len(token) <= 100
        else None
    )
    if invitation is None:
        raise TokenProblem(_("This link is not valid."), code="unknown", status=404)
    if invitation.status == Invitation.Status.REVOKED:
        raise TokenProblem(
            _("This invitation was withdrawn."), code="revoked", status=410
        )
    if invitation.is_finished:
        raise TokenProblem(
            _("This questionnaire has already been submitted."),
            code="submitted",
            status=409,
        )
    if invitation.is_expired(now):
        raise TokenProblem(_("This link has expired."), code="expired", status=410)
    return invitation


def invitation_open(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Record the first time a candidate acted on the link."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk,
            status__in=[Invitation.Status.CREATED, Invitation.Status.SENT],
        ).update(status=Invitation.Status.OPENED, opened_at=now)
        if changed == 1:
            _event_record(
                "invitation.opened",
                now,
                invitation_id=invitation.pk,
                application_id=invitation.application_id,
            )


@transaction.atomic
def taking_start(
    *, invitation: Invitation, language: str, consent: bool, now: datetime | None = None
) -> str:
    """Start (or resume) the attempt and return the nonce bound to the session.

    The deadline is fixed the first time; resuming never restarts the clock.
    """
    now = now or timezone.now()
    if not consent:
        raise DomainError(
            _("Please confirm that you agree before starting."), code="no_consent"
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status in {
        Invitation.Status.REVOKED,
        Invitation.Status.SUBMITTED,
        Invitation.Status.SCORED,
        Invitation.Status.EXPIRED,
    }:
        raise TokenProblem(
            _("This questionnaire can no longer be taken."), code="closed", status=409
        )
    # The link may have expired since it was checked and no sweep has run yet.
    if invitation.is_expired(now):
        raise TokenProblem(_("This link has expired."), code="expired", status=410)
    if language not in invitation.instrument_version.languages:
        raise DomainError(
            _("Please choose one of the offered languages."), code="bad_language"
        )
    if invitation.opened_at is None:
        invitation.opened_at = now
    if invitation.started_at is None:
        invitation.started_at = now
        invitation.consented_at = now
        allowed = invitation.time_allowed()
        invitation.deadline_at = now + allowed if allowed else None
    invitation.status = Invitation.Status.IN_PROGRESS
    invitation.language = language
    invitation.session_nonce = secrets.token_urlsafe(24)
    invitation.save()
    return invitation.session_nonce


@dataclass(frozen=True)
class PageItem:
    key: str
    text: str


def presentation_permutations(seeds, n_items: int) -> np.ndarray:
    """N x k matrix: row i lists item positions in the order invitation i shows them.

    Each item gets a pseudo-random key, SplitMix64 (Steele, Lea & Flood 2014) of
    ``seed * k + position``, and items are shown by ascending key: a uniformly
    shuffled order that is the same on every resume, differs between candidates,
    and is computed for many invitations in one numpy pass (bulk rescoring needs
    it for the long-string index) as for one.
    """
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1, 1)
    with np.errstate(over="ignore"):
        x = seeds * np.uint64(n_items) + np.arange(n_items, dtype=np.uint64)
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return np.argsort(x, axis=1, kind="stable")


def presentation_order(definition: dict, seed: int) -> list[str]:
    """Every item key in the order this candidate sees them.

    Scale and check items are shuffled together with the invitation's seed.
    """
    from assessments.definitions import all_item_keys

    keys = all_item_keys(definition)
    return [keys[j] for j in presentation_permutations([seed], len(keys))[0]]


def taking_pages(invitation: Invitation) -> list[list[str]]:
    definition = invitation.instrument_version.definition
    keys = presentation_order(definition, invitation.item_order_seed)
    size = invitation.instrument_version.items_per_page
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def _check_time(invitation: Invitation, now: datetime) -> None:
    if invitation.deadline_at is not None and now > invitation.deadline_at + timedelta(
        seconds=DEADLINE_GRACE_SECONDS
    ):
        raise DomainError(
            _("The time for this questionnaire is over."), code="time_up", status=409
        )


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


def _clean_answers(
    invitation: Invitation, page: int, raw: dict[str, object]
) -> dict[str, int]:
    pages = taking_pages(invitation)
    if not 0 <= page < len(pages):
        raise DomainError(
            _("Page %(page)s does not exist.") % {"page": page + 1}, code="bad_page"
        )
    allowed = set(pages[page])
    scale = invitation.instrument_version.definition["answer_scale"]
    low, high = int(scale["min"]), int(scale["max"])
    cleaned: dict[str, int] = {}
    for key, value in raw.items():
        if key not in allowed:
            raise DomainError(
                _("Unknown item %(key)s on this page.") % {"key": key},
                code="unknown_item",
            )
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DomainError(
                _("The answer to %(key)s must be a whole number.") % {"key": key},
                code="bad_answer",
            )
        try:
            number = int(value)
        except ValueError:
            raise DomainError(
                _("The answer to %(key)s must be a whole number.") % {"key": key},
                code="bad_answer",
            ) from None
        if not low <= number <= high:
            raise DomainError(
                _("The answer to %(key)s must be between %(low)s and %(high)s.")
                % {"key": key, "low": low, "high": high},
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
        raise DomainError(
            _("This questionnaire is not open for answers."),
            code="not_in_progress",
            status=409,
        )
    _check_time(invitation, now)
    cleaned = _clean_answers(invitation, page, answers)
    for key, value in cleaned.items():
        Response.objects.update_or_create(
            invitation=invitation,
            item_key=key,
            defaults={"value": value, "answered_at": now, "page": page},
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
            session_nonce="",
            timed_out=timed_out,
        )
        if changed != 1:
            current = Invitation.objects.get(pk=invitation.pk)
            if current.is_finished:
                return False
            raise DomainError(
                _("This questionnaire is not open for answers."),
                code="not_in_progress",
                status=409,
            )
        _event_record(
            "assessment.submitted",
            now,
            invitation_id=invitation.pk,
            application_id=invitation.application_id,
        )
        transaction.on_commit(lambda: scoring_enqueue(invitation.pk))
    return True


def submission_close_if_timed_out(
    *, invitation: Invitation, now: datetime | None = None
) -> bool:
    """Submit what was saved when the server-side deadline has passed."""
    now = now or timezone.now()
    if (
        invitation.status == Invitation.Status.IN_PROGRESS
        and invitation.deadline_at is not None
        and now > invitation.deadline_at + timedelta(seconds=DEADLINE_GRACE_SECONDS)
    ):
        return submission_submit(invitation=invitation, now=now, timed_out=True)
    return False


def scoring_enqueue(invitation_id: int) -> bool:
    """Hand a submission to the workers; a broker outage is logged, not raised."""
    from assessments.tasks import questionnaire_score_task

    try:
        questionnaire_score_task.apply_async(
            args=[invitation_id],
            retry=True,
            retry_policy={
                "max_retries": 2,
                "interval_start": 0.2,
                "interval_step": 0.5,
            },
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
    from assessments.results import results_compute_and_store

    results = results_compute_and_store(invitation_ids=[invitation_id], now=now)
    return results[0] if results else None
