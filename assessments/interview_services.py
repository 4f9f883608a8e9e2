"""Writes of structured interviews: scheduling, scorecards, aggregation, reminders.

Each public service owns its transaction and its invariants; emails and the
aggregation are enqueued on commit, so nothing is sent for a write that rolled
back. Permission questions are answered by ``interview_selectors``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

import numpy as np
from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.calendar import METHOD_CANCEL, METHOD_REQUEST, interview_calendar
from assessments.interview_selectors import InterviewAccess
from assessments.models import (
    AssessmentPlan,
    Interview,
    InterviewResult,
    Panelist,
    PracticeAttempt,
    PracticeCase,
    Recommendation,
    RubricVersion,
    Scorecard,
    ScorecardVersion,
)
from assessments.scoring.interviews import (
    RATING_MAX,
    RATING_MIN,
    PracticeDistance,
    aggregate_interview,
    practice_distance,
)
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.errors import Conflict, Forbidden, Invalid
from hiring.events import event_record
from hiring.models import Application, Job, JobMember, OutboxEvent, Stage

logger = logging.getLogger(__name__)

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 480
MAX_NOTE_CHARS = 5000
# Evidence must say something: a ten-character note is the least that can.
MIN_EVIDENCE_CHARS = 10
EXTREME_RATINGS = (RATING_MIN, RATING_MAX)
REMINDER_EVERY = timedelta(hours=24)
# Past this, a missing scorecard is a lost cause, not a reminder.
REMINDER_WINDOW = timedelta(days=14)


class EmailKind:
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"

    ALL = (INVITATION, UPDATE, CANCELLATION, REMINDER)


# --- scheduling ----------------------------------------------------------------------


def _checked_time(
    scheduled_at: datetime | None, duration_minutes: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        errors["scheduled_at"] = [_("Give the interview's date and time.")]
    if duration_minutes is None or not (
        MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES
    ):
        errors["duration_minutes"] = [
            _("The length must be between %(low)s and %(high)s minutes.")
            % {"low": MIN_DURATION_MINUTES, "high": MAX_DURATION_MINUTES}
        ]
    return errors


def plan_rubric_version(application: Application) -> RubricVersion | None:
    """The newest version of the rubric the job's assessment plan names."""
    plan = (
        AssessmentPlan.objects.filter(job_id=application.job_id)
        .select_related("rubric")
        .first()
    )
    if plan is None or plan.rubric is None:
        return None
    return plan.rubric.latest_version()


def interview_email_enqueue(panelist_id: int, kind: str) -> bool:
    """Hand one panelist's email to the workers; a broker outage is logged."""
    try:
        current_app.send_task(
            "assessments.tasks.interview_email_task", args=[panelist_id, kind]
        )
    except Exception:
        logger.warning(
            "Could not enqueue the %s email of panel seat %s",
            kind,
            panelist_id,
            exc_info=True,
        )
        return False
    return True


def _panel_emails_on_commit(interview: Interview, kind: str) -> None:
    seats = list(interview.panelists.values_list("pk", flat=True))
    for seat in seats:
        transaction.on_commit(lambda seat=seat: interview_email_enqueue(seat, kind))


def interview_schedule(
    *,
    user,
    application: Application,
    scheduled_at: datetime | None,
    duration_minutes: int | None,
    interviewers: list,
    rubric_version: RubricVersion | None = None,
    title: str = "",
    location: str = "",
    notify: bool = True,
) -> Interview:
    """Schedule an interview with its panel; each panelist is emailed on commit
    (unless ``notify`` is false: an interview recorded after the fact, such as
    the demo's past intake, invites nobody).

    The caller has checked that ``user`` may schedule on the job. Panelists must be
    on the job's hiring team (any role), each once. The rubric version defaults to
    the newest version of the plan's rubric. As for an invitation, the application
    must still be open (not hired, rejected or withdrawn) and the job open:
    Conflict otherwise.
    """
    errors = _checked_time(scheduled_at, duration_minutes)
    interviewer_ids = [getattr(i, "pk", i) for i in interviewers]
    if not interviewer_ids:
        errors["interviewers"] = [_("Choose at least one interviewer.")]
    elif len(set(interviewer_ids)) != len(interviewer_ids):
        errors["interviewers"] = [_("Each interviewer can sit on the panel once.")]
    else:
        team = set(
            JobMember.objects.filter(
                job_id=application.job_id, user_id__in=interviewer_ids
            ).values_list("user_id", flat=True)
        )
        outside = [i for i in interviewer_ids if i not in team]
        if outside:
            errors["interviewers"] = [
                _("Every interviewer must be on the job's hiring team.")
            ]
    rubric_version = rubric_version or plan_rubric_version(application)
    if rubric_version is None:
        errors["rubric_version"] = [
            _("The job's assessment plan names no interview rubric; choose one.")
        ]
    if errors:
        raise Invalid(_("The interview cannot be scheduled."), fields=errors)
    with transaction.atomic():
        # Locked as an invitation locks it, so a decision cannot close it meanwhile.
        current = (
            Application.objects.select_for_update(of=("self",))
            .select_related("job")
            .get(pk=application.pk)
        )
        if not current.is_open:
            raise Conflict(
                _("This application is closed; no interview can be scheduled."),
                code="application_closed",
            )
        if current.job.status != Job.Status.OPEN:
            raise Conflict(
                _("The job is not open; open it before scheduling interviews."),
                code="job_not_open",
            )
        interview = Interview.objects.create(
            application=application,
            rubric_version=rubric_version,
            title=title.strip()[:200] or rubric_version.definition["name"]["en"],
            scheduled_at=scheduled_at,
            duration_minutes=duration_minutes,
            location=location.strip()[:300],
            created_by=user,
        )
        Panelist.objects.bulk_create(
            Panelist(interview=interview, interviewer_id=i) for i in interviewer_ids
        )
        Application.objects.filter(
            pk=application.pk, stage__in=[Stage.APPLIED, Stage.ASSESSING]
        ).update(stage=Stage.INTERVIEWING, updated_at=timezone.now())
        if notify:
            _panel_emails_on_commit(interview, EmailKind.INVITATION)
    return interview


def interview_reschedule(
    *,
    access: InterviewAccess,
    scheduled_at: datetime | None,
    duration_minutes: int | None,
) -> Interview:
    """Move an open interview; the panel gets an updated calendar entry."""
    if not access.can_schedule:
        raise Forbidden(_("Only the job's recruiters can reschedule an interview."))
    errors = _checked_time(scheduled_at, duration_minutes)
    if errors:
        raise Invalid(_("The interview cannot be rescheduled."), fields=errors)
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=access.interview.pk)
        if not interview.is_open:
            raise Conflict(_("A cancelled or complete interview cannot be moved."))
        interview.scheduled_at = scheduled_at
        interview.duration_minutes = duration_minutes
        interview.sequence += 1
        interview.save(
            update_fields=[
                "scheduled_at",
                "duration_minutes",
                "sequence",
                "updated_at",
            ]
        )
        Panelist.objects.filter(interview=interview).update(reminded_at=None)
        _panel_emails_on_commit(interview, EmailKind.UPDATE)
    return interview


def panel_seats_end(*, job_id: int, user) -> list[int]:
    """End ``user``'s seats on the job's open interviews where they submitted no
    scorecard (they were taken off the hiring team): the seat and any draft go,
    the interview moves (``updated_at``) and is aggregated again, so a panel whose
    other members are in completes instead of waiting for them. A submitted
    scorecard and its seat stay: what they rated is evidence. Returns the ids of
    the interviews whose panel changed."""
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview"),
        interviewer=user,
        submitted_at__isnull=False,
    )
    seats = Panelist.objects.filter(
        interviewer=user,
        interview__application__job_id=job_id,
        interview__status__in=Interview.OPEN_STATUSES,
    ).exclude(Exists(submitted))
    interview_ids = sorted(seats.values_list("interview_id", flat=True))
    if not interview_ids:
        return []
    with transaction.atomic():
        Scorecard.objects.filter(
            interview_id__in=interview_ids, interviewer=user, submitted_at__isnull=True
        ).delete()
        Panelist.objects.filter(
            interview_id__in=interview_ids, interviewer=user
        ).delete()
        # Due again (the sweeper covers a lost aggregation job from updated_at).
        Interview.objects.filter(pk__in=interview_ids).update(
            updated_at=timezone.now(), aggregated_version=Interview.AGGREGATION_DUE
        )
        for interview_id in interview_ids:
            _aggregate_on_commit(interview_id)
    return interview_ids


def interview_cancel(*, access: InterviewAccess, reason: str) -> Interview:
    """Cancel an open interview and tell the panel; the reason is kept."""
    if not access.can_schedule:
        raise Forbidden(_("Only the job's recruiters can cancel an interview."))
    reason = reason.strip()
    if not reason:
        raise Invalid(
            _("Say why the interview is cancelled."),
            fields={"reason": [_("A cancellation needs its reason.")]},
        )
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=access.interview.pk)
        if not interview.is_open:
            raise Conflict(_("This interview is already cancelled or complete."))
        interview.status = Interview.Status.CANCELLED
        interview.cancel_reason = reason[:MAX_NOTE_CHARS]
        interview.sequence += 1
        interview.save(
            update_fields=["status", "cancel_reason", "sequence", "updated_at"]
        )
        _panel_emails_on_commit(interview, EmailKind.CANCELLATION)
    return interview


# --- emails --------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.CRIBA_BASE_URL.rstrip("/") + path


def interview_email_send(
    panelist_id: int, kind: str, *, now: datetime | None = None
) -> bool:
    """Send one panelist the email of ``kind``, with the calendar entry attached
    for invitations, updates and cancellations. False when there is nothing to
    send (the seat is gone, or a reminder for a scorecard that is now in)."""
    if kind not in EmailKind.ALL:
        raise ValueError(f"unknown interview email {kind!r}")
    now = now or timezone.now()
    seat = (
        Panelist.objects.select_related(
            "interviewer",
            "interview__application__candidate",
            "interview__application__job",
        )
        .filter(pk=panelist_id)
        .first()
    )
    if seat is None or not seat.interviewer.email:
        return False
    interview = seat.interview
    if kind == EmailKind.REMINDER and (
        not interview.is_open
        or Scorecard.objects.filter(
            interview=interview,
            interviewer=seat.interviewer,
            submitted_at__isnull=False,
        ).exists()
    ):
        return False
    candidate = interview.application.candidate
    job = interview.application.job
    kit_url = _absolute(reverse("results:interview_kit", args=[interview.pk]))
    context = {
        "kind": kind,
        "interview": interview,
        "candidate_name": candidate.full_name,
        "job_title": job.title,
        "interviewer": seat.interviewer,
        "kit_url": kit_url,
        "scorecard_url": _absolute(reverse("results:scorecard", args=[interview.pk])),
    }
    with translation.override(settings.LANGUAGE_CODE):
        # One line whatever a name holds (one kept before names were refused
        # line breaks): a header with a line break cannot be sent at all.
        subject = " ".join(
            render_to_string("emails/interview_subject.txt", context).split()
        )
        body = render_to_string("emails/interview.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[seat.interviewer.email])
    if kind != EmailKind.REMINDER:
        method = METHOD_CANCEL if kind == EmailKind.CANCELLATION else METHOD_REQUEST
        ics = interview_calendar(
            interview_id=interview.pk,
            base_url=settings.CRIBA_BASE_URL,
            summary=subject,
            description=f"{candidate.full_name} · {job.title}\n{kit_url}",
            location=interview.location,
            starts_at=interview.scheduled_at,
            ends_at=interview.ends_at,
            sequence=interview.sequence,
            organizer_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            or "no-reply@localhost",
            attendee_email=seat.interviewer.email,
            attendee_name=seat.interviewer.get_full_name(),
            method=method,
            now=now,
        )
        message.attach(
            "interview.ics", ics, f"text/calendar; charset=utf-8; method={method}"
        )
    message.send()
    if kind == EmailKind.INVITATION:
        Panelist.objects.filter(pk=seat.pk, invited_at__isnull=True).update(
            invited_at=now
        )
    return True


def scorecard_reminders_send(*, now: datetime | None = None) -> int:
    """Enqueue a reminder to every panelist whose scorecard is missing after the
    interview ended, at most once a day and for two weeks. Each seat is claimed
    with a conditional UPDATE, so concurrent runs remind once."""
    now = now or timezone.now()
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview"),
        interviewer=OuterRef("interviewer"),
        submitted_at__isnull=False,
    )
    candidates = (
        Panelist.objects.filter(
            interview__status__in=Interview.OPEN_STATUSES,
            interview__scheduled_at__gte=now - REMINDER_WINDOW,
            interview__scheduled_at__lte=now,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMINDER_EVERY))
        .filter(~Exists(submitted))
        # Nobody taken off the job's team is asked for a scorecard they can no
        # longer open.
        .filter(
            Exists(
                JobMember.objects.filter(
                    job=OuterRef("interview__application__job"),
                    user=OuterRef("interviewer"),
                )
            )
        )
        .select_related("interview")
    )
    sent = 0
    for seat in candidates:
        if not seat.interview.has_ended(now):
            continue
        claimed = (
            Panelist.objects.filter(pk=seat.pk, reminded_at=seat.reminded_at).update(
                reminded_at=now
            )
            == 1
        )
        if claimed:
            seat_id = seat.pk
            transaction.on_commit(
                lambda seat_id=seat_id: interview_email_enqueue(
                    seat_id, EmailKind.REMINDER
                )
            )
            sent += 1
    return sent


# --- scorecards ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardInput:
    """A scorecard as the interviewer filled it in; keys are competency keys.

    ``ratings`` maps a competency to 1..5 or None ("no decision"); a competency
    left out has not been rated yet.
    """

    ratings: dict[str, int | None]
    notes: dict[str, str]
    recommendation: str
    summary: str = ""


NO_DECISION = "none"


def scorecard_input_parse(
    *, rubric_version: RubricVersion, data, prefix: str = ""
) -> tuple[ScorecardInput, dict[str, list[str]]]:
    """Read a form's fields (``rating-<key>``, ``notes-<key>``, ``recommendation``,
    ``summary``) into a ``ScorecardInput`` and the problems of each field.

    A rating is ``1``..``5`` or ``none`` (no decision); an empty value means not
    rated yet. Used by both the HTML forms and the autosave endpoint, so they
    accept exactly the same values.
    """
    errors: dict[str, list[str]] = {}
    ratings: dict[str, int | None] = {}
    notes: dict[str, str] = {}
    for key in rubric_version.competency_keys:
        raw = (data.get(f"{prefix}rating-{key}") or "").strip()
        if raw == NO_DECISION:
            ratings[key] = None
        elif raw:
            if raw.isascii() and raw.isdigit() and RATING_MIN <= int(raw) <= RATING_MAX:
                ratings[key] = int(raw)
            else:
                errors[f"rating-{key}"] = [
                    _(
                        "A rating is a whole number from %(low)s to %(high)s, "
                        "or no decision."
                    )
                    % {"low": RATING_MIN, "high": RATING_MAX}
                ]
        note = (data.get(f"{prefix}notes-{key}") or "").strip()
        if len(note) > MAX_NOTE_CHARS:
            errors[f"notes-{key}"] = [
                _("Notes are limited to %(n)s characters.") % {"n": MAX_NOTE_CHARS}
            ]
        elif note:
            notes[key] = note
    recommendation = (data.get(f"{prefix}recommendation") or "").strip()
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = [_("Choose one of the recommendations offered.")]
        recommendation = ""
    summary = (data.get(f"{prefix}summary") or "").strip()
    if len(summary) > MAX_NOTE_CHARS:
        errors["summary"] = [
            _("The summary is limited to %(n)s characters.") % {"n": MAX_NOTE_CHARS}
        ]
    return ScorecardInput(
        ratings, notes, recommendation, summary[:MAX_NOTE_CHARS]
    ), errors


def _complete_problems(
    rubric_version: RubricVersion, scorecard: ScorecardInput
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in rubric_version.competency_keys:
        if key not in scorecard.ratings:
            errors[f"rating-{key}"] = [_("Rate this competency or choose no decision.")]
        elif scorecard.ratings[key] in EXTREME_RATINGS and (
            len(scorecard.notes.get(key, "")) < MIN_EVIDENCE_CHARS
        ):
            errors[f"notes-{key}"] = [
                _(
                    "A rating of 1 or 5 needs the evidence behind it: what the "
                    "candidate said or did."
                )
            ]
    if not scorecard.recommendation:
        errors["recommendation"] = [_("Choose an overall recommendation.")]
    return errors


def _require_rater(access: InterviewAccess) -> None:
    if not access.is_panelist:
        raise Forbidden(_("Only the interview's panelists fill in scorecards."))
    if not access.can_rate:
        raise Conflict(_("This interview was cancelled."))


def scorecard_draft_save(
    *,
    access: InterviewAccess,
    scorecard: ScorecardInput,
    now: datetime | None = None,
) -> Scorecard:
    """Save the panelist's draft as they type; refused once submitted."""
    _require_rater(access)
    now = now or timezone.now()
    with transaction.atomic():
        card, _created = Scorecard.objects.get_or_create(
            interview=access.interview, interviewer=access.seat.interviewer
        )
        updated = Scorecard.objects.filter(
            pk=card.pk, submitted_at__isnull=True
        ).update(
            draft_ratings=scorecard.ratings,
            draft_notes=scorecard.notes,
            draft_recommendation=scorecard.recommendation,
            draft_summary=scorecard.summary,
            draft_saved_at=now,
            updated_at=now,
        )
        if updated != 1:
            raise Conflict(
                _("This scorecard is submitted and locked; record an amendment.")
            )
    card.refresh_from_db()
    return card


def _version_create(
    *,
    card: Scorecard,
    number: int,
    scorecard: ScorecardInput,
    rubric_version: RubricVersion,
    user,
    reason: str,
    now: datetime,
) -> ScorecardVersion:
    keys = rubric_version.competency_keys
    # Under the interview's row lock (the caller holds it), as the aggregation
    # that marks it current again takes it: the sweeper looks at this interview
    # until a run has aggregated this version.
    Interview.objects.filter(pk=card.interview_id).update(
        aggregated_version=Interview.AGGREGATION_DUE
    )
    return ScorecardVersion.objects.create(
        scorecard=card,
        number=number,
        ratings={key: scorecard.ratings.get(key) for key in keys},
        evidence={key: scorecard.notes.get(key, "") for key in keys},
        recommendation=scorecard.recommendation,
        summary=scorecard.summary,
        reason=reason,
        created_by=user,
        created_at=now,
    )


def _scorecard_event(card: Scorecard, version: ScorecardVersion, now) -> None:
    interview = card.interview
    event_record(
        type=OutboxEvent.Type.SCORECARD_SUBMITTED,
        data={
            "interview_id": interview.pk,
            "application_id": interview.application_id,
            "scorecard_id": card.pk,
            "version": version.number,
            "amendment": version.is_amendment,
            "recommendation": version.recommendation,
        },
        now=now,
    )


def _lock_uncancelled(interview: Interview) -> None:
    """Lock the interview's row, as ``interview_cancel`` does, and refuse a
    scorecard for it once cancelled: the access was read before, and the
    recruiter may have cancelled it since."""
    status = (
        Interview.objects.select_for_update()
        .filter(pk=interview.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status == Interview.Status.CANCELLED:
        raise Conflict(_("This interview was cancelled."))


def scorecard_submit(
    *,
    access: InterviewAccess,
    scorecard: ScorecardInput,
    now: datetime | None = None,
) -> ScorecardVersion:
    """Lock the panelist's scorecard as version 1 and enqueue the aggregation.

    Every competency needs a rating or "no decision", ratings of 1 and 5 need
    evidence, and an overall recommendation is required. Submitting twice is a
    ``Conflict`` (the conditional UPDATE lets only one request win), and so is
    submitting before the interview's start: a draft may be prepared, but
    ratings are of an interview that took place.
    """
    _require_rater(access)
    rubric_version = access.interview.rubric_version
    errors = _complete_problems(rubric_version, scorecard)
    if errors:
        raise Invalid(_("The scorecard is not complete."), fields=errors)
    now = now or timezone.now()
    if now < access.interview.scheduled_at:
        raise Conflict(
            _(
                "The interview has not started yet. Your draft is kept; submit "
                "the scorecard once the interview has taken place."
            ),
            code="not_started",
        )
    with transaction.atomic():
        _lock_uncancelled(access.interview)
        card, _created = Scorecard.objects.get_or_create(
            interview=access.interview, interviewer=access.seat.interviewer
        )
        claimed = Scorecard.objects.filter(
            pk=card.pk, submitted_at__isnull=True
        ).update(
            submitted_at=now,
            current_version=1,
            draft_ratings=scorecard.ratings,
            draft_notes=scorecard.notes,
            draft_recommendation=scorecard.recommendation,
            draft_summary=scorecard.summary,
            updated_at=now,
        )
        if claimed != 1:
            raise Conflict(_("This scorecard is already submitted."))
        card.refresh_from_db()
        version = _version_create(
            card=card,
            number=1,
            scorecard=scorecard,
            rubric_version=rubric_version,
            user=access.seat.interviewer,
            reason="",
            now=now,
        )
        Interview.objects.filter(
            pk=access.interview.pk, status=Interview.Status.SCHEDULED
        ).update(status=Interview.Status.COLLECTING, updated_at=now)
        _scorecard_event(card, version, now)
        _aggregate_on_commit(access.interview.pk)
    return version


def scorecard_amend(
    *,
    access: InterviewAccess,
    scorecard: ScorecardInput,
    reason: str,
    now: datetime | None = None,
) -> ScorecardVersion:
    """Record a change to a submitted scorecard as a new version with its reason.

    Earlier versions stay as they were and are shown with the new one.
    """
    if not access.is_panelist:
        raise Forbidden(_("Only the interviewer can amend their scorecard."))
    if not access.has_submitted:
        raise Conflict(_("Submit the scorecard before amending it."))
    if access.interview.status == Interview.Status.CANCELLED:
        raise Conflict(_("This interview was cancelled."))
    rubric_version = access.interview.rubric_version
    errors = _complete_problems(rubric_version, scorecard)
    reason = reason.strip()
    if not reason:
        errors["reason"] = [_("Say why the scorecard changes.")]
    elif len(reason) > MAX_NOTE_CHARS:
        errors["reason"] = [
            _("The reason is limited to %(n)s characters.") % {"n": MAX_NOTE_CHARS}
        ]
    if errors:
        raise Invalid(_("The amendment cannot be recorded."), fields=errors)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_uncancelled(access.interview)
        card = Scorecard.objects.select_for_update().get(pk=access.own.pk)
        number = card.current_version + 1
        version = _version_create(
            card=card,
            number=number,
            scorecard=scorecard,
            rubric_version=rubric_version,
            user=access.seat.interviewer,
            reason=reason,
            now=now,
        )
        card.current_version = number
        card.draft_ratings = scorecard.ratings
        card.draft_notes = scorecard.notes
        card.draft_recommendation = scorecard.recommendation
        card.draft_summary = scorecard.summary
        card.save(
            update_fields=[
                "current_version",
                "draft_ratings",
                "draft_notes",
                "draft_recommendation",
                "draft_summary",
                "updated_at",
            ]
        )
        _scorecard_event(card, version, now)
        _aggregate_on_commit(access.interview.pk)
    return version


def scorecard_input_from_version(version: ScorecardVersion) -> ScorecardInput:
    return ScorecardInput(
        ratings=dict(version.ratings),
        notes={k: v for k, v in version.evidence.items() if v},
        recommendation=version.recommendation,
        summary=version.summary,
    )


# --- aggregation ---------------------------------------------------------------------


def _aggregate_on_commit(interview_id: int) -> None:
    transaction.on_commit(lambda: interview_aggregate_enqueue(interview_id))


# Sent by name: the task module imports this one, never the reverse.
INTERVIEW_AGGREGATE_TASK = "assessments.tasks.interview_aggregate_task"


def interview_aggregate_enqueue(interview_id: int) -> bool:
    """Enqueue the aggregation; a broker outage is logged, and the next submission
    or the sweeper picks the interview up again."""
    try:
        current_app.send_task(INTERVIEW_AGGREGATE_TASK, args=[interview_id])
    except Exception:
        logger.warning(
            "Could not enqueue the aggregation of interview %s; the sweeper will retry",
            interview_id,
            exc_info=True,
        )
        return False
    return True


def interview_aggregate(
    *, interview_id: int, now: datetime | None = None
) -> InterviewResult | None:
    """Aggregate the latest version of every submitted scorecard (SCORING.md 7).

    Idempotent: the result row is unique per interview and scoring version, and
    when the scorecard versions it was computed from have not changed, nothing is
    written. The first time every panelist's scorecard is in, the interview moves
    to complete and ``interview.completed`` is written, once (conditional UPDATE).
    """
    now = now or timezone.now()
    with transaction.atomic():
        interview = (
            Interview.objects.select_for_update(of=("self",))
            .select_related("rubric_version")
            .filter(pk=interview_id)
            .first()
        )
        if interview is None or interview.rubric_version is None:
            return None
        versions = list(
            ScorecardVersion.objects.filter(
                scorecard__interview=interview,
                scorecard__submitted_at__isnull=False,
                number=F("scorecard__current_version"),
            ).order_by("scorecard_id")
        )
        inputs = sorted(v.pk for v in versions)
        panel_size = interview.panelists.count()
        existing = InterviewResult.objects.filter(
            interview=interview, scoring_version=INTERVIEW_SCORING_VERSION
        ).first()
        # The same scorecards on the same panel: nothing to compute. A panelist
        # taken off (`panel_seats_end`) changes the panel, not the scorecards.
        if (
            existing is not None
            and existing.inputs == inputs
            and existing.aggregate.get("panel_size") == panel_size
        ):
            _aggregated_mark(interview)
            return existing
        keys = interview.rubric_version.competency_keys
        matrix = np.array(
            [
                [np.nan if v.ratings.get(k) is None else v.ratings[k] for k in keys]
                for v in versions
            ],
            dtype=float,
        ).reshape(len(versions), len(keys))
        aggregate = aggregate_interview(
            matrix,
            keys=keys,
            weights=interview.rubric_version.weights,
            panel_size=panel_size,
            recommendations=[v.recommendation for v in versions],
        )
        result, _created = InterviewResult.objects.update_or_create(
            interview=interview,
            scoring_version=INTERVIEW_SCORING_VERSION,
            defaults={
                "aggregate": aggregate.to_dict(),
                "score": aggregate.score,
                "state": aggregate.state,
                "inputs": inputs,
                "computed_at": now,
            },
        )
        if aggregate.state == "complete":
            completed = Interview.objects.filter(
                pk=interview.pk, status__in=Interview.OPEN_STATUSES
            ).update(status=Interview.Status.COMPLETE, updated_at=now)
            if completed == 1:
                event_record(
                    type=OutboxEvent.Type.INTERVIEW_COMPLETED,
                    data={
                        "interview_id": interview.pk,
                        "application_id": interview.application_id,
                        "score": aggregate.score,
                        "flagged": [c.key for c in aggregate.flagged],
                        "scorecards": aggregate.submitted,
                    },
                    now=now,
                )
            elif interview.status == Interview.Status.COMPLETE:
                # An amendment changed a complete interview's aggregate: move the
                # interview's updated_at so integrations polling it see the change.
                Interview.objects.filter(pk=interview.pk).update(updated_at=now)
        _aggregated_mark(interview)
    return result


def _aggregated_mark(interview: Interview) -> None:
    """Every current scorecard version is aggregated under the current scoring
    version: the sweeper no longer looks at this interview (the caller holds its
    row lock, so no version was added meanwhile)."""
    if interview.aggregated_version != INTERVIEW_SCORING_VERSION:
        Interview.objects.filter(pk=interview.pk).update(
            aggregated_version=INTERVIEW_SCORING_VERSION
        )


def interviews_aggregation_due() -> QuerySet[Interview]:
    """Interviews that may need aggregating: a scorecard version came after their
    last aggregation, or that ran under another interview scoring version. Read
    through the ``interview_aggregated_version`` index (two range scans around
    the current version, as ``<>`` cannot use it; "" means no scorecard yet), so
    an aggregated interview is never read."""
    return Interview.objects.filter(
        Q(aggregated_version__gt="", aggregated_version__lt=INTERVIEW_SCORING_VERSION)
        | Q(aggregated_version__gt=INTERVIEW_SCORING_VERSION)
    )


def interviews_unaggregated(
    *, older_than: timedelta, now: datetime | None = None
) -> list[int]:
    """Ids of interviews whose newest scorecard version is older than
    ``older_than`` and newer than their result (or that have none), for the
    sweeper that covers a lost aggregation job. Only the interviews
    ``interviews_aggregation_due`` finds are examined."""
    now = now or timezone.now()
    computed = InterviewResult.objects.filter(
        interview=OuterRef("pk"), scoring_version=INTERVIEW_SCORING_VERSION
    ).values("computed_at")[:1]
    return list(
        interviews_aggregation_due()
        .exclude(status=Interview.Status.CANCELLED)
        .annotate(
            newest=Max("scorecards__versions__created_at"),
            computed_at=Subquery(computed),
        )
        .filter(
            # A scorecard version came after the result (or there is none yet)...
            Q(newest__lte=now - older_than)
            & (Q(computed_at__isnull=True) | Q(computed_at__lt=F("newest")))
            # ...or the panel changed after it (`panel_seats_end`).
            | Q(updated_at__lte=now - older_than, computed_at__lt=F("updated_at"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def interviews_aggregate_sweep(*, now: datetime | None = None) -> int:
    """Enqueue the aggregation again for interviews a lost job left behind."""
    older_than = timedelta(seconds=settings.CRIBA_SWEEP_AFTER_SECONDS)
    stale = interviews_unaggregated(older_than=older_than, now=now)
    return sum(
        1 for interview_id in stale[:1000] if interview_aggregate_enqueue(interview_id)
    )


# --- practice ------------------------------------------------------------------------


def practice_attempt_record(
    *, user, case: PracticeCase, ratings: dict[str, int | None]
) -> tuple[PracticeAttempt, PracticeDistance]:
    """Store an interviewer's ratings of a practice case and how far they sit from
    the agreed ratings, per competency."""
    keys = case.rubric_version.competency_keys
    missing = [k for k in keys if k not in ratings]
    if missing:
        raise Invalid(
            _("Rate every competency of the practice case."),
            fields={f"rating-{k}": [_("Rate this competency.")] for k in missing},
        )
    attempt = PracticeAttempt.objects.create(
        case=case, interviewer=user, ratings={k: ratings[k] for k in keys}
    )
    return attempt, practice_distance_of(case, attempt.ratings)


def practice_distance_of(case: PracticeCase, ratings: dict) -> PracticeDistance:
    keys = case.rubric_version.competency_keys
    return practice_distance(
        [np.nan if ratings.get(k) is None else ratings[k] for k in keys],
        [
            np.nan if case.agreed_ratings.get(k) is None else case.agreed_ratings[k]
            for k in keys
        ],
    )


def panel_candidates(*, application: Application):
    """The hiring team of the application's job, who may sit on its panels."""
    return (
        JobMember.objects.filter(job_id=application.job_id)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
