"""Who sees what of an interview, and the reads its pages and API return.

The independence rule lives here and nowhere else: before submitting their own
scorecard, a panelist sees no other scorecard of the interview and no aggregate,
whatever their role on the job. Recruiters and hiring managers (anyone whose role
reads results) see every submitted scorecard and the aggregate; someone neither on
the panel nor able to read the job's applications sees nothing (404), and a seat
counts only while its holder is on the job's hiring team. Every page and API view
asks ``interview_access`` first and reads through the functions below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)

from assessments.models import (
    Interview,
    InterviewResult,
    Panelist,
    PracticeAttempt,
    PracticeCase,
    RubricVersion,
    Scorecard,
    ScorecardVersion,
)
from assessments.scoring.interviews import completion_state
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.errors import NotFound
from hiring.models import Capability, JobMember
from hiring.selectors import job_standing, user_is_administrator


def panel_visible(
    *, is_panelist: bool, has_submitted: bool, capabilities: frozenset[str]
) -> bool:
    """THE independence rule: may this person see the other scorecards of an
    interview and its aggregate?

    A panelist waits for their own submission even when their role on the job
    would show everything: independence comes before role. Anyone else needs a
    role that reads results.
    """
    if is_panelist:
        return has_submitted
    return Capability.VIEW_RESULTS in capabilities


@dataclass(frozen=True)
class InterviewAccess:
    """One user's standing on one interview; every read goes through it."""

    interview: Interview
    capabilities: frozenset[str]
    seat: Panelist | None
    own: Scorecard | None

    @property
    def is_panelist(self) -> bool:
        return self.seat is not None

    @property
    def has_submitted(self) -> bool:
        return self.own is not None and self.own.is_submitted

    @property
    def sees_panel(self) -> bool:
        """Others' scorecards and the aggregate (see ``panel_visible``)."""
        return panel_visible(
            is_panelist=self.is_panelist,
            has_submitted=self.has_submitted,
            capabilities=self.capabilities,
        )

    @property
    def can_rate(self) -> bool:
        return self.is_panelist and self.interview.status != Interview.Status.CANCELLED

    @property
    def can_decide(self) -> bool:
        return self.sees_panel and Capability.DECIDE in self.capabilities

    @property
    def can_schedule(self) -> bool:
        return Capability.INVITE in self.capabilities


def _interview_base() -> QuerySet[Interview]:
    return Interview.objects.select_related(
        "application__candidate", "application__job", "rubric_version__rubric"
    )


def interview_access(*, user, interview_id: int) -> InterviewAccess:
    """The user's access to the interview; ``NotFound`` when they have none.

    Three queries: the interview, the user's capabilities on its job, and their
    seat with their scorecard.
    """
    if not user.is_authenticated:
        raise NotFound("No such interview")
    interview = _interview_base().filter(pk=interview_id).first()
    if interview is None:
        raise NotFound("No such interview")
    on_team, capabilities = job_standing(user=user, job=interview.application.job)
    # A seat counts only while its holder is on the job's hiring team: taking
    # someone off the team ends what they see of its interviews.
    seat = (
        Panelist.objects.filter(interview=interview, interviewer=user)
        .select_related("interviewer")
        .first()
        if on_team
        else None
    )
    if seat is None and Capability.VIEW_APPLICATIONS not in capabilities:
        raise NotFound("No such interview")
    own = None
    if seat is not None:
        own = (
            Scorecard.objects.filter(interview=interview, interviewer=user)
            .prefetch_related("versions")
            .first()
        )
    return InterviewAccess(
        interview=interview, capabilities=capabilities, seat=seat, own=own
    )


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=ScorecardVersion.objects.select_related("created_by").order_by(
            "number"
        ),
    )


def panel_scorecards(*, access: InterviewAccess) -> list[Scorecard]:
    """The submitted scorecards the user may read, with every version.

    Before their own submission a panelist gets only their own scorecard (or
    nothing); the others are not even counted.
    """
    scorecards = (
        Scorecard.objects.filter(interview=access.interview, submitted_at__isnull=False)
        .select_related("interviewer")
        .prefetch_related(_versions_prefetch())
        .order_by("interviewer__last_name", "interviewer__username", "id")
    )
    if not access.sees_panel:
        if access.own is None or not access.own.is_submitted:
            return []
        scorecards = scorecards.filter(pk=access.own.pk)
    return list(scorecards)


def interview_result(*, access: InterviewAccess) -> InterviewResult | None:
    """The aggregate of the current scoring version, if the user may see it."""
    if not access.sees_panel:
        return None
    return InterviewResult.objects.filter(
        interview=access.interview, scoring_version=INTERVIEW_SCORING_VERSION
    ).first()


def panel_status(*, access: InterviewAccess) -> list[dict]:
    """Each panelist and whether their scorecard is in.

    Everyone with access sees who sits on the panel and who has submitted (so a
    panelist knows whom the debrief waits for); no ratings are involved.
    """
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview"),
        interviewer=OuterRef("interviewer"),
        submitted_at__isnull=False,
    )
    seats = (
        Panelist.objects.filter(interview=access.interview)
        .select_related("interviewer")
        .annotate(submitted=Exists(submitted))
        .order_by("interviewer__last_name", "interviewer__username", "id")
    )
    return [
        {"interviewer": seat.interviewer, "submitted": seat.submitted} for seat in seats
    ]


# "My interviews" shows this many a page; a long-serving interviewer's history
# would otherwise be one page of thousands of rows.
MY_INTERVIEWS_PAGE_SIZE = 50


def interviews_of(user) -> QuerySet[Interview]:
    """The interviews the user sits on, on jobs whose hiring team they are on,
    with their scorecard state: those still
    waiting for the user's scorecard first, soonest first, then those they have
    rated, most recent first (a long history never buries what needs doing).

    A constant number of queries however many interviews and panelists: the counts
    and the user's own state are annotations.
    """
    mine = Scorecard.objects.filter(interview=OuterRef("pk"), interviewer=user)
    seats = Panelist.objects.filter(interviewer=user)
    if not user_is_administrator(user):
        # Only on jobs whose team the user is still on (see `interview_access`).
        seats = seats.filter(
            Exists(
                JobMember.objects.filter(
                    job=OuterRef("interview__application__job"), user=user
                )
            )
        )
    return (
        # A subquery, not a join: filtering on the panelists join would make the
        # panel count below count only the user's own seat.
        Interview.objects.filter(pk__in=seats.values("interview_id"))
        .select_related("application__candidate", "application__job")
        .annotate(
            panel_size=Count("panelists", distinct=True),
            submitted_count=Count(
                "scorecards",
                filter=Q(scorecards__submitted_at__isnull=False),
                distinct=True,
            ),
            my_submitted=Exists(mine.filter(submitted_at__isnull=False)),
            my_draft=Exists(mine.filter(submitted_at__isnull=True)),
        )
        .order_by(
            "my_submitted",
            Case(When(my_submitted=False, then=F("scheduled_at"))).asc(nulls_last=True),
            F("scheduled_at").desc(nulls_last=True),
            "id",
        )
    )


def interviews_of_application(*, application_id: int) -> QuerySet[Interview]:
    """An application's interviews with panel counts, for pages whose caller has
    already checked the user may read the application."""
    return (
        Interview.objects.filter(application_id=application_id)
        .select_related("rubric_version__rubric")
        .annotate(
            panel_size=Count("panelists", distinct=True),
            submitted_count=Count(
                "scorecards",
                filter=Q(scorecards__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("scheduled_at", "id")
    )


@dataclass(frozen=True)
class VisibleResults:
    results: list[InterviewResult]
    hidden: int  # interviews whose aggregate waits for the user's own scorecard


def interview_results_visible(
    *, user, application_id: int, capabilities: frozenset[str]
) -> VisibleResults:
    """Current-version results of the application's interviews that are not
    cancelled, oldest first, filtered by ``panel_visible`` for each interview: a
    hiring manager who sits on a panel does not see that panel's aggregate in the
    application report before submitting. One query."""
    seat = Panelist.objects.filter(interview=OuterRef("interview"), interviewer=user)
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview"),
        interviewer=user,
        submitted_at__isnull=False,
    )
    rows = (
        InterviewResult.objects.filter(
            interview__application_id=application_id,
            scoring_version=INTERVIEW_SCORING_VERSION,
        )
        .exclude(interview__status=Interview.Status.CANCELLED)
        .annotate(is_panelist=Exists(seat), has_submitted=Exists(submitted))
        .select_related("interview__rubric_version")
        .order_by("interview__scheduled_at", "interview_id")
    )
    visible, hidden = [], 0
    for row in rows:
        if panel_visible(
            is_panelist=row.is_panelist,
            has_submitted=row.has_submitted,
            capabilities=capabilities,
        ):
            visible.append(row)
        else:
            hidden += 1
    return VisibleResults(results=visible, hidden=hidden)


# --- integrations -------------------------------------------------------------------

# What an API key holding ``interviews:read`` stands as: never a panelist, and
# reading results like a recruiter does.
INTEGRATION_CAPABILITIES = frozenset({Capability.VIEW_RESULTS})


def integration_sees_panel() -> bool:
    """``panel_visible`` for an API key: it sits on no panel, so it reads every
    submitted scorecard and the aggregate, as a recruiter does."""
    return panel_visible(
        is_panelist=False, has_submitted=False, capabilities=INTEGRATION_CAPABILITIES
    )


def _submitted_seat() -> Exists:
    return Exists(
        Scorecard.objects.filter(
            interview=OuterRef("interview"),
            interviewer=OuterRef("interviewer"),
            submitted_at__isnull=False,
        )
    )


def interviews_for_integrations() -> QuerySet[Interview]:
    """Every interview with its panel (and who has submitted) and its current
    result, in a constant number of queries however many rows are read.

    The result is attached as ``current_results`` (a list of at most one) and
    read through ``interview_integration_result``.
    """
    seats = (
        Panelist.objects.select_related("interviewer")
        .annotate(submitted=_submitted_seat())
        .order_by("interviewer__last_name", "interviewer__username", "id")
    )
    results = InterviewResult.objects.filter(scoring_version=INTERVIEW_SCORING_VERSION)
    if not integration_sees_panel():
        results = results.none()
    return (
        Interview.objects.select_related("application", "rubric_version__rubric")
        .annotate(
            panel_size=Count("panelists", distinct=True),
            submitted_count=Count(
                "scorecards",
                filter=Q(scorecards__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch("panelists", queryset=seats, to_attr="panel"),
            Prefetch("results", queryset=results, to_attr="current_results"),
        )
    )


def interview_completion(interview: Interview) -> str:
    """awaiting, partial or complete, from the annotated counts."""
    return completion_state(interview.submitted_count, interview.panel_size)


def interview_integration_result(interview: Interview) -> InterviewResult | None:
    """The aggregate an integration may read: only once the interview is complete
    (every panelist submitted, so no panelist can still be swayed by it) and its
    result exists. A cancelled or still collecting interview has none."""
    if interview.status != Interview.Status.COMPLETE:
        return None
    results = getattr(interview, "current_results", None)
    return results[0] if results else None


def scorecards_for_integrations() -> QuerySet[Scorecard]:
    """Submitted scorecards only (a draft is never read by an integration), with
    their current version attached as ``current`` (a list of one)."""
    if not integration_sees_panel():
        return Scorecard.objects.none()
    current = ScorecardVersion.objects.filter(
        number=F("scorecard__current_version")
    ).select_related("created_by")
    return (
        Scorecard.objects.filter(submitted_at__isnull=False)
        .select_related(
            "interview__application", "interview__rubric_version", "interviewer"
        )
        .prefetch_related(Prefetch("versions", queryset=current, to_attr="current"))
    )


# --- calibration and practice --------------------------------------------------------


def calibration_versions(*, rubric_id: int) -> list[ScorecardVersion]:
    """The latest version of every submitted scorecard of a rubric's interviews.

    Calibration looks at what the interviewers finally rated; amendments replace
    the first submission. Cancelled interviews are left out.
    """
    return list(
        ScorecardVersion.objects.filter(
            scorecard__interview__rubric_version__rubric_id=rubric_id,
            scorecard__submitted_at__isnull=False,
            number=F("scorecard__current_version"),
        )
        .exclude(scorecard__interview__status=Interview.Status.CANCELLED)
        .select_related(
            "scorecard__interviewer", "scorecard__interview__rubric_version"
        )
        .order_by("scorecard__interview_id", "scorecard__interviewer_id")
    )


def practice_cases(*, rubric_version: RubricVersion | None = None):
    cases = PracticeCase.objects.select_related("rubric_version__rubric")
    if rubric_version is not None:
        cases = cases.filter(rubric_version=rubric_version)
    return cases.order_by("rubric_version__rubric__slug", "title", "id")


def practice_attempts_of(*, user, case: PracticeCase) -> QuerySet[PracticeAttempt]:
    return PracticeAttempt.objects.filter(case=case, interviewer=user).order_by(
        "-created_at", "-id"
    )
