"""Fixtures of the candidate-page tests: an invitation, started or not."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.tokens import invitation_token
from hiring.models import Stage
from tests.assessments.interview_support import submit
from tests.factories import JobMemberFactory, PanelInterviewFactory, UserFactory


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


@pytest.fixture
def debriefed(application, job, django_capture_on_commit_callbacks):
    """An interviewing application's interview whose two panelists (dana, erin)
    have both submitted: its debrief is ready for a decision."""
    panel = []
    for name in ("dana", "erin"):
        user = UserFactory(username=name)
        JobMemberFactory(job=job, user=user, role="interviewer")
        panel.append(user)
    interview = PanelInterviewFactory(application=application, panel=panel)
    for user in panel:
        submit(
            user,
            interview,
            [4, 4, 4, 4, 4, 4],
            capture=django_capture_on_commit_callbacks,
        )
    application.stage = Stage.INTERVIEWING
    application.save()
    return interview
