"""Fixtures of the candidate-page tests: an invitation, started or not."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.tokens import invitation_token


@pytest.fixture
def scoring_calls(monkeypatch):
    """Records each enqueue of scoring instead of reaching for a broker."""
    calls = []
    monkeypatch.setattr(services, "scoring_enqueue", calls.append)
    return calls


@pytest.fixture
def invited(application, alice, instrument_version):
    """(invitation, token) for the starter questionnaire."""
    invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    return invitation, invitation_token(invitation)


@pytest.fixture
def taking(client, invited):
    """The invitation, started by `client` through the landing page."""
    invitation, token = invited
    client.post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )
    invitation.refresh_from_db()
    return invitation
