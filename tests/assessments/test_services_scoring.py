"""Scoring a submitted questionnaire stores one current result, once."""

import random

import pytest

from assessments import services
from assessments.models import Invitation, QuestionnaireResult
from assessments.results.store import results_compute_and_store
from hiring.models import OutboxEvent


def _complete(invitation, *, answer=None, seed=7):
    rng = random.Random(seed)
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    definition = invitation.instrument_version.definition
    expected = {i["key"]: i["expected"] for i in definition["instructed"]}
    for page, keys in enumerate(services.taking_pages(invitation)):
        answers = {
            key: expected.get(key, answer if answer else rng.randint(2, 5))
            for key in keys
        }
        services.answers_save(invitation=invitation, page=page, answers=answers)
    assert services.submission_submit(invitation=invitation)
    invitation.refresh_from_db()
    return invitation


@pytest.fixture
def submitted(application, alice, instrument_version, monkeypatch):
    monkeypatch.setattr(services, "scoring_enqueue", lambda pk: True)
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    return _complete(invitation)


def test_it_scores_a_submission_into_one_current_result(submitted):
    [result] = results_compute_and_store(invitation_ids=[submitted.pk])

    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SCORED
    assert result.is_current
    assert set(result.scales) == {
        "self_discipline",
        "achievement_drive",
        "coachability",
        "resilience_to_rejection",
        "negativity_blame",
    }
    for figures in result.scales.values():
        assert figures["missing"] is False
        assert figures["t_low"] < figures["t"] < figures["t_high"]
    assert result.norm_set.is_provisional
    assert result.validity_status in {"valid", "questionable", "invalid"}
    assert result.composite is not None
    assert result.band
    assert OutboxEvent.objects.filter(type="assessment.scored").count() == 1


def test_it_writes_nothing_more_when_scored_twice(submitted):
    first = results_compute_and_store(invitation_ids=[submitted.pk])
    second = results_compute_and_store(invitation_ids=[submitted.pk])

    assert [r.pk for r in first] == [r.pk for r in second]
    assert QuestionnaireResult.objects.count() == 1
    assert OutboxEvent.objects.filter(type="assessment.scored").count() == 1


def test_it_ignores_invitations_not_yet_submitted(
    application, alice, instrument_version
):
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    assert results_compute_and_store(invitation_ids=[invitation.pk]) == []
    assert not QuestionnaireResult.objects.exists()


def test_it_flags_a_straight_liner(application, alice, instrument_version, monkeypatch):
    monkeypatch.setattr(services, "scoring_enqueue", lambda pk: True)
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    invitation = _complete(invitation, answer=3)

    [result] = results_compute_and_store(invitation_ids=[invitation.pk])

    assert result.validity_status != "valid"
    flagged = {name for name, index in result.validity.items() if index["flag"]}
    assert flagged, result.validity


def test_it_scores_through_the_task_entry_point(submitted):
    result = services.questionnaire_score(invitation_id=submitted.pk)
    assert result.invitation_id == submitted.pk
