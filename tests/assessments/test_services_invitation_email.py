"""The invitation email leaves from a worker with retries kept in the database: an
SMTP outage delays it and loses nothing; only the id travels through the broker."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments import services, tasks
from assessments.models import Invitation
from assessments.tokens import invitation_link, invitation_token
from hiring.errors import Conflict, Gone, Invalid
from hiring.models import AuditEvent, OutboxEvent


class SmtpDownBackend:
    """An email backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "service not available")


@pytest.fixture
def invite(application, alice, instrument_version, django_capture_on_commit_callbacks):
    """Invite and commit, so the email is handed to the (inline) worker."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return services.invitation_create(application=application, user=alice)

    return run


SMTP_DOWN = {"default": {"BACKEND": f"{__name__}.SmtpDownBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = SMTP_DOWN


def test_it_hands_only_the_id_to_the_worker(invite, sent_emails):
    invitation = invite()

    assert sent_emails == [invitation.pk]
    assert invitation_token(invitation) in mail.outbox[0].body
    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.SENT
    assert OutboxEvent.objects.filter(type="invitation.sent").count() == 1


def test_it_keeps_a_failed_email_pending_with_its_next_attempt_due(
    invite, alice, smtp_down
):
    invitation = invite()

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.PENDING
    assert invitation.email_attempts == 1
    assert "SMTPConnectError" in invitation.email_error
    assert invitation.email_due_at > timezone.now() + timedelta(seconds=25)
    assert invitation.status == Invitation.Status.CREATED


def test_it_sends_a_due_email_from_the_sweeper_once_smtp_is_back(
    invite, alice, settings
):
    settings.MAILERS = SMTP_DOWN
    invitation = invite()
    settings.MAILERS = LOCMEM
    invitation.refresh_from_db()

    assert services.invitation_emails_sweep() == 0  # not due yet
    assert services.invitation_emails_sweep(now=invitation.email_due_at) == 1

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.SENT
    assert invitation.email_attempts == 2
    assert len(mail.outbox) == 1


def test_it_marks_the_email_failed_after_the_last_attempt(
    invite, alice, smtp_down, settings
):
    settings.CRIBA_EMAIL_MAX_ATTEMPTS = 2
    invitation = invite()
    invitation.refresh_from_db()

    services.invitation_email_send(
        invitation_id=invitation.pk, now=invitation.email_due_at
    )

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.FAILED
    assert invitation.email_due_at is None


def test_it_sends_nothing_twice_when_the_task_is_redelivered(invite, alice):
    invitation = invite()

    assert tasks.invitation_email_task(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_it_resends_the_same_link_and_audits_it(
    invite,
    alice,
    smtp_down,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CRIBA_EMAIL_MAX_ATTEMPTS = 1
    invitation = invite()
    settings.MAILERS = LOCMEM
    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, user=alice)

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.SENT
    assert invitation_token(invitation) in mail.outbox[-1].body
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.INVITATION_RESENT, actor=alice
    ).exists()


def test_it_extends_an_expired_unstarted_link_back_to_life(invite, alice):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.EXPIRED, expires_at=timezone.now()
    )
    invitation.refresh_from_db()
    assert invitation_link(invitation) is None

    services.invitation_extend(invitation=invitation, user=alice, days=3)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.expires_at > timezone.now() + timedelta(days=2)
    assert invitation_link(invitation) is not None


@pytest.mark.parametrize("days", [0, 91, "7", True])
def test_it_refuses_an_extension_out_of_range(invite, alice, days):
    invitation = invite()
    with pytest.raises(Invalid):
        services.invitation_extend(invitation=invitation, user=alice, days=days)


def test_it_refuses_to_resend_a_revoked_or_expired_link(
    application, alice, instrument_version
):
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(Gone):
        services.invitation_resend(invitation=invitation, user=alice)
    services.invitation_revoke(invitation=invitation, user=alice)
    with pytest.raises(Conflict):
        services.invitation_resend(invitation=invitation, user=alice)


def test_it_stops_a_pending_email_when_the_link_is_revoked(
    invite, alice, smtp_down, settings
):
    invitation = invite()
    settings.MAILERS = LOCMEM

    services.invitation_revoke(invitation=invitation, user=alice)

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.NOT_REQUESTED
    assert services.invitation_emails_sweep(now=timezone.now() + timedelta(days=1)) == 0
    assert mail.outbox == []
