"""Candidate forms stay protected against forgery under Referrer-Policy: no-referrer.

A browser posts such a page's forms with ``Origin: null`` and no Referer; it still
tells the server where the post came from in ``Sec-Fetch-Site``.
"""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Invitation
from assessments.tokens import invitation_token


@pytest.fixture
def invited(application, alice, instrument_version):
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    return invitation, invitation_token(invitation)


def _post_start(client, token, *, secure, **headers):
    landing = reverse("take:landing", args=[token])
    client.get(landing, secure=secure)
    csrf = client.cookies["csrftoken"].value
    return client.post(
        landing,
        {"language": "en", "consent": "on", "csrfmiddlewaretoken": csrf},
        secure=secure,
        headers=headers,
    )


@pytest.mark.parametrize("secure", [False, True])
def test_it_accepts_a_same_origin_post_with_a_null_origin(invited, secure):
    invitation, token = invited
    client = Client(enforce_csrf_checks=True)

    response = _post_start(
        client, token, secure=secure, Origin="null", **{"Sec-Fetch-Site": "same-origin"}
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.IN_PROGRESS


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_it_refuses_a_null_origin_post_from_elsewhere(invited, site):
    invitation, token = invited
    client = Client(enforce_csrf_checks=True)

    response = _post_start(
        client, token, secure=True, Origin="null", **{"Sec-Fetch-Site": site}
    )

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status != Invitation.Status.IN_PROGRESS


def test_it_still_needs_the_token(invited):
    invitation, token = invited
    client = Client(enforce_csrf_checks=True)
    landing = reverse("take:landing", args=[token])
    client.get(landing)

    response = client.post(
        landing,
        {"language": "en", "consent": "on"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.started_at is None


def test_it_keeps_a_second_tabs_form_valid_across_the_token_exchange(invited):
    """The CSRF token is not rotated at the exchange: a tab opened on the link
    before another tab pressed Start or Continue keeps working.

    Rotating (as Django does at sign-in) would guard against a token planted in
    the browser before the exchange; here a forged post is refused anyway, by the
    Origin check and by the session cookie's SameSite=Lax, and the planted-cookie
    attacker could plant another one after any rotation.
    """
    invitation, token = invited
    browser = Client(enforce_csrf_checks=True)
    landing = reverse("take:landing", args=[token])
    browser.get(landing)
    csrf = browser.cookies["csrftoken"].value  # what both tabs' forms carry
    same_origin = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}

    first = browser.post(
        landing,
        {"language": "en", "consent": "on", "csrfmiddlewaretoken": csrf},
        headers=same_origin,
    )
    second = browser.post(
        landing, {"csrfmiddlewaretoken": csrf}, headers=same_origin
    )  # the other tab's Continue
    key = services.taking_pages(invitation)[0][0]
    saved = browser.post(
        reverse("take:autosave"),
        {"page": 1, "answers": {key: 3}},
        content_type="application/json",
        headers={**same_origin, "X-CSRFToken": csrf},
    )

    assert (first.status_code, second.status_code) == (302, 302)
    assert saved.status_code == 200, saved.content
