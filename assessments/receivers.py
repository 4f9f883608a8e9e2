"""Receivers of hiring's signals (``hiring.signals``); each hands over to a
service."""

from __future__ import annotations

from assessments.interview_services import panel_seats_end


def team_member_removed(sender, job, user, **kwargs) -> None:
    """Someone taken off a hiring team no longer holds its open panel seats."""
    panel_seats_end(job_id=job.pk, user=user)
