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

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessments.models import Invitation
from hiring.models import AtsCallback, AtsErrorReport
from hiring.retention_walk import (
    RetentionStep,
    retention_step,
    retention_window,
    unlocked_rows_delete,
)

# Rows read per step; a full window of old rows is followed by another step.
ATS_RETENTION_BATCH_SIZE = 1000
CALLBACKS = "callbacks"
ERROR_REPORTS = "error_reports"


# A step of the walk (hiring.retention_walk).
AtsRecordsStep = RetentionStep


def ats_records_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CRIBA_ATS_RETENTION_DAYS)


def ats_records_purge(
    *,
    stage: str = CALLBACKS,
    after_id: int = 0,
    now: datetime | None = None,
    batch_size: int = ATS_RETENTION_BATCH_SIZE,
) -> RetentionStep:
    """Delete what is past its retention in the window of ``stage`` rows after
    ``after_id`` (see the module's docstring); says where the next step starts."""
    return retention_step(
        ((CALLBACKS, _callbacks_purge), (ERROR_REPORTS, _error_reports_purge)),
        stage=stage,
        after_id=after_id,
        cutoff=ats_records_cutoff(now),
        batch_size=batch_size,
    )


def _callbacks_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = retention_window(
        AtsCallback, after_id=after_id, batch_size=batch_size, cutoff=cutoff
    )
    if not window:
        return 0, None
    # hiring keeps no foreign key into assessments: the invitation is matched
    # by id. One that is open, or changed within the period, keeps its callback.
    invitation_active = Invitation.objects.filter(
        Q(status__in=Invitation.OPEN_STATUSES | {Invitation.Status.SUBMITTED})
        | Q(updated_at__gte=cutoff),
        pk=OuterRef("invitation_id"),
    )
    deleted = unlocked_rows_delete(
        AtsCallback.objects.filter(pk__in=window, created_at__lt=cutoff)
        .exclude(status=AtsCallback.Status.PENDING)
        .exclude(delivered_at__gte=cutoff)
        .exclude(Exists(invitation_active))
    )
    return deleted, last


def _error_reports_purge(cutoff: datetime, after_id: int, batch_size: int):
    window, last = retention_window(
        AtsErrorReport,
        after_id=after_id,
        batch_size=batch_size,
        cutoff=cutoff,
        made_at="received_at",
    )
    if not window:
        return 0, None
    deleted = unlocked_rows_delete(
        AtsErrorReport.objects.filter(pk__in=window, received_at__lt=cutoff)
    )
    return deleted, last
