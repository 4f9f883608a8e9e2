"""Staff who open a candidate's link to hand it over may look at it, but cannot
start the questionnaire from their signed-in browser: the consent, and the clock,
are the candidate's."""

from django.urls import reverse

from assessments.models import Invitation
from hiring.models import Candidate
from tests.hiring.support import logged_in


def test_a_signed_in_recruiter_sees_the_landing_page(client, invited, alice):
    _invitation, token = invited
    logged_in(client, alice)

    response = client.get(reverse("take:landing", args=[token]))

    assert response.status_code == 200
    assert "Sales Drive Questionnaire" in response.content.decode()


def test_a_signed_in_recruiter_cannot_consent_and_start_for_the_candidate(
    client, invited, alice
):
    invitation, token = invited
    logged_in(client, alice)

    response = client.post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )

    assert response.status_code == 403
    assert "This link is for the candidate" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.started_at is None
    assert invitation.consented_at is None
    assert invitation.status != Invitation.Status.IN_PROGRESS
    candidate = Candidate.objects.get(pk=invitation.application.candidate_id)
    assert candidate.consent_at is None
    assert "take" not in client.session
