"""The private link: looking is harmless, starting trades the token for a session."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Invitation
from assessments.tokens import invitation_token


def landing_url(token: str) -> str:
    return reverse("take:landing", args=[token])


def start(client, token, **data):
    return client.post(landing_url(token), {"language": "en", "consent": "on", **data})


def assert_private(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_it_shows_what_the_questionnaire_is(client, invited):
    _invitation, token = invited
    response = client.get(landing_url(token))
    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert "Account Executive" in page
    assert "Sales Drive Questionnaire" in page
    assert "25 minutes" in page
    assert 'name="consent"' in page
    assert 'type="submit"' in page


def test_it_shows_the_time_with_the_extra_time(client, application, instrument_version):
    _invitation = services.invitation_create(
        application=application,
        user=None,
        instrument_version=instrument_version,
        extra_time_percent=100,
    )
    token = invitation_token(_invitation)
    page = client.get(landing_url(token)).content.decode()
    assert "50 minutes" in page
    assert "25 minutes plus 100 %" in page


def test_it_changes_nothing_on_get(client, invited):
    invitation, token = invited
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    client.get(landing_url(token))
    client.head(landing_url(token))
    assert Invitation.objects.filter(pk=invitation.pk).values().get() == before
    assert "take" not in client.session


def test_it_starts_on_post_and_redirects_to_a_token_free_url(client, invited):
    invitation, token = invited
    response = start(client, token)
    assert response.status_code == 302
    assert_private(response)
    assert response["Location"] == reverse("take:resume")
    assert token not in response["Location"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.IN_PROGRESS
    assert client.session["take"] == {
        "invitation_id": invitation.pk,
        "nonce": invitation.session_nonce,
    }
    follow = client.get(response["Location"])
    assert follow["Location"] == reverse("take:page", kwargs={"number": 1})
    assert token not in follow["Location"]


def test_it_rotates_the_session_key_on_start(client, invited):
    _, token = invited
    session = client.session
    session["before"] = True
    session.save()
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    start(client, token)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != old_key
    assert client.session["before"] is True


def test_it_requires_consent(client, invited):
    invitation, token = invited
    response = client.post(landing_url(token), {"language": "en"})
    assert response.status_code == 400
    assert "Please confirm that you agree before starting." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.started_at is None
    assert invitation.session_nonce == ""
    assert "take" not in client.session


def test_it_refuses_a_language_not_offered(client, invited):
    invitation, token = invited
    response = start(client, token, language="fr")
    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.started_at is None


def test_it_offers_the_invitation_language_first(
    client, application, alice, instrument_version
):
    application.candidate.preferred_language = "es"
    application.candidate.save()
    _invitation = services.invitation_create(application=application, user=alice)
    token = invitation_token(_invitation)
    response = client.get(landing_url(token))
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert response["Content-Language"] == "es"
    chosen = re.search(r'<input[^>]*name="language"[^>]*>', page).group(0)
    assert 'type="hidden"' in chosen
    assert 'value="es"' in chosen


def test_it_shows_the_landing_in_another_language_on_request(client, invited):
    _, token = invited
    page = client.get(landing_url(token) + "?lang=es").content.decode()
    assert '<html lang="es">' in page
    # An unknown language falls back to the invitation's.
    page = client.get(landing_url(token) + "?lang=xx").content.decode()
    assert '<html lang="en">' in page


def test_it_takes_the_questionnaire_in_the_chosen_language(client, invited):
    invitation, token = invited
    start(client, token, language="es")
    invitation.refresh_from_db()
    assert invitation.language == "es"
    response = client.get(reverse("take:page", kwargs={"number": 1}))
    assert '<html lang="es">' in response.content.decode()
    assert "Totalmente de acuerdo" in response.content.decode()


@pytest.mark.parametrize(
    "token", ["x" * 43, "short", "a-token-that-is-long-enough-but-unknown-0000"]
)
def test_it_says_an_unknown_link_does_not_work(client, invited, token):
    response = client.get(landing_url(token))
    assert response.status_code == 404
    assert_private(response)
    assert "This link does not work" in response.content.decode()


def test_it_says_a_tampered_link_does_not_work(client, invited):
    _, token = invited
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(landing_url(tampered)).status_code == 404
    assert start(client, tampered).status_code == 404
    assert "take" not in client.session


def test_it_says_an_expired_link_has_expired(client, invited):
    invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    for response in (client.get(landing_url(token)), start(client, token)):
        assert response.status_code == 410
        assert_private(response)
        assert "This link has expired" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.started_at is None


def test_it_says_a_revoked_invitation_was_withdrawn(client, invited, alice):
    invitation, token = invited
    services.invitation_revoke(invitation=invitation, user=alice)
    response = client.get(landing_url(token))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    assert start(client, token).status_code == 410


def test_it_says_a_submitted_questionnaire_was_submitted(client, invited, monkeypatch):
    monkeypatch.setattr(services, "scoring_enqueue", lambda invitation_id: True)
    invitation, token = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    services.submission_submit(invitation=invitation)
    response = client.get(landing_url(token))
    assert response.status_code == 409
    assert "Your answers were already submitted" in response.content.decode()
    assert start(client, token).status_code == 409


def test_it_offers_to_continue_a_started_attempt(client, invited):
    _invitation, token = invited
    start(client, token)
    page = Client().get(landing_url(token)).content.decode()
    assert "You have already started" in page
    assert "Continue" in page


def test_it_loads_only_nonced_scripts_and_no_inline_styles(client, invited):
    _, token = invited
    start(client, token)
    response = client.get(reverse("take:page", kwargs={"number": 1}))
    page = response.content.decode()
    assert "/static/take.js" in page
    assert "/static/take.css" in page
    assert 'style="' not in page
    assert "<style" not in page
    assert " on" + "change=" not in page
    nonce = response.context["csp_nonce"]
    assert f'nonce="{nonce}"' in page
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("dead", ["expired", "revoked", "submitted"])
def test_it_says_a_link_is_dead_in_the_invitation_language_not_the_browser(
    client, application, alice, instrument_version, monkeypatch, dead
):
    monkeypatch.setattr(services, "scoring_enqueue", lambda invitation_id: True)
    invitation = services.invitation_create(
        application=application, user=alice, language="es"
    )
    token = invitation_token(invitation)
    if dead == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif dead == "revoked":
        services.invitation_revoke(invitation=invitation, user=alice)
    else:
        services.taking_start(invitation=invitation, language="es", consent=True)
        services.submission_submit(invitation=invitation)
    headings = {
        "expired": "Este enlace ha vencido",
        "revoked": "Esta invitación fue retirada",
        "submitted": "Sus respuestas ya fueron enviadas",
    }

    response = client.get(landing_url(token), HTTP_ACCEPT_LANGUAGE="en-US,en")

    page = response.content.decode()
    assert '<html lang="es">' in page
    assert response["Content-Language"] == "es"
    assert headings[dead] in page


def test_it_says_an_unknown_link_does_not_work_in_the_browser_language(client, db):
    response = client.get(landing_url("x" * 43), HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 404
    assert '<html lang="es">' in response.content.decode()


def test_it_says_the_time_ran_out_when_the_link_is_opened_after(
    client, invited, monkeypatch
):
    monkeypatch.setattr(services, "scoring_enqueue", lambda invitation_id: True)
    invitation, token = invited
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    Invitation.objects.filter(pk=invitation.pk).update(
        deadline_at=timezone.now() - timedelta(minutes=5)
    )
    services.attempts_close_timed_out()

    response = client.get(landing_url(token))

    assert response.status_code == 409
    assert_private(response)
    page = response.content.decode()
    assert "Time is up" in page
    assert "The answers saved before the time ran out were submitted." in page
    assert "Your answers were already submitted" not in page
