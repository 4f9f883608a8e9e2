"""Revoking an invitation from the application page: the button opens a page
that says the link stops working and asks; only the POST it sends revokes."""

from assessments.models import Invitation
from hiring.models import AuditEvent
from tests.factories import InvitationFactory
from tests.hiring.support import logged_in


def test_it_revokes_an_open_invitation_once_confirmed_and_audits_it(
    client, application, alice
):
    invitation = InvitationFactory(application=application)

    response = logged_in(client, alice).post(
        f"/invitations/{invitation.pk}/revoke/", {"confirm": "yes"}, follow=True
    )

    assert response.redirect_chain == [(f"/applications/{application.pk}/", 302)]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert invitation.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_REVOKED)
    assert (event.actor, event.object_id) == (alice, str(invitation.pk))
    assert "Invitation revoked" in response.content.decode()


def test_it_asks_first_on_a_page_a_get_never_changes(client, application, alice):
    invitation = InvitationFactory(application=application)

    page = logged_in(client, alice).get(f"/invitations/{invitation.pk}/revoke/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "stops working at once" in html
    assert application.candidate.full_name in html
    # One form, with its CSRF token, posting the confirmation to this address;
    # a link back keeps the invitation.
    assert html.count("<form") == html.count('method="post"') >= 1
    assert f'action="/invitations/{invitation.pk}/revoke/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="confirm" value="yes"' in html
    assert (
        '<button type="submit" class="button button-danger" id="confirm-revoke"' in html
    )
    assert f'href="/applications/{application.pk}/"' in html
    invitation.refresh_from_db()
    assert invitation.is_open
    assert invitation.revoked_at is None
    assert not AuditEvent.objects.exists()


def test_it_asks_again_for_a_post_without_the_confirmation(client, application, alice):
    """A form sent from a page older than the confirmation step revokes nothing."""
    invitation = InvitationFactory(application=application)

    response = logged_in(client, alice).post(f"/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 200
    assert 'id="confirm-revoke"' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.is_open
    assert invitation.revoked_at is None
    assert not AuditEvent.objects.exists()


def test_it_links_the_application_page_to_the_confirmation(client, application, alice):
    open_one = InvitationFactory(application=application)
    done = InvitationFactory(
        application=application, status=Invitation.Status.SUBMITTED
    )

    page = logged_in(client, alice).get(f"/applications/{application.pk}/")
    html = page.content.decode()

    assert f'href="/invitations/{open_one.pk}/revoke/"' in html
    assert f"/invitations/{done.pk}/revoke/" not in html


def test_it_asks_nothing_about_a_submitted_questionnaire(client, application, alice):
    invitation = InvitationFactory(
        application=application, status=Invitation.Status.SUBMITTED
    )

    page = logged_in(client, alice).get(f"/invitations/{invitation.pk}/revoke/")

    assert page.status_code == 302
    assert page["Location"] == f"/applications/{application.pk}/"


def test_it_refuses_to_revoke_a_submitted_questionnaire(client, application, alice):
    invitation = InvitationFactory(
        application=application, status=Invitation.Status.SUBMITTED
    )

    response = logged_in(client, alice).post(
        f"/invitations/{invitation.pk}/revoke/", {"confirm": "yes"}
    )

    assert response.status_code == 409
    assert "cannot be revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert not AuditEvent.objects.exists()


def test_it_shows_the_confirmation_only_to_those_who_may_invite(
    client, application, bob, dana, charlie
):
    invitation = InvitationFactory(application=application)
    url = f"/invitations/{invitation.pk}/revoke/"

    statuses = [logged_in(client, user).get(url).status_code for user in (bob, dana)]
    foreign = logged_in(client, charlie).get(url).status_code

    assert statuses == [403, 403]
    assert foreign == 404
