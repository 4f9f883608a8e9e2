"""How long the records of an applicant tracking system's orders are kept: the
callbacks Greenhouse asked for and the errors it reported.

Every ``send_test`` leaves an ``AtsCallback`` and every ``response_error`` an
``AtsErrorReport``; without a limit both grow forever. ``CRIBA_ATS_RETENTION_DAYS``
after their last activity they go:

- an error report, that long after it was received;
- a callback once nothing more will happen to it: it is not being sent
  (``pending``), and its order was made, its PATCH delivered and its invitation
  last changed (scored, expired, revoked) that long ago. A callback whose
  invitation is still open, or waiting for its result, stays whatever its age,
  so Greenhouse can still read ``test_status``; after the purge that order's
  ``partner_interview_id`` is unknown (404).

A purge walks the callbacks, then the error reports, in id order, one window of
``batch_size`` rows at a time (ids follow creation, so the old rows come first),
and stops at the first window that reaches rows younger than the retention.
Rows are taken with ``FOR UPDATE SKIP LOCKED``: a callback being attempted right
now is skipped (the next purge looks again), and two purges never wait on each
other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessments.models import Invitation
from hiring.models import AtsCallback, AtsErrorReport

# Rows read per step; a full window of old rows is followed by another step.
ATS_RETENTION_BATCH_SIZE = 1000
CALLBACKS = "callbacks"
ERROR_REPORTS = "error_reports"


@dataclass(frozen=True)
class AtsRecordsStep:
    stage: str  # CALLBACKS or ERROR_REPORTS
    deleted: int
    # (stage, after_id) of the next step; None once the walk is over.
    next: tuple[str, int] | None


def ats_records_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CRIBA_ATS_RETENTION_DAYS)


def ats_records_purge(
    *,
    stage: str = CALLBACKS,
    after_id: int = 0,
    now: datetime | None = None,
    batch_size: int = ATS_RETENTION_BATCH_SIZE,
) -> AtsRecordsStep:
    """Delete what is past its retention in the window of ``stage`` rows after
    ``after_id`` (see the module's docstring); says where the next step starts."""
    cutoff = ats_records_cutoff(now)
    if stage == CALLBACKS:
        deleted, last = _callbacks_purge(cutoff, after_id, batch_size)
        following = (CALLBACKS, last) if last is not None else (ERROR_REPORTS, 0)
    elif stage == ERROR_REPORTS:
        deleted, last = _error_reports_purge(cutoff, after_id, batch_size)
        following = (ERROR_REPORTS, last) if last is not None else None
    else:
        raise ValueError(f"Unknown stage {stage!r}")
    return AtsRecordsStep(stage=stage, deleted=deleted, next=following)


def _window(model, made_at: str, after_id: int, batch_size: int, cutoff):
    """The ids of the next window, and its last id when the walk goes on past
    it (the window is full and wholly older than the cutoff)."""
    rows = list(
        model.objects.filter(pk__gt=after_id)
        .order_by("id")
        .values_list("pk", made_at)[:batch_size]
    )
    ids = [pk for pk, _made in rows]
    goes_on = len(rows) == batch_size and max(m for _pk, m in rows) < cutoff
    return ids, (ids[-1] if goes_on else None)


def _callbacks_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = _window(AtsCallback, "created_at", after_id, batch_size, cutoff)
    if not window:
        return 0, None
    # hiring keeps no foreign key into assessments: the invitation is matched
    # by id. One that is open, or changed within the period, keeps its callback.
    invitation_active = Invitation.objects.filter(
        Q(status__in=Invitation.OPEN_STATUSES | {Invitation.Status.SUBMITTED})
        | Q(updated_at__gte=cutoff),
        pk=OuterRef("invitation_id"),
    )
    with transaction.atomic():
        ids = list(
            AtsCallback.objects.select_for_update(skip_locked=True)
            .filter(pk__in=window, created_at__lt=cutoff)
            .exclude(status=AtsCallback.Status.PENDING)
            .exclude(delivered_at__gte=cutoff)
            .exclude(Exists(invitation_active))
            .order_by()
            .values_list("pk", flat=True)
        )
        if ids:
            AtsCallback.objects.filter(pk__in=ids).delete()
    return len(ids), last


def _error_reports_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = _window(AtsErrorReport, "received_at", after_id, batch_size, cutoff)
    if not window:
        return 0, None
    with transaction.atomic():
        ids = list(
            AtsErrorReport.objects.select_for_update(skip_locked=True)
            .filter(pk__in=window, received_at__lt=cutoff)
            .order_by()
            .values_list("pk", flat=True)
        )
        if ids:
            AtsErrorReport.objects.filter(pk__in=ids).delete()
    return len(ids), last
