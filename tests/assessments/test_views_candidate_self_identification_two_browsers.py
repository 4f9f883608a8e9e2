"""The link opened in two browsers: only the window that took the questionnaire to
the end is asked the optional questions about the candidate. The other window
(left on a shared computer, say) neither sees the form nor can post answers in
the candidate's name."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Invitation
from hiring.models import SelfIdentification

DONE = reverse("take:done")
ANSWER = reverse("take:self_identify")


@pytest.fixture
def two_browsers(invited, scoring_calls):
    """(first, second): both started the link; the second, started later, holds
    the attempt and submits it."""
    invitation, token = invited
    first, second = Client(), Client()
    for browser in (first, second):
        browser.post(
            reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
        )
    assert second.post(reverse("take:submit")).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    return first, second


def test_the_window_that_submitted_is_asked(two_browsers):
    _first, second = two_browsers

    assert 'name="gender"' in second.get(DONE).content.decode()
    response = second.post(ANSWER, {"gender": "woman", "age_band": "25_34"})

    assert response.status_code == 302
    assert SelfIdentification.objects.get().gender == "woman"


def test_the_window_left_behind_is_not_asked(two_browsers):
    first, _second = two_browsers

    response = first.get(DONE)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="gender"' not in page
    assert 'action="/take/session/about-you/"' not in page


def test_the_window_left_behind_cannot_answer_for_the_candidate(two_browsers):
    first, second = two_browsers
    second.post(ANSWER, {"gender": "woman", "age_band": "25_34"})

    response = first.post(ANSWER, {"gender": "man", "age_band": "55_plus"})

    assert response.status_code == 409
    row = SelfIdentification.objects.get()
    assert (row.gender, row.age_band) == ("woman", "25_34")
    response = first.post(ANSWER, {"action": "skip"})
    assert response.status_code == 409


def test_the_window_still_open_when_the_time_ran_out_is_asked(client, taking):
    # Closed by the sweeper with no page open: the candidate's window comes back.
    Invitation.objects.filter(pk=taking.pk).update(
        deadline_at=timezone.now() - timedelta(minutes=5)
    )
    assert services.attempts_close_timed_out() == 1

    assert 'name="gender"' in client.get(DONE).content.decode()
    response = client.post(ANSWER, {"gender": "woman", "age_band": "25_34"})

    assert response.status_code == 302
    assert SelfIdentification.objects.count() == 1
