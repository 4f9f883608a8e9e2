"""A scorecard rates an interview that took place: before its start a panelist
may prepare a draft, but submitting is refused and the draft is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Interview, Scorecard
from hiring.errors import Conflict
from tests.assessments.interview_support import form_data, submit
from tests.factories import PanelInterviewFactory
from tests.hiring.support import logged_in


@pytest.fixture
def tomorrow(application, dana, bob):
    return PanelInterviewFactory(
        application=application,
        panel=[dana, bob],
        scheduled_at=timezone.now() + timedelta(days=1),
    )


def test_it_refuses_a_scorecard_before_the_interview_starts(tomorrow, dana):
    with pytest.raises(Conflict) as refused:
        submit(dana, tomorrow, [4] * 6)

    assert refused.value.code == "not_started"
    assert not Scorecard.objects.filter(submitted_at__isnull=False).exists()
    tomorrow.refresh_from_db()
    assert tomorrow.status == Interview.Status.SCHEDULED


def test_it_takes_the_scorecard_once_the_interview_has_started(application, dana, bob):
    started = PanelInterviewFactory(
        application=application,
        panel=[dana, bob],
        scheduled_at=timezone.now() - timedelta(minutes=5),
    )

    version = submit(dana, started, [4] * 6)

    assert version.number == 1


def test_it_keeps_the_draft_and_says_why_on_the_page(client, tomorrow, dana):
    logged_in(client, dana)
    saved = client.post(f"/interviews/{tomorrow.pk}/kit/", form_data([4] * 6))

    refused = client.post(f"/interviews/{tomorrow.pk}/scorecard/", form_data([4] * 6))

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert "The interview has not started yet" in refused.content.decode()
    card = Scorecard.objects.get(interview=tomorrow, interviewer=dana)
    assert card.submitted_at is None
    assert card.draft_ratings["coachability"] == 4
