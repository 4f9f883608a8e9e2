"""After inviting, the candidate's token is in no session row and no message.

The link is derived again from the server's key whenever the application page
shows it; nothing about it is kept in ``django_session`` in between.
"""

import json

from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session

from assessments.models import Invitation
from assessments.tokens import invitation_token
from tests.hiring.support import logged_in

VALID = {"language": "en", "extra_time_percent": "0", "expires_in_days": "7"}


def _all_sessions_decoded() -> str:
    return json.dumps([session.get_decoded() for session in Session.objects.all()])


def test_it_keeps_the_token_out_of_sessions_and_messages(
    client, application, alice, instrument_version
):
    logged_in(client, alice)

    response = client.post(f"/applications/{application.pk}/invite/", VALID)

    assert response.status_code == 302
    token = invitation_token(Invitation.objects.get(application=application))
    assert token
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages
    assert all(token not in message for message in messages)
    stored = _all_sessions_decoded()
    assert "_auth_user_id" in stored
    assert token not in stored
    assert not any(token in cookie.value for cookie in client.cookies.values())


def test_it_shows_the_link_from_the_invitation_not_from_the_session(
    client, application, alice, instrument_version
):
    logged_in(client, alice)
    client.post(f"/applications/{application.pk}/invite/", VALID)
    token = invitation_token(Invitation.objects.get(application=application))

    first = client.get(f"/applications/{application.pk}/").content.decode()
    # A new browser session of the same recruiter: no message, same link.
    other = logged_in(type(client)(), alice)
    second = other.get(f"/applications/{application.pk}/").content.decode()

    assert token in first
    assert token in second
    assert token not in _all_sessions_decoded()
