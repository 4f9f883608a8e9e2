"""The monthly adverse impact email.

Checked every day; when any impact ratio the report shows is below four fifths,
the administrators and holders of ``hiring.view_selfid_aggregates`` get one
email, at most once per calendar month, whichever run claims the month first
(a conditional UPDATE on ``hiring.AdverseImpactAlert``). The email names jobs,
decision points and groups with their ratios, the figures the report itself
shows: no candidate, and nothing of a group the report hides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from assessments.adverse_impact import (
    PERMISSION,
    adverse_impact_figures,
    characteristics,
)
from hiring.models import AdverseImpactAlert, Job

logger = logging.getLogger(__name__)

# A claim whose email was never marked sent (the worker died while sending) may
# be taken again after this long.
CLAIM_EXPIRES = timedelta(hours=1)


@dataclass(frozen=True)
class Flag:
    job_id: int
    job_title: str
    point_label: str
    characteristic: str
    characteristic_label: str
    group_label: str
    impact_ratio: float
    decided: int
    reference_label: str
    fisher_p_value: float | None
    small_n: bool
    url: str


def adverse_impact_flags() -> list[Flag]:
    """Every shown impact ratio below four fifths, over every job and
    characteristic (two queries per characteristic)."""
    jobs = list(Job.objects.only("pk", "title").order_by("title", "id"))
    flags = []
    for characteristic, label in characteristics().items():
        figures = adverse_impact_figures(characteristic=characteristic, jobs=jobs)
        for job in figures.jobs:
            query = urlencode({"job": job.job_id, "characteristic": characteristic})
            url = (
                f"{settings.CRIBA_BASE_URL}{reverse('results:adverse_impact')}?{query}"
            )
            for point in job.points:
                for group in point.flagged:
                    flags.append(
                        Flag(
                            job_id=job.job_id,
                            job_title=job.title,
                            point_label=point.label,
                            characteristic=characteristic,
                            characteristic_label=label,
                            group_label=group.label,
                            impact_ratio=group.impact_ratio or 0.0,
                            decided=group.decided,
                            reference_label=point.reference.label
                            if point.reference
                            else "",
                            fisher_p_value=group.fisher_p_value,
                            small_n=group.small_n,
                            url=url,
                        )
                    )
    return flags


def alert_recipients() -> list[str]:
    """Active administrators and holders of the permission, directly or through
    a group, who have an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    app_label, codename = PERMISSION.split(".")
    holds = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return list(
        users.filter(Q(is_superuser=True) | holds)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _claim(month: date, now: datetime) -> bool:
    """Whether this run may send the month's email: exactly one run wins."""
    try:
        with transaction.atomic():
            AdverseImpactAlert.objects.get_or_create(month=month)
    except IntegrityError:
        pass  # another run created it at the same instant; the UPDATE decides
    claimed = (
        AdverseImpactAlert.objects.filter(month=month, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
        .update(claimed_at=now)
    )
    return claimed == 1


@dataclass(frozen=True)
class AlertRun:
    flagged: int
    sent: bool


def adverse_impact_alert_send(*, now: datetime | None = None) -> AlertRun:
    """Email the month's adverse impact flags, once per calendar month.

    Nothing is sent (and the month stays unclaimed) while no shown ratio is
    below four fifths. A send that fails releases the claim so that the next
    day's run tries again.
    """
    now = now or timezone.now()
    flags = adverse_impact_flags()
    if not flags:
        return AlertRun(flagged=0, sent=False)
    recipients = alert_recipients()
    if not recipients:
        logger.warning(
            "%d impact ratios are below four fifths and nobody who may read the "
            "report has an email address",
            len(flags),
        )
        return AlertRun(flagged=len(flags), sent=False)
    today = timezone.localdate(now)
    month = today.replace(day=1)
    if not _claim(month, now):
        return AlertRun(flagged=len(flags), sent=False)
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Criba: %(n)s impact ratio below four fifths",
            "Criba: %(n)s impact ratios below four fifths",
            len(flags),
        ) % {"n": len(flags)}
        body = render_to_string(
            "emails/adverse_impact.txt",
            {
                "flags": flags,
                "month": month,
                "report_url": settings.CRIBA_BASE_URL
                + reverse("results:adverse_impact"),
            },
        )
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        AdverseImpactAlert.objects.filter(month=month, sent_at__isnull=True).update(
            claimed_at=None
        )
        logger.exception("The adverse impact email could not be sent; retrying")
        raise
    AdverseImpactAlert.objects.filter(month=month).update(
        sent_at=timezone.now(), flagged=len(flags), recipients=len(recipients)
    )
    return AlertRun(flagged=len(flags), sent=True)
