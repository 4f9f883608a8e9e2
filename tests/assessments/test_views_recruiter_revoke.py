"""Revoking an invitation from the application page."""

from assessments.models import Invitation
from hiring.models import AuditEvent
from tests.factories import InvitationFactory
from tests.hiring.support import logged_in


def test_it_revokes_an_open_invitation_and_audits_it(client, application, alice):
    invitation = InvitationFactory(application=application)

    response = logged_in(client, alice).post(
        f"/invitations/{invitation.pk}/revoke/", follow=True
    )

    assert response.redirect_chain == [(f"/applications/{application.pk}/", 302)]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert invitation.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_REVOKED)
    assert (event.actor, event.object_id) == (alice, str(invitation.pk))
    assert "Invitation revoked" in response.content.decode()


def test_it_offers_revoke_only_for_open_invitations(client, application, alice):
    open_one = InvitationFactory(application=application)
    done = InvitationFactory(
        application=application, status=Invitation.Status.SUBMITTED
    )

    page = logged_in(client, alice).get(f"/applications/{application.pk}/")
    html = page.content.decode()

    assert f"/invitations/{open_one.pk}/revoke/" in html
    assert f"/invitations/{done.pk}/revoke/" not in html


def test_it_refuses_to_revoke_a_submitted_questionnaire(client, application, alice):
    invitation = InvitationFactory(
        application=application, status=Invitation.Status.SUBMITTED
    )

    response = logged_in(client, alice).post(f"/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 409
    assert "cannot be revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert not AuditEvent.objects.exists()
