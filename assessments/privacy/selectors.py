"""Reads of the privacy pages: who may act on a candidate's data, and the notice."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models import PrivacyNotice
from hiring.errors import Forbidden, NotFound
from hiring.models import (
    ROLE_CAPABILITIES,
    Application,
    Candidate,
    Capability,
    JobMember,
)
from hiring.selectors import user_is_administrator


@dataclass(frozen=True)
class PersonalDataAccess:
    """What a user may see and do on the privacy pages of one candidate.

    ``applications`` are the candidate's applications on jobs where the user may
    manage personal data (all of them for an administrator): the pages name no
    other job. ``may_act`` says whether the user may export, erase or change the
    retention date, which reach every application of the candidate: only when
    every one of them is on such a job.
    """

    candidate: Candidate
    applications: list[Application]
    may_act: bool


def personal_data_access(
    *, user, candidate_id: int, act: bool = False
) -> PersonalDataAccess:
    """Who may open the privacy pages of a candidate, and act on them.

    Administrators always may, and may act. Anyone else needs a role granting
    ``Capability.PERSONAL_DATA`` on a job the candidate applied to to open the
    pages: no role on any of those jobs raises ``NotFound`` (nothing hints the
    candidate exists), roles without the capability raise ``Forbidden``. They may
    act only when they hold the capability on every job the candidate applied to,
    since an export, an erasure and a retention date reach them all. With
    ``act``, for the requests that act, a user who may not raises ``Forbidden``
    saying an administrator must handle the request.
    """
    candidate = Candidate.objects.filter(pk=candidate_id).first()
    if candidate is None or not user.is_authenticated:
        raise NotFound(_("No such candidate."), code="not_found")
    applications = candidate_applications(candidate=candidate)
    if user_is_administrator(user):
        return PersonalDataAccess(
            candidate=candidate, applications=applications, may_act=True
        )
    memberships = JobMember.objects.filter(
        user=user, job__applications__candidate=candidate
    ).values_list("job_id", "role")
    roles_by_job: dict[int, set[str]] = {}
    for job_id, role in memberships:
        roles_by_job.setdefault(job_id, set()).add(role)
    if not roles_by_job:
        raise NotFound(_("No such candidate."), code="not_found")
    managed = {
        job_id
        for job_id, roles in roles_by_job.items()
        if any(Capability.PERSONAL_DATA in ROLE_CAPABILITIES[r] for r in roles)
    }
    if not managed:
        raise Forbidden(
            _("Your role does not allow you to manage this candidate's data."),
            code="forbidden",
        )
    may_act = all(a.job_id in managed for a in applications)
    if act and not may_act:
        raise Forbidden(other_jobs_message(), code="other_jobs")
    return PersonalDataAccess(
        candidate=candidate,
        applications=[a for a in applications if a.job_id in managed],
        may_act=may_act,
    )


def candidate_for_personal_data(*, user, candidate_id: int) -> Candidate:
    """The candidate, if the user may export, erase or keep their data (the rule
    of ``personal_data_access`` with ``act``)."""
    access = personal_data_access(user=user, candidate_id=candidate_id, act=True)
    return access.candidate


def other_jobs_message() -> str:
    """Why a user who may open the privacy pages may not act: said on the page and
    by the refusal, naming none of the other jobs."""
    return _(
        "This candidate also applied to jobs you do not manage. Exporting, erasing "
        "or changing how long their data is kept covers all their applications, "
        "so an administrator must handle this request."
    )


def candidate_applications(*, candidate: Candidate) -> list[Application]:
    return list(
        Application.objects.filter(candidate=candidate)
        .select_related("job")
        .order_by("created_at", "id")
    )


def privacy_notice_current() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()


def privacy_notice_get(*, version: int) -> PrivacyNotice:
    notice = PrivacyNotice.objects.filter(version=version).first()
    if notice is None:
        raise NotFound(_("No such version of the privacy notice."), code="not_found")
    return notice


@dataclass(frozen=True)
class NoticeSection:
    heading: str
    paragraphs: list[str]


def notice_sections(text: str) -> list[NoticeSection]:
    """The notice's blocks (separated by blank lines), each headed by its first line."""
    sections = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1:
            sections.append(NoticeSection(heading="", paragraphs=lines))
        else:
            sections.append(NoticeSection(heading=lines[0], paragraphs=lines[1:]))
    return sections
