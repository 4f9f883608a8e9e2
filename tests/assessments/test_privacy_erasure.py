"""Erasing a candidate removes every trace of who they were and keeps the scores."""

import json

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from assessments.models import (
    Interview,
    InterviewResult,
    Invitation,
    PageTiming,
    QuestionnaireResult,
    Response,
    Scorecard,
    ScorecardVersion,
)
from assessments.privacy import erasure
from assessments.privacy.erasure import ERASED, candidate_erase
from assessments.reports import questionnaire_report_stub_reads_record
from assessments.services import invitation_create
from hiring.errors import Conflict, Forbidden, Invalid
from hiring.models import Application, AuditEvent, Candidate, Stage
from tests.assessments.privacy_support import (
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    PERSONAL,
    dossier_create,
)
from tests.conftest import service_missing


def _rows_mentioning(values: list[str]) -> list[str]:
    """Every row of every model whose fields contain one of the values."""
    lowered = [v.lower() for v in values]
    found = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values():
            text = json.dumps(row, default=str, ensure_ascii=False).lower()
            for value in lowered:
                if value in text:
                    found.append(f"{model._meta.label} #{row.get('id')}: {value}")
    return found


@pytest.fixture
def closed(job, alice, dana):
    return dossier_create(
        job=job, recruiter=alice, interviewer=dana, stage=Stage.REJECTED
    )


@pytest.fixture
def open_dossier(job, alice, dana):
    return dossier_create(job=job, recruiter=alice, interviewer=dana)


def test_it_leaves_no_personal_value_in_any_row_of_any_model(closed, alice):
    before = _rows_mentioning(PERSONAL)
    assert before, "the dossier should hold the values at first"
    # Among them, what interviewers wrote: a submitted scorecard's evidence.
    assert any(row.startswith("assessments.ScorecardVersion") for row in before)
    assert any(row.startswith("assessments.Scorecard #") for row in before)

    candidate_erase(candidate=closed.candidate, actor=alice)

    assert _rows_mentioning(PERSONAL) == []


def test_it_keeps_answers_and_results_de_identified(closed, alice):
    candidate_erase(candidate=closed.candidate, actor=alice)

    candidate = Candidate.objects.get(pk=closed.candidate.pk)
    assert candidate.is_erased
    assert (candidate.first_name, candidate.last_name, candidate.email) == ("", "", "")
    assert candidate.retention_until is None
    assert candidate.full_name == f"Erased candidate #{candidate.pk}"
    assert Response.objects.filter(invitation=closed.invitation).count() == 3
    assert PageTiming.objects.filter(invitation=closed.invitation).count() == 1
    assert QuestionnaireResult.objects.filter(pk=closed.result_id).exists()
    application = Application.objects.get(pk=closed.application.pk)
    assert application.decision == Application.Decision.REJECT
    assert application.decision_reason == ERASED
    assert application.external_id == ""
    assert set(
        Interview.objects.filter(application=application).values_list(
            "title", flat=True
        )
    ) == {ERASED}


def test_it_erases_what_interviewers_wrote_and_keeps_ratings(closed, alice):
    interview = closed.panel_interview
    versions = list(ScorecardVersion.objects.filter(scorecard__interview=interview))
    result = InterviewResult.objects.get(pk=closed.interview_result_id)

    erasure = candidate_erase(candidate=closed.candidate, actor=alice)

    assert erasure.counts["scorecard_versions"] == 2
    assert erasure.counts["scorecard_drafts"] == 2
    for before in versions:
        after = ScorecardVersion.objects.get(pk=before.pk)
        assert set(after.evidence.values()) == {ERASED}
        assert after.evidence.keys() == before.evidence.keys()
        assert after.summary == ERASED
        assert (after.ratings, after.recommendation) == (
            before.ratings,
            before.recommendation,
        )
        assert (after.number, after.created_by_id, after.created_at) == (
            before.number,
            before.created_by_id,
            before.created_at,
        )
    amendment = ScorecardVersion.objects.get(scorecard__interview=interview, number=2)
    assert amendment.reason == ERASED
    assert amendment.ratings["coachability"] == 4
    for card in Scorecard.objects.filter(interview=interview):
        assert set(card.draft_notes.values()) == {ERASED}
        assert card.draft_summary == ERASED
        assert card.draft_ratings
    draft = Scorecard.objects.get(interview=interview, submitted_at__isnull=True)
    assert set(draft.draft_ratings.values()) == {3}
    # The interview's result stays as computed, identifying nobody.
    kept = InterviewResult.objects.get(pk=result.pk)
    assert (kept.aggregate, kept.score) == (result.aggregate, result.score)
    interviews = Interview.objects.filter(application=closed.application)
    assert set(
        interviews.exclude(cancel_reason="").values_list("cancel_reason", flat=True)
    ) == {ERASED}
    assert ERASED in set(interviews.values_list("location", flat=True))


def test_it_keeps_scorecard_versions_locked_outside_erasure(closed):
    versions = ScorecardVersion.objects.filter(
        scorecard__interview=closed.panel_interview
    )

    with pytest.raises(PermissionError):
        versions.update(evidence={}, ratings={})
    with pytest.raises(PermissionError):
        versions.first().delete()
    with pytest.raises(ValueError, match="marker"):
        versions.erase_free_text(marker="")

    assert all(FIRST_NAME in version.evidence["coachability"] for version in versions)


def test_it_erases_answers_and_results_too_when_asked(closed, alice):
    candidate_erase(candidate=closed.candidate, actor=alice, answers=True)

    assert not Response.objects.filter(invitation=closed.invitation).exists()
    assert not PageTiming.objects.filter(invitation=closed.invitation).exists()
    assert not QuestionnaireResult.objects.filter(pk=closed.result_id).exists()
    # The invitation stays as the record that one was sent and answered.
    assert Invitation.objects.filter(pk=closed.invitation.pk).exists()


def test_it_erases_the_answers_of_an_already_erased_candidate_on_request(closed, alice):
    candidate_erase(candidate=closed.candidate, actor=alice)

    erasure = candidate_erase(candidate=closed.candidate, actor=alice, answers=True)

    assert erasure.answers_erased
    assert not erasure.personal_data_erased
    assert not QuestionnaireResult.objects.filter(pk=closed.result_id).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).count() == 2


def test_it_refuses_to_erase_twice(closed, alice):
    candidate_erase(candidate=closed.candidate, actor=alice)

    with pytest.raises(Conflict, match="already erased"):
        candidate_erase(candidate=closed.candidate, actor=alice)


def test_it_refuses_while_an_application_is_open(open_dossier, alice):
    with pytest.raises(Conflict) as raised:
        candidate_erase(candidate=open_dossier.candidate, actor=alice)

    assert raised.value.code == "application_open"
    candidate = Candidate.objects.get(pk=open_dossier.candidate.pk)
    assert candidate.email == EMAIL
    assert not candidate.is_erased
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).exists()


def test_it_refuses_a_recruiter_who_tries_to_force(open_dossier, alice):
    with pytest.raises(Forbidden):
        candidate_erase(
            candidate=open_dossier.candidate,
            actor=alice,
            force_reason="The candidate asked us by phone.",
        )

    assert Candidate.objects.get(pk=open_dossier.candidate.pk).email == EMAIL


def test_it_lets_an_administrator_force_with_a_reason(open_dossier, admin_user):
    erasure = candidate_erase(
        candidate=open_dossier.candidate,
        actor=admin_user,
        force_reason="Written request received; the job is on hold.",
    )

    assert erasure.forced
    assert Candidate.objects.get(pk=open_dossier.candidate.pk).is_erased
    # Its open link stops working.
    assert Invitation.objects.get(pk=open_dossier.invitation.pk).status in {
        Invitation.Status.SCORED,
        Invitation.Status.REVOKED,
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.data["forced"] is True
    assert event.data["reason"] == "Written request received; the job is on hold."


def test_it_refuses_a_reason_that_names_the_candidate(open_dossier, admin_user):
    with pytest.raises(Invalid) as raised:
        candidate_erase(
            candidate=open_dossier.candidate,
            actor=admin_user,
            force_reason=f"{FIRST_NAME} {LAST_NAME} asked by email",
        )

    assert "reason" in raised.value.fields
    assert not Candidate.objects.get(pk=open_dossier.candidate.pk).is_erased


def test_it_audits_the_erasure_without_personal_data(closed, alice):
    candidate_erase(candidate=closed.candidate, actor=alice, answers=True)

    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.actor == alice
    assert event.object_type == "hiring.candidate"
    assert event.object_id == str(closed.candidate.pk)
    assert event.data["answers_and_results"] is True
    assert event.data["rows"]["answers"] == 3
    text = json.dumps(event.data).lower()
    assert not any(value.lower() in text for value in PERSONAL)


def test_it_redacts_audit_values_but_keeps_the_rows(closed, alice):
    before = AuditEvent.objects.count()

    candidate_erase(candidate=closed.candidate, actor=alice)

    assert AuditEvent.objects.count() == before + 1
    sent = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_SENT)
    assert sent.data == {"to": ERASED}
    decisions = AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED
    ).order_by("id")
    assert [e.data["decision"] for e in decisions] == ["advance", "reject"]
    assert {e.data["reason"] for e in decisions} == {ERASED}


def test_a_numeric_external_id_does_not_erase_the_ids_a_read_listed(
    closed, alice, api_client
):
    result = QuestionnaireResult.objects.get(invitation=closed.invitation)
    # The ATS's id of this candidate happens to be another result's id, which an
    # integration's read listed beside theirs.
    closed.candidate.external_id = "48213"
    closed.candidate.save()
    questionnaire_report_stub_reads_record(
        stubs=[{"id": result.pk, "job_id": None}, {"id": 48213, "job_id": None}],
        api_key=api_client("results:read").api_key,
    )
    read = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_VIEWED, object_id="")

    candidate_erase(candidate=closed.candidate, actor=alice)

    read.refresh_from_db()
    assert read.data["results"] == [str(result.pk), "48213"]
    assert read.data["channel"] == "api"


def test_it_lets_postgresql_accept_only_the_erased_marker(closed):
    if connection.vendor != "postgresql":
        service_missing("the database trigger exists on PostgreSQL only")
    sent = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_SENT)
    update = "UPDATE hiring_auditevent SET data = %s WHERE id = %s"
    refused = [
        (update, ['{"to": "someone@example.org"}', sent.pk]),
        (update, ['{"to": "[erased]", "extra": 1}', sent.pk]),
        (update, ["{}", sent.pk]),
        (
            "UPDATE hiring_auditevent SET data = %s, action = 'x' WHERE id = %s",
            ['{"to": "[erased]"}', sent.pk],
        ),
        ("DELETE FROM hiring_auditevent WHERE id = %s", [sent.pk]),
    ]
    for statement, params in refused:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE hiring_auditevent SET data = %s WHERE id = %s",
            ['{"to": "[erased]"}', sent.pk],
        )
    sent.refresh_from_db()
    assert sent.data == {"to": ERASED}


def test_it_refuses_to_invite_a_forcibly_erased_candidate(open_dossier, admin_user):
    candidate_erase(
        candidate=open_dossier.candidate,
        actor=admin_user,
        force_reason="Written request; the job is on hold.",
    )

    with pytest.raises(Conflict) as raised:
        invitation_create(
            application=open_dossier.application,
            user=admin_user,
            instrument_version=open_dossier.invitation.instrument_version,
        )

    assert raised.value.code == "candidate_erased"


def test_it_writes_nothing_when_a_step_fails(closed, alice, monkeypatch):
    def broken(candidate, personal, answers, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "ERASURE_STEPS", [*erasure.ERASURE_STEPS[:-1], broken])

    with pytest.raises(RuntimeError):
        candidate_erase(candidate=closed.candidate, actor=alice, answers=True)

    # Every earlier step is rolled back with it: nothing is half erased.
    candidate = Candidate.objects.get(pk=closed.candidate.pk)
    assert candidate.email == EMAIL
    assert not candidate.is_erased
    assert AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_SENT).data == {
        "to": EMAIL
    }
    assert Response.objects.filter(invitation=closed.invitation).count() == 3
    assert all(
        FIRST_NAME in version.evidence["coachability"]
        for version in ScorecardVersion.objects.filter(
            scorecard__interview=closed.panel_interview
        )
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).exists()
