"""The rules of an invitation's life live on the model; tested on unsaved rows."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.models import Invitation

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
S = Invitation.Status


def _invitation(**fields) -> Invitation:
    fields.setdefault("expires_at", NOW + timedelta(days=3))
    return Invitation(**fields)


@pytest.mark.parametrize(
    ("status", "is_open", "is_finished", "is_scorable"),
    [
        (S.CREATED, True, False, False),
        (S.SENT, True, False, False),
        (S.OPENED, True, False, False),
        (S.IN_PROGRESS, True, False, False),
        (S.SUBMITTED, False, True, True),
        (S.SCORED, False, True, True),
        (S.EXPIRED, False, False, False),
        (S.REVOKED, False, False, False),
    ],
)
def test_it_sorts_every_status(status, is_open, is_finished, is_scorable):
    invitation = _invitation(status=status)
    assert (invitation.is_open, invitation.is_finished, invitation.is_scorable) == (
        is_open,
        is_finished,
        is_scorable,
    )


def test_it_expires_an_unstarted_link_at_its_expiry():
    invitation = _invitation(status=S.SENT, expires_at=NOW)
    assert invitation.is_expired(NOW)
    assert not invitation.is_expired(NOW - timedelta(seconds=1))


def test_it_never_expires_a_started_or_finished_attempt():
    started = _invitation(status=S.IN_PROGRESS, expires_at=NOW, started_at=NOW)
    finished = _invitation(status=S.SUBMITTED, expires_at=NOW)
    assert not started.is_expired(NOW + timedelta(days=9))
    assert not finished.is_expired(NOW + timedelta(days=9))


def test_it_passes_the_deadline_only_after_the_grace():
    invitation = _invitation(status=S.IN_PROGRESS, deadline_at=NOW)
    grace = timedelta(seconds=Invitation.DEADLINE_GRACE_SECONDS)

    assert not invitation.deadline_passed(NOW + grace)
    assert invitation.deadline_passed(NOW + grace + timedelta(microseconds=1))
    assert invitation.deadline_passed(NOW, grace=False)
    assert not invitation.deadline_passed(NOW - timedelta(seconds=1), grace=False)


def test_it_has_no_deadline_without_a_time_limit():
    invitation = _invitation(status=S.IN_PROGRESS, deadline_at=None)
    assert not invitation.deadline_passed(NOW + timedelta(days=365))
