"""The kit and the scorecard pages: autosaved drafts, submit, amend, errors."""

import pytest

from assessments.models import Scorecard, ScorecardVersion
from tests.assessments.interview_support import form_data
from tests.factories import PanelInterviewFactory
from tests.hiring.support import logged_in


@pytest.fixture
def interview(application, dana, bob):
    return PanelInterviewFactory(application=application, panel=[dana, bob])


def test_it_shows_the_questions_and_the_anchors_beside_each_rating(
    client, interview, dana
):
    page = logged_in(client, dana).get(f"/interviews/{interview.pk}/kit/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Walk me through how you organised your prospecting" in html
    assert "Prospects only when the pipeline runs dry" in html  # anchor 1
    assert html.count('name="rating-coachability"') == 6  # 1..5 and no decision
    assert 'name="notes-coachability"' in html


def test_it_autosaves_the_draft_and_answers_json(client, interview, dana):
    response = logged_in(client, dana).post(
        f"/interviews/{interview.pk}/kit/",
        {"rating-coachability": "4", "notes-coachability": "Asked for feedback"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200
    assert "saved_at" in response.json()
    card = Scorecard.objects.get()
    assert card.draft_ratings == {"coachability": 4}
    assert card.draft_notes == {"coachability": "Asked for feedback"}


def test_it_refuses_a_rating_off_the_scale_naming_the_field(client, interview, dana):
    response = logged_in(client, dana).post(
        f"/interviews/{interview.pk}/kit/",
        {"rating-coachability": "9"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert "rating-coachability" in response.json()["errors"]
    assert not Scorecard.objects.exists()


def test_it_submits_and_then_shows_the_locked_version(client, interview, dana):
    logged_in(client, dana)
    response = client.post(
        f"/interviews/{interview.pk}/scorecard/", form_data([4, 4, 5, 3, 3, None])
    )

    assert response.status_code == 302
    page = client.get(f"/interviews/{interview.pk}/scorecard/").content.decode()
    assert "Submitted (version 1)" in page
    assert "Record an amendment" in page
    assert ScorecardVersion.objects.get().ratings["customer_focus"] is None


def test_it_explains_a_missing_evidence_note_on_the_form(client, interview, dana):
    response = logged_in(client, dana).post(
        f"/interviews/{interview.pk}/scorecard/",
        form_data([5, 3, 3, 3, 3, 3], notes=""),
    )

    assert response.status_code == 400
    assert "needs the evidence behind it" in response.content.decode()
    assert not ScorecardVersion.objects.exists()


def test_it_records_an_amendment_and_shows_both_versions(client, interview, dana):
    logged_in(client, dana)
    client.post(f"/interviews/{interview.pk}/scorecard/", form_data([3] * 6))

    response = client.post(
        f"/interviews/{interview.pk}/scorecard/",
        form_data([4] * 6, reason="Confused two candidates' notes."),
    )

    assert response.status_code == 302
    page = client.get(f"/interviews/{interview.pk}/scorecard/").content.decode()
    assert "Amendment (version 2)" in page
    assert "Submitted (version 1)" in page
    assert "Confused two candidates" in page


def test_it_refuses_an_amendment_without_a_reason_on_the_page(client, interview, dana):
    logged_in(client, dana)
    client.post(f"/interviews/{interview.pk}/scorecard/", form_data([3] * 6))

    response = client.post(f"/interviews/{interview.pk}/scorecard/", form_data([4] * 6))

    assert response.status_code == 400
    assert ScorecardVersion.objects.count() == 1


def test_it_redirects_the_kit_to_the_scorecard_once_submitted(client, interview, dana):
    logged_in(client, dana)
    client.post(f"/interviews/{interview.pk}/scorecard/", form_data([3] * 6))

    response = client.get(f"/interviews/{interview.pk}/kit/")

    assert response.status_code == 302
    assert response["Location"].endswith(f"/interviews/{interview.pk}/scorecard/")


def test_it_explains_that_an_interview_without_a_rubric_has_no_kit(
    client, application, dana
):
    legacy = PanelInterviewFactory(
        application=application, panel=[dana], rubric_version=None
    )

    response = logged_in(client, dana).get(f"/interviews/{legacy.pk}/kit/")

    assert response.status_code == 409
    assert "without a rubric" in response.content.decode()
