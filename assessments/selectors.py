"""Reads of the assessment side for the recruiter pages, with their query shapes.

Scoping by role happens here (jobs where the user holds a role); what the role
allows on the job is the view's check, so it can answer 403 to a team member and
404 to everyone else.
"""

from __future__ import annotations

import functools

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _

from assessments.models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    QuestionnaireResult,
)
from assessments.tokens import row_for_token
from hiring.errors import Invalid
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


# --- applicant tracking systems (API keys are organisation-wide) ------------------


def instruments_published() -> QuerySet[Instrument]:
    """Instruments with at least one published version, each with
    `versions_newest_first`; two queries whatever their number."""
    versions = InstrumentVersion.objects.order_by("-version")
    return (
        Instrument.objects.filter(versions__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch("versions", queryset=versions, to_attr="versions_newest_first")
        )
    )


def instrument_version_by_reference(
    *, slug: str | None, version: int | None
) -> InstrumentVersion:
    """A published version by instrument slug and number (the newest without a
    number); Invalid when there is none."""
    versions = InstrumentVersion.objects.select_related("instrument")
    if slug:
        versions = versions.filter(instrument__slug=slug)
    if version is not None:
        versions = versions.filter(version=version)
    if not slug:
        raise Invalid(
            _("Name the questionnaire by its slug."),
            code="reference_required",
            fields={"instrument": [_("This field is required.")]},
        )
    found = versions.order_by("-version").first()
    if found is None:
        raise Invalid(
            _("There is no such questionnaire."),
            code="unknown_reference",
            fields={"instrument": [_("No such questionnaire or version.")]},
        )
    return found


def invitations_for_integrations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related(
        "application", "instrument_version__instrument"
    ).defer("instrument_version__definition")


def results_for_integrations() -> QuerySet[QuestionnaireResult]:
    """Every questionnaire result with what its report needs, in three queries
    per page: the results with their people and norms, and the distinct versions
    (whose definitions are large, so they are not repeated on every row)."""
    versions = InstrumentVersion.objects.select_related("instrument")
    return (
        QuestionnaireResult.objects.select_related(
            "norm_set",
            "invitation__application__candidate",
            "invitation__application__job",
        )
        .defer("norm_set__samples")
        .prefetch_related(Prefetch("invitation__instrument_version", queryset=versions))
    )


def application_with_invitations_for_integrations(
    *, application_id: int
) -> Application | None:
    """One application with its invitations (newest first, each with
    `current_result`), whatever its job, or None."""
    application = (
        Application.objects.filter(pk=application_id)
        .select_related("candidate", "job", "decided_by")
        .prefetch_related(_invitations_with_current_result())
        .first()
    )
    return _attach_latest(application) if application is not None else None


def result_stubs_for_integrations() -> QuerySet:
    """Results with only what a page of them needs before their content, as plain
    dicts (no model instances): the cursor (`id`, `updated_at`), what a cached
    rendering depends on (`is_current` and the external ids it repeats) and what
    the audit records (`invitation_id`, `application_id`, `job_id`)."""
    # A copy of one built once: resolving its five joins again on every call
    # cost a sizeable share of an API page.
    return _result_stubs().all()


@functools.cache
def _result_stubs() -> QuerySet:
    return QuestionnaireResult.objects.values(
        "id",
        "updated_at",
        "is_current",
        "invitation_id",
        application_id=F("invitation__application_id"),
        job_id=F("invitation__application__job_id"),
        application_external_id=F("invitation__application__external_id"),
        candidate_external_id=F("invitation__application__candidate__external_id"),
        job_external_id=F("invitation__application__job__external_id"),
    )


def invitation_language_for_token(token: str) -> str | None:
    """The language of the invitation a candidate link names, or None.

    For the page that says a link can no longer be used (withdrawn, expired,
    already submitted): the candidate reads it in the language they were invited
    in or chose, which their browser's need not be.
    """
    invitation = row_for_token(Invitation.objects.only("language"), token)
    return invitation.language if invitation is not None else None
