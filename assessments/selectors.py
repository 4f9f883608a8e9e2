"""Reads of the assessment side for the recruiter pages, with their query shapes.

Scoping by role happens here (jobs where the user holds a role); what the role
allows on the job is the view's check, so it can answer 403 to a team member and
404 to everyone else.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from assessments.models import Invitation, QuestionnaireResult
from hiring.models import Application, Job
from hiring.selectors import jobs_visible_to


def _invitations_with_current_result() -> Prefetch:
    current = QuestionnaireResult.objects.filter(is_current=True).select_related(
        "norm_set"
    )
    return Prefetch(
        "invitations",
        queryset=Invitation.objects.select_related("instrument_version")
        .prefetch_related(Prefetch("results", queryset=current, to_attr="current"))
        .order_by("-created_at", "-id"),
        to_attr="invitations_newest_first",
    )


def _attach_latest(application: Application) -> Application:
    invitations = application.invitations_newest_first
    for invitation in invitations:
        invitation.current_result = (
            invitation.current[0] if invitation.current else None
        )
    application.latest_invitation = invitations[0] if invitations else None
    # The newest invitation may still be open while an older one was scored.
    application.current_result = next(
        (i.current_result for i in invitations if i.current_result is not None), None
    )
    return application


def applications_prefetch_latest(applications: QuerySet[Application]) -> QuerySet:
    """``applications`` with their invitations and current results prefetched (two
    more queries, whatever their number); pass each row to `application_latest`."""
    return applications.prefetch_related(_invitations_with_current_result())


def application_latest(application: Application) -> Application:
    """Set `latest_invitation` and `current_result` on a prefetched application."""
    return _attach_latest(application)


def applications_with_latest_results(*, job: Job) -> list[Application]:
    """The job's applications, newest first, each with `latest_invitation`,
    `current_result` (the current result of its newest scored invitation) and
    `invitations_newest_first`; three queries whatever the number of applications.
    """
    applications = (
        Application.objects.filter(job=job)
        .select_related("candidate")
        .prefetch_related(_invitations_with_current_result())
        .order_by("-created_at", "-id")
    )
    return [_attach_latest(application) for application in applications]


def application_with_invitations(*, application_id: int, user) -> Application | None:
    """One application on a job where the user holds a role, with its invitations
    (newest first, each with `current_result`), or None."""
    application = (
        Application.objects.filter(
            pk=application_id, job__in=jobs_visible_to(user).values("pk")
        )
        .select_related("candidate", "job", "decided_by")
        .prefetch_related(_invitations_with_current_result())
        .first()
    )
    return _attach_latest(application) if application is not None else None


def results_on_jobs_of(user) -> QuerySet[QuestionnaireResult]:
    """Questionnaire results of applications on jobs where the user holds a role,
    with everything the report page shows in one query."""
    return QuestionnaireResult.objects.filter(
        invitation__application__job__in=jobs_visible_to(user).values("pk")
    ).select_related(
        "norm_set",
        "invitation__instrument_version__instrument",
        "invitation__application__candidate",
        "invitation__application__job",
    )
