"""Receivers of hiring's signals (``hiring.signals``); each hands over to a
service."""

from __future__ import annotations

from assessments.development import development_plan_consent_end
from assessments.interview_services import panel_seats_end


def team_member_removed(sender, job, user, **kwargs) -> None:
    """Someone taken off a hiring team no longer holds its open panel seats."""
    panel_seats_end(job_id=job.pk, user=user)


def outcome_manager_changed(sender, application, by, **kwargs) -> None:
    """A hire who agreed to show their plan to one manager has not agreed to show
    it to the next: the consent ends, and the hire may give it again."""
    development_plan_consent_end(application_id=application.pk, user=by)
