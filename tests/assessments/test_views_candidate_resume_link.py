"""Reopening the link after starting leads back to where the candidate stopped:
no consent asked again, the time left shown, the language kept."""

import re

from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Invitation


def landing_url(token: str) -> str:
    return reverse("take:landing", args=[token])


def test_it_sends_the_browser_that_holds_the_session_straight_back(client, invited):
    invitation, token = invited
    client.post(landing_url(token), {"language": "en", "consent": "on"})
    invitation.refresh_from_db()
    nonce = invitation.session_nonce

    response = client.get(landing_url(token))

    assert response.status_code == 302
    assert response["Location"] == reverse("take:resume")
    invitation.refresh_from_db()
    assert invitation.session_nonce == nonce


def test_it_asks_another_browser_only_to_continue_with_the_time_left(client, invited):
    _invitation, token = invited
    client.post(landing_url(token), {"language": "en", "consent": "on"})
    other = Client()

    page = other.get(landing_url(token)).content.decode()

    assert "Continue where you stopped" in page
    assert "Time left:" in page
    assert re.search(r'datetime="PT(\d+)S">\d+:\d\d<', page)
    assert 'name="consent"' not in page
    assert 'name="language"' not in page
    assert "take-languages" not in page


def test_it_continues_without_consent_and_keeps_the_session_elsewhere_out(
    client, invited
):
    invitation, token = invited
    client.post(landing_url(token), {"language": "en", "consent": "on"})
    invitation.refresh_from_db()
    started_at, deadline_at = invitation.started_at, invitation.deadline_at
    other = Client()

    response = other.post(landing_url(token), {})

    assert response.status_code == 302
    assert response["Location"] == reverse("take:resume")
    invitation.refresh_from_db()
    assert invitation.started_at == started_at
    assert invitation.deadline_at == deadline_at
    assert other.session["take"]["nonce"] == invitation.session_nonce
    assert client.get(reverse("take:page", kwargs={"number": 1})).status_code == 409


def test_it_keeps_the_language_the_attempt_started_in(client, invited):
    invitation, token = invited
    client.post(landing_url(token), {"language": "es", "consent": "on"})

    other = Client()
    looked = other.get(landing_url(token) + "?lang=en")
    other.post(landing_url(token), {"language": "en", "consent": "on"})

    assert '<html lang="es">' in looked.content.decode()
    invitation.refresh_from_db()
    assert invitation.language == "es"
    page = other.get(reverse("take:page", kwargs={"number": 1})).content.decode()
    assert '<html lang="es">' in page


def test_it_keeps_the_language_in_the_service_too(invited):
    invitation, _token = invited
    services.taking_start(invitation=invitation, language="es", consent=True)

    services.taking_start(invitation=invitation, language="en")

    invitation.refresh_from_db()
    assert invitation.language == "es"
    assert invitation.status == Invitation.Status.IN_PROGRESS


def test_it_asks_for_the_language_once_before_the_start(client, invited):
    _invitation, token = invited

    page = client.get(landing_url(token)).content.decode()

    assert page.count('name="language"') == 1
    assert 'type="radio"' not in page
    assert "Once you start, the language cannot be changed." in page
    assert 'hreflang="es"' in page
