"""Invitations: the token, the email after commit, expiry and revocation."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import Invitation
from assessments.tokens import invitation_token
from hiring.errors import DomainError
from hiring.problems import problem_status


@pytest.fixture
def invited(application, alice, instrument_version):
    invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    return invitation, invitation_token(invitation)


def test_it_stores_only_the_sha256_of_a_token_of_at_least_128_bits(invited):
    invitation, token = invited
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in stored.values())


def test_it_gives_every_invitation_its_own_token(
    application, alice, instrument_version
):
    first = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    token = invitation_token(first)
    services.invitation_revoke(invitation=first, user=alice)
    _invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    other = invitation_token(_invitation)
    assert token != other


def test_it_sends_the_email_only_after_commit(
    application,
    alice,
    instrument_version,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invitation_create(
            application=application, user=alice, instrument_version=instrument_version
        )
        token = invitation_token(invitation)
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [application.candidate.email]
    assert f"/take/{token}/" in message.body
    assert "Account Executive" in message.subject
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.sent_at is not None


def test_it_sends_nothing_when_the_transaction_rolls_back(
    application,
    alice,
    instrument_version,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.invitation_create(
                    application=application,
                    user=alice,
                    instrument_version=instrument_version,
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_it_tells_the_time_including_extra_time(
    application,
    alice,
    instrument_version,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            application=application,
            user=alice,
            instrument_version=instrument_version,
            extra_time_percent=50,
        )
    # 25 minutes plus 50 %.
    assert "37 minutes" in mailoutbox[0].body


def test_it_writes_the_email_as_plain_text_without_escaping(
    application,
    alice,
    instrument_version,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application.job.title = "Sales & Marketing"
    application.job.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            application=application, user=alice, instrument_version=instrument_version
        )
    assert "Sales & Marketing" in mailoutbox[0].body
    assert "&amp;" not in mailoutbox[0].body


def test_it_refuses_a_second_open_invitation(invited, application, alice):
    with pytest.raises(DomainError) as error:
        services.invitation_create(application=application, user=alice)
    assert problem_status(error.value) == 409


def test_it_finds_the_invitation_behind_a_link(invited):
    invitation, token = invited
    assert services.invitation_for_token(token) == invitation


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "x" * 500])
def test_it_reports_an_unknown_link_with_404(invited, token):
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token)
    assert (problem_status(problem.value), problem.value.code) == (404, "unknown")


def test_it_reports_a_tampered_link_with_404(invited):
    _, token = invited
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(tampered)
    assert problem_status(problem.value) == 404


def test_it_reports_an_expired_link_with_410(invited):
    invitation, token = invited
    later = invitation.expires_at + timedelta(seconds=1)
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token, now=later)
    assert (problem_status(problem.value), problem.value.code) == (410, "expired")


def test_it_reports_a_swept_expired_link_with_410(invited):
    invitation, token = invited
    assert services.invitations_expire(now=invitation.expires_at) == 1
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token)
    assert problem_status(problem.value) == 410


def test_it_keeps_a_started_attempt_open_past_the_link_expiry(invited):
    invitation, token = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    later = invitation.expires_at + timedelta(days=1)
    assert services.invitation_for_token(token, now=later) == invitation


def test_it_refuses_to_start_an_expired_invitation(invited):
    invitation, _ = invited
    with pytest.raises(DomainError) as problem:
        services.taking_start(
            invitation=invitation,
            language="en",
            consent=True,
            now=invitation.expires_at + timedelta(minutes=1),
        )
    assert problem_status(problem.value) == 410
    invitation.refresh_from_db()
    assert invitation.started_at is None


def test_it_reports_a_revoked_invitation_with_410(invited, alice):
    invitation, token = invited
    services.invitation_revoke(invitation=invitation, user=alice)
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token)
    assert (problem_status(problem.value), problem.value.code) == (410, "revoked")


def test_it_ends_the_running_session_when_revoked(invited, alice):
    invitation, _ = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    services.invitation_revoke(invitation=invitation, user=alice)
    invitation.refresh_from_db()
    assert invitation.session_nonce == ""
    with pytest.raises(DomainError):
        services.answers_save(invitation=invitation, page=0, answers={})


def test_it_reports_a_submitted_invitation_with_409(invited, monkeypatch):
    monkeypatch.setattr(services, "scoring_enqueue", lambda invitation_id: True)
    invitation, token = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    services.submission_submit(invitation=invitation)
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token)
    assert (problem_status(problem.value), problem.value.code) == (409, "submitted")


def test_it_records_the_first_open_only(invited):
    invitation, _ = invited
    first = timezone.now()
    services.invitation_open(invitation=invitation, now=first)
    services.invitation_open(invitation=invitation, now=first + timedelta(hours=1))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED
    assert invitation.opened_at == first


def test_it_reports_an_attempt_closed_by_the_clock_as_time_up(invited, monkeypatch):
    monkeypatch.setattr(services, "scoring_enqueue", lambda invitation_id: True)
    invitation, token = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    later = invitation.deadline_at + timedelta(minutes=5)
    services.submission_close_if_timed_out(invitation=invitation, now=later)
    with pytest.raises(DomainError) as problem:
        services.invitation_for_token(token)
    assert (problem_status(problem.value), problem.value.code) == (409, "time_up")
