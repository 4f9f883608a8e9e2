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


def candidate_for_personal_data(*, user, candidate_id: int) -> Candidate:
    """The candidate, if the user may export, erase or keep their data.

    Administrators always may. Anyone else needs a role granting
    ``Capability.PERSONAL_DATA`` on a job the candidate applied to: no role on any
    of those jobs raises ``NotFound`` (nothing hints the candidate exists), a role
    without the capability raises ``Forbidden``.
    """
    candidate = Candidate.objects.filter(pk=candidate_id).first()
    if candidate is None or not user.is_authenticated:
        raise NotFound(_("No such candidate."), code="not_found")
    if user_is_administrator(user):
        return candidate
    roles = set(
        JobMember.objects.filter(
            user=user, job__applications__candidate=candidate
        ).values_list("role", flat=True)
    )
    if not roles:
        raise NotFound(_("No such candidate."), code="not_found")
    if not any(Capability.PERSONAL_DATA in ROLE_CAPABILITIES[r] for r in roles):
        raise Forbidden(
            _("Your role does not allow you to manage this candidate's data."),
            code="forbidden",
        )
    return candidate


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
