"""Inviting a candidate from the application page.

The link is derived from the server's key, so the page shows it for as long as the
invitation is open, without keeping it in the session; it is emailed by a worker
after the transaction commits.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session

from assessments.models import Invitation
from assessments.tokens import token_hash
from hiring.models import AuditEvent, Stage
from tests.hiring.support import logged_in

VALID = {"language": "es", "extra_time_percent": "25", "expires_in_days": "5"}


def _invite(client, application, data=VALID, **kwargs):
    return client.post(f"/applications/{application.pk}/invite/", data, **kwargs)


def test_it_creates_the_invitation_and_shows_its_link_while_open(
    client, application, alice, instrument_version
):
    logged_in(client, alice)

    response = _invite(client, application, follow=True)

    invitation = Invitation.objects.get(application=application)
    assert invitation.instrument_version == instrument_version
    assert invitation.language == "es"
    assert invitation.extra_time_percent == 25
    assert invitation.created_by == alice
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - timedelta(days=5)) < timedelta(minutes=1)
    page = response.content.decode()
    token = re.search(
        r"data-invitation-link[^>]*>https?://[^<]*/take/([^/<]+)/<", page
    ).group(1)
    assert invitation.token_hash == token_hash(token)
    again = client.get(f"/applications/{application.pk}/").content.decode()
    assert token in again
    assert not any(
        token in str(session.get_decoded()) for session in Session.objects.all()
    )
    client.post(f"/invitations/{invitation.pk}/revoke/", {"confirm": "yes"})
    revoked = client.get(f"/applications/{application.pk}/").content.decode()
    assert token not in revoked


def test_it_emails_the_link_after_commit(
    client,
    application,
    alice,
    instrument_version,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    logged_in(client, alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, application)

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.candidate.email]
    invitation = Invitation.objects.get(application=application)
    assert invitation.status == Invitation.Status.SENT
    token = re.search(r"/take/([^/\s]+)/", mailoutbox[0].body).group(1)
    assert invitation.token_hash == token_hash(token)


def test_it_audits_the_invitation_and_moves_the_application_on(
    client, application, alice, instrument_version
):
    _invite(logged_in(client, alice), application)

    invitation = Invitation.objects.get(application=application)
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_CREATED)
    assert (event.actor, event.job, event.object_id) == (
        alice,
        application.job,
        str(invitation.pk),
    )
    application.refresh_from_db()
    assert application.stage == Stage.ASSESSING


@pytest.mark.parametrize(
    "data",
    [
        {**VALID, "extra_time_percent": "500"},
        {**VALID, "extra_time_percent": "-1"},
        {**VALID, "extra_time_percent": "lots"},
        {**VALID, "language": "fr"},
        {**VALID, "expires_in_days": "0"},
        {"language": "en"},
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(
    client, application, alice, instrument_version, data
):
    response = _invite(logged_in(client, alice), application, data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_second_open_invitation_and_says_why(
    client, application, alice, instrument_version
):
    logged_in(client, alice)
    _invite(client, application)

    response = _invite(client, application)

    assert response.status_code == 409
    assert "already has an open invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_it_refuses_to_invite_a_closed_application(
    client, application, alice, instrument_version
):
    type(application).objects.filter(pk=application.pk).update(stage=Stage.REJECTED)

    response = _invite(logged_in(client, alice), application)

    assert response.status_code == 409
    assert not Invitation.objects.exists()
