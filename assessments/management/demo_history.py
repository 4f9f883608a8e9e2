"""Dates last year's intake as it happened, for ``seed_demo``.

The interviews, scorecards and their results, the decisions, the
self-identification, the closing of the job and the development plan (with the
outcome's first record, its consent and its check-ins) are written with their
time in each applicant's history (`demo_cohort.History`), through the services'
own ``now``, audit rows included. The rest is written by services that take the
time from the clock, at the moment of seeding; once the hires' start dates are
known, this moves those rows to the history: the application, the invitation,
what the candidate did while answering, the result and the events owed to
integrations. What the candidate did while answering moves by
one offset, so the durations the services derived from it (time on each page,
the attempt's deadline) stay as they were, and the link keeps its validity.

Some dates stay at the seeding: the audit rows of the steps written before the
history is drawn (the candidate, the application and the invitation: the
history counts back from start dates drawn once the hires are known), as the
audit log is append-only and nothing here rewrites it; the retention dates,
which only ever move forward; and the outcomes in full, recorded at the seeding
as a recruiter catching up on them would.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from assessments.management.demo_cohort import Applicant, History
from assessments.models import (
    Interview,
    Invitation,
    PageTiming,
    Panelist,
    QuestionnaireResult,
    Response,
    Scorecard,
)
from hiring.events import utc_timestamp
from hiring.models import (
    Application,
    Candidate,
    Job,
    OutboxEvent,
)

BATCH = 500
# The interview is put in the calendar right after the screening decision.
SCHEDULING_MINUTES = 15


def cohort_history_write(*, job: Job, people: list[Applicant]) -> None:
    """Move the rows of every applicant of ``job`` to their ``history``."""
    histories = {p.application.pk: p.history for p in people}
    reached_interview = {p.application.pk for p in people if p.interviewed}
    _applications(histories, reached_interview)
    invitation_times = _questionnaires(histories)
    _interviews(histories)
    _events(histories, invitation_times)
    first_applied = min(h.applied for h in histories.values())
    Job.objects.filter(pk=job.pk).update(created_at=first_applied - timedelta(days=7))


def _final(history: History, interviewed: bool) -> datetime:
    return history.decided if interviewed else history.screened


def _applications(histories: dict[int, History], interviewed: set[int]) -> None:
    applications = list(Application.objects.filter(pk__in=histories))
    for application in applications:
        history = histories[application.pk]
        application.created_at = history.applied
        application.decided_at = _final(history, application.pk in interviewed)
        application.updated_at = application.decided_at
    Application.objects.bulk_update(
        applications, ["created_at", "decided_at", "updated_at"], batch_size=BATCH
    )
    candidates = list(
        Candidate.objects.filter(applications__pk__in=histories).annotate(
            application_id=F("applications__pk")
        )
    )
    for candidate in candidates:
        candidate.created_at = histories[candidate.application_id].applied
    Candidate.objects.bulk_update(candidates, ["created_at"], batch_size=BATCH)


SHIFTED = ("opened_at", "consented_at", "started_at", "deadline_at", "submitted_at")


def _questionnaires(histories: dict[int, History]) -> dict[int, History]:
    """Returns each invitation's history, by invitation id."""
    invitations = list(
        Invitation.objects.filter(application_id__in=histories).select_related(
            "application"
        )
    )
    by_invitation = {}
    consent = []
    for invitation in invitations:
        history = histories[invitation.application_id]
        by_invitation[invitation.pk] = history
        offset = history.submitted - invitation.submitted_at
        invitation.expires_at = history.invited + (
            invitation.expires_at - invitation.created_at
        )
        invitation.created_at = history.invited
        for name in SHIFTED:
            moment = getattr(invitation, name)
            if moment is not None:
                setattr(invitation, name, moment + offset)
        invitation.scored_at = history.scored
        invitation.updated_at = history.scored
        consent.append(
            Candidate(
                pk=invitation.application.candidate_id,
                consent_at=invitation.consented_at,
            )
        )
        Response.objects.filter(invitation=invitation).update(
            answered_at=F("answered_at") + offset
        )
        PageTiming.objects.filter(invitation=invitation).update(
            first_shown_at=F("first_shown_at") + offset
        )
    Invitation.objects.bulk_update(
        invitations,
        ["created_at", "expires_at", "scored_at", "updated_at", *SHIFTED],
        batch_size=BATCH,
    )
    Candidate.objects.bulk_update(consent, ["consent_at"], batch_size=BATCH)
    results = list(QuestionnaireResult.objects.filter(invitation_id__in=by_invitation))
    for result in results:
        result.created_at = result.updated_at = by_invitation[
            result.invitation_id
        ].scored
    QuestionnaireResult.objects.bulk_update(
        results, ["created_at", "updated_at"], batch_size=BATCH
    )
    return by_invitation


def _interviews(histories: dict[int, History]) -> None:
    """The interview's time, its scorecards and its result were given to the
    services; what they wrote at the moment of seeding is when the interview
    was put in the calendar and when each scorecard was begun."""
    interviews = list(Interview.objects.filter(application_id__in=histories))
    scheduled = {}
    for interview in interviews:
        history = histories[interview.application_id]
        interview.created_at = scheduled[interview.pk] = history.screened + timedelta(
            minutes=SCHEDULING_MINUTES
        )
    Interview.objects.bulk_update(interviews, ["created_at"], batch_size=BATCH)
    seats = list(Panelist.objects.filter(interview_id__in=scheduled))
    for seat in seats:
        seat.created_at = scheduled[seat.interview_id]
    Panelist.objects.bulk_update(seats, ["created_at"], batch_size=BATCH)
    scorecards = list(Scorecard.objects.filter(interview_id__in=scheduled))
    for scorecard in scorecards:
        scorecard.created_at = scorecard.submitted_at
    Scorecard.objects.bulk_update(scorecards, ["created_at"], batch_size=BATCH)


def _events(histories: dict[int, History], invitations: dict[int, History]) -> None:
    """The events owed to integrations, dated (and timestamped) as they happened;
    a decision's event also carries its ``decided_at``. Those of the scorecards
    and interviews were written with their time."""
    decisions: dict[int, int] = {}
    events = list(
        OutboxEvent.objects.filter(
            type__in=[
                OutboxEvent.Type.ASSESSMENT_SUBMITTED,
                OutboxEvent.Type.ASSESSMENT_SCORED,
                OutboxEvent.Type.APPLICATION_DECIDED,
            ]
        ).order_by("pk")
    )
    moved = []
    for event in events:
        data = event.payload.get("data", {})
        moment = None
        if event.type == OutboxEvent.Type.ASSESSMENT_SUBMITTED:
            history = invitations.get(data.get("invitation_id"))
            moment = history and history.submitted
        elif event.type == OutboxEvent.Type.ASSESSMENT_SCORED:
            history = invitations.get(data.get("invitation_id"))
            moment = history and history.scored
        else:
            application_id = data.get("application_id")
            history = histories.get(application_id)
            if history is not None:
                # The first decision screens; a second follows the interview.
                number = decisions.get(application_id, 0)
                decisions[application_id] = number + 1
                moment = history.decided if number else history.screened
                data["decided_at"] = utc_timestamp(moment)
        if moment is None:
            continue
        event.created_at = moment
        event.payload["timestamp"] = utc_timestamp(moment)
        moved.append(event)
    OutboxEvent.objects.bulk_update(moved, ["created_at", "payload"], batch_size=BATCH)


def pipeline_move_before(
    *, application_id: int, moment: datetime, scheduled: datetime
) -> None:
    """Move one current application's rows, written at the seeding, back so that
    its latest (the questionnaire's score, or the application itself) is at
    ``moment``: the candidate, the application, the invitation, what the
    candidate did while answering and the result, all by one offset (durations
    and the link's validity stay as they were). Its interviews were put in the
    calendar at ``scheduled``. Rows already before ``moment`` stay; the audit
    rows stay at the seeding, as for the cohort."""
    application = Application.objects.get(pk=application_id)
    invitations = Invitation.objects.filter(application_id=application_id)
    moments = [application.created_at]
    for invitation in invitations:
        moments += [
            m
            for m in (
                invitation.created_at,
                invitation.submitted_at,
                invitation.scored_at,
            )
            if m is not None
        ]
    offset = moment - max(moments)
    if offset < timedelta(0):
        Candidate.objects.filter(pk=application.candidate_id).update(
            created_at=F("created_at") + offset, consent_at=F("consent_at") + offset
        )
        Application.objects.filter(pk=application_id).update(
            created_at=F("created_at") + offset
        )
        invitations.update(
            **{
                name: F(name) + offset
                for name in (
                    "created_at",
                    "expires_at",
                    "sent_at",
                    "scored_at",
                    *SHIFTED,
                )
            }
        )
        Response.objects.filter(invitation__application_id=application_id).update(
            answered_at=F("answered_at") + offset
        )
        PageTiming.objects.filter(invitation__application_id=application_id).update(
            first_shown_at=F("first_shown_at") + offset
        )
        QuestionnaireResult.objects.filter(
            invitation__application_id=application_id
        ).update(created_at=F("created_at") + offset)
    interviews = Interview.objects.filter(application_id=application_id)
    interviews.filter(created_at__gt=scheduled).update(created_at=scheduled)
    Panelist.objects.filter(interview__in=interviews, created_at__gt=scheduled).update(
        created_at=scheduled
    )
