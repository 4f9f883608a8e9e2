"""Scorecards: drafts, submission rules, locking, amendments with history."""

import pytest

from assessments import interview_services as services
from assessments.interview_selectors import interview_access
from assessments.models import Interview, ScorecardVersion
from hiring.errors import Conflict, Invalid
from hiring.models import OutboxEvent
from tests.assessments.interview_support import KEYS, scorecard_input, submit
from tests.factories import PanelInterviewFactory


@pytest.fixture
def interview(application, dana, bob):
    return PanelInterviewFactory(application=application, panel=[dana, bob])


def _access(user, interview):
    return interview_access(user=user, interview_id=interview.pk)


def test_it_requires_evidence_for_ratings_of_1_and_5(interview, dana):
    card = scorecard_input([1, 5, 3, 3, 3, 3], notes={})

    with pytest.raises(Invalid) as caught:
        services.scorecard_submit(access=_access(dana, interview), scorecard=card)

    assert set(caught.value.fields) == {
        "notes-prospecting_discipline",
        "notes-motivation_goals",
    }
    assert not ScorecardVersion.objects.exists()


def test_it_requires_every_competency_and_a_recommendation(interview, dana):
    card = services.ScorecardInput(
        ratings={"coachability": None}, notes={}, recommendation=""
    )

    with pytest.raises(Invalid) as caught:
        services.scorecard_submit(access=_access(dana, interview), scorecard=card)

    assert "rating-coachability" not in caught.value.fields
    assert "rating-accountability" in caught.value.fields
    assert "recommendation" in caught.value.fields


def test_it_accepts_no_decision_without_evidence(interview, dana):
    card = scorecard_input([None, 3, 3, 3, 3, 3], notes={})

    version = services.scorecard_submit(access=_access(dana, interview), scorecard=card)

    assert version.ratings["prospecting_discipline"] is None
    assert version.number == 1


def test_it_locks_the_scorecard_on_submit(interview, dana):
    submit(dana, interview, [3, 3, 3, 3, 3, 3])

    with pytest.raises(Conflict):
        services.scorecard_draft_save(
            access=_access(dana, interview), scorecard=scorecard_input([4] * 6)
        )
    with pytest.raises(Conflict):
        submit(dana, interview, [4] * 6)
    assert ScorecardVersion.objects.get().ratings["coachability"] == 3


def test_it_keeps_every_version_of_an_amended_scorecard(interview, dana):
    submit(dana, interview, [3, 3, 3, 3, 3, 3])

    services.scorecard_amend(
        access=_access(dana, interview),
        scorecard=scorecard_input([3, 3, 4, 3, 3, 3], "strong_yes"),
        reason="Re-read my notes on the feedback question.",
    )

    first, second = ScorecardVersion.objects.order_by("number")
    assert (first.number, first.ratings["coachability"], first.reason) == (1, 3, "")
    assert (second.number, second.ratings["coachability"]) == (2, 4)
    assert second.reason == "Re-read my notes on the feedback question."
    assert second.recommendation == "strong_yes"


def test_it_refuses_an_amendment_without_a_reason(interview, dana):
    submit(dana, interview, [3] * 6)

    with pytest.raises(Invalid) as caught:
        services.scorecard_amend(
            access=_access(dana, interview),
            scorecard=scorecard_input([4] * 6),
            reason="  ",
        )

    assert "reason" in caught.value.fields
    assert ScorecardVersion.objects.count() == 1


def test_it_never_changes_or_deletes_a_locked_version(interview, dana):
    version = submit(dana, interview, [3] * 6)
    version.ratings = dict.fromkeys(KEYS, 5)

    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    assert ScorecardVersion.objects.get().ratings["coachability"] == 3


def test_it_records_scorecard_submitted_and_moves_the_interview_on(interview, dana):
    submit(dana, interview, [3] * 6, "no")

    interview.refresh_from_db()
    event = OutboxEvent.objects.get(type="scorecard.submitted")
    assert interview.status == Interview.Status.COLLECTING
    assert event.payload["data"]["interview_id"] == interview.pk
    assert event.payload["data"]["version"] == 1
    assert event.payload["data"]["recommendation"] == "no"


def test_it_refuses_scorecards_on_a_cancelled_interview(interview, dana, alice):
    services.interview_cancel(access=_access(alice, interview), reason="Withdrew.")

    with pytest.raises(Conflict):
        submit(dana, interview, [3] * 6)


def test_it_saves_drafts_as_they_are_typed(interview, dana):
    card = services.ScorecardInput(
        ratings={"coachability": 4},
        notes={"coachability": "Asked for"},
        recommendation="",
    )

    saved = services.scorecard_draft_save(
        access=_access(dana, interview), scorecard=card
    )

    assert saved.draft_ratings == {"coachability": 4}
    assert saved.draft_notes == {"coachability": "Asked for"}
    assert saved.submitted_at is None
