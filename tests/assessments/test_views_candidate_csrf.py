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
