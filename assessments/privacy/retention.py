"""Keeping candidates' data no longer than needed (GDPR article 5(1)(e)).

Every candidate has a date (``Candidate.retention_until``) defaulted from
``CRIBA_RETENTION_DAYS`` and moved forward by activity
(``hiring.services.candidate_retention_extend``). Once a day the sweep tells
administrators which dates fall within the next week, and erases the personal data
of candidates past a date that was announced, except while one of their
applications is still open. A date set in the past by hand is announced first and
erased at the next sweep, so nobody is erased without a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.privacy.erasure import candidate_erase
from hiring.errors import Conflict, Invalid
from hiring.models import CLOSED_STAGES, Application, AuditEvent, Candidate
from hiring.services import audit_record

logger = logging.getLogger(__name__)

NOTICE_DAYS = 7
LONGEST_DAYS = 3650


@dataclass
class RetentionSweep:
    announced: list[int] = field(default_factory=list)
    erased: list[int] = field(default_factory=list)
    # Past their date, but an application is still open.
    held: list[int] = field(default_factory=list)


def _with_open_application() -> QuerySet:
    return Application.objects.exclude(stage__in=CLOSED_STAGES).values("candidate_id")


def candidates_to_announce(*, today: date) -> QuerySet[Candidate]:
    """Dates within the next week (or already past) not yet announced."""
    return (
        Candidate.objects.filter(
            erased_at__isnull=True,
            retention_until__lte=today + timedelta(days=NOTICE_DAYS),
        )
        .exclude(retention_notified_for=F("retention_until"))
        .exclude(pk__in=_with_open_application())
        .order_by("retention_until", "id")
    )


def candidates_to_erase(*, today: date) -> QuerySet[Candidate]:
    """Past an announced date; those with an open application are filtered later."""
    return Candidate.objects.filter(
        erased_at__isnull=True,
        retention_until__lt=today,
        retention_notified_for=F("retention_until"),
    ).order_by("retention_until", "id")


def _administrator_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def _announce(candidates: list[Candidate], *, today: date) -> bool:
    """Email administrators the coming erasures; only ids and dates, no names."""
    recipients = _administrator_emails()
    if not recipients:
        logger.warning(
            "%d retention erasures are due and no administrator has an email address",
            len(candidates),
        )
        return True
    rows = [
        {
            "id": candidate.pk,
            "until": candidate.retention_until,
            "url": settings.CRIBA_BASE_URL
            + reverse("privacy:candidate", args=[candidate.pk]),
        }
        for candidate in candidates
    ]
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Criba: %(n)s candidate's personal data will be erased",
            "Criba: %(n)s candidates' personal data will be erased",
            len(rows),
        ) % {"n": len(rows)}
        body = render_to_string(
            "emails/retention_notice.txt",
            {"rows": rows, "today": today, "days": NOTICE_DAYS},
        )
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        logger.exception("The retention notice could not be sent; retrying next run")
        return False
    return True


def retention_sweep(*, now: datetime | None = None) -> RetentionSweep:
    """Announce the coming erasures, then erase what is past its announced date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sweep = RetentionSweep()
    # Read before announcing: a date announced by this run is erased by a later one.
    to_erase = list(candidates_to_erase(today=today))

    due = list(candidates_to_announce(today=today))
    if due and _announce(due, today=today):
        for candidate in due:
            # Conditional: a date moved since it was read is announced again later.
            Candidate.objects.filter(
                pk=candidate.pk, retention_until=candidate.retention_until
            ).update(retention_notified_for=candidate.retention_until)
        sweep.announced = [candidate.pk for candidate in due]

    held = set(_with_open_application().values_list("candidate_id", flat=True))
    for candidate in to_erase:
        if candidate.pk in held:
            sweep.held.append(candidate.pk)
            continue
        try:
            candidate_erase(
                candidate=candidate, actor=None, trigger="retention", now=now
            )
        except Conflict:
            # Another run erased them, or an application opened meanwhile.
            continue
        sweep.erased.append(candidate.pk)
    if sweep.held:
        logger.info(
            "Retention: %d candidates past their date kept for an open application",
            len(sweep.held),
        )
    return sweep


@transaction.atomic
def candidate_retention_set(
    *, candidate: Candidate, until: date, actor, now: datetime | None = None
) -> Candidate:
    """Set how long the candidate's personal data is kept; audited."""
    today = timezone.localdate(now or timezone.now())
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.is_erased:
        raise Conflict(
            _("This candidate's personal data was already erased."),
            code="already_erased",
        )
    if not today <= until <= today + timedelta(days=LONGEST_DAYS):
        message = _("Choose a date from today to %(last)s.") % {
            "last": (today + timedelta(days=LONGEST_DAYS)).isoformat()
        }
        raise Invalid(message, code="bad_retention", fields={"until": [message]})
    previous = candidate.retention_until
    candidate.retention_until = until
    candidate.save(update_fields=["retention_until", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.RETENTION_CHANGED,
        obj=candidate,
        data={
            "from": previous.isoformat() if previous else None,
            "to": until.isoformat(),
        },
    )
    return candidate
