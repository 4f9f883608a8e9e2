"""The export holds everything about the candidate, and nothing about anyone else."""

import json

import pytest

from assessments.interview_services import interview_aggregate
from assessments.privacy.erasure import candidate_erase
from assessments.privacy.export import SECTIONS, candidate_export
from hiring.models import AuditEvent
from tests.assessments.interview_support import submit
from tests.assessments.privacy_support import (
    APPLICATION_EXTERNAL_ID,
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    PHONE,
    dossier_create,
)
from tests.factories import (
    ApplicationFactory,
    InterviewFactory,
    JobFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    UserFactory,
)

EXPECTED_SECTIONS = {
    "candidate",
    "applications",
    "decisions",
    "invitations",
    "answers",
    "page_timings",
    "results",
    "interviews",
    "scorecards",
    "interview_results",
    "self_identification",
    "hire_outcomes",
    "audit",
}


@pytest.fixture
def dossier(job, alice, dana):
    return dossier_create(job=job, recruiter=alice, interviewer=dana)


@pytest.fixture
def other(db):
    """Another candidate on another job, with the same kinds of rows."""
    recruiter = UserFactory(username="olga")
    interviewer = UserFactory(username="omar")
    return dossier_create(
        job=JobFactory(title="Inside Sales"),
        recruiter=recruiter,
        interviewer=interviewer,
        first_name="Philippa",
        last_name="Other",
        email="p.other@example.com",
        phone="+34 611 000 000",
        external_id="ATS-OTHER-1",
        application_external_id="GH-APP-OTHER-1",
    )


def _export(dossier, actor):
    return json.loads(
        candidate_export(candidate=dossier.candidate, actor=actor, via="test")
    )


def test_it_contains_every_section_with_the_candidates_rows(dossier, alice):
    document = _export(dossier, alice)

    assert set(document) >= EXPECTED_SECTIONS
    assert {section.key for section in SECTIONS} >= EXPECTED_SECTIONS
    assert document["format"] == "criba.candidate-export"
    assert "a person decides" in document["about"]
    assert document["candidate"]["email"] == EMAIL
    assert document["candidate"]["phone"] == PHONE
    assert document["candidate"]["consent_version"] == 1
    assert [a["external_id"] for a in document["applications"]] == [
        APPLICATION_EXTERNAL_ID
    ]
    assert [i["id"] for i in document["invitations"]] == [dossier.invitation.pk]
    assert "token_hash" not in document["invitations"][0]
    assert sorted(a["item"] for a in document["answers"]) == ["di01", "dr01", "dr02"]
    assert document["page_timings"][0]["seconds"] == 41.5
    assert [r["id"] for r in document["results"]] == [dossier.result_id]
    assert document["results"][0]["band"] == "fit"
    assert all("Dana" in i["interviewers"] for i in document["interviews"])
    assert [d["decision"] for d in document["decisions"]] == ["advance"]
    assert document["decisions"][0]["current"] is True
    assert FIRST_NAME in document["decisions"][0]["reason"]
    actions = {entry["action"] for entry in document["audit"]}
    assert {"invitation.sent", "report.viewed", "decision.recorded"} <= actions


def test_it_contains_the_interviews_scorecards_and_results(dossier, alice):
    document = _export(dossier, alice)

    panel = dossier.panel_interview
    schedule = {i["id"]: i for i in document["interviews"]}
    assert len(schedule) == 3
    assert schedule[panel.pk]["rubric"] == "sales-interview"
    assert schedule[panel.pk]["duration_minutes"] == 60
    assert schedule[panel.pk]["interviewers"] == ["Dana", "second-dana"]
    assert any(FIRST_NAME in i["cancel_reason"] for i in schedule.values())
    cards = {c["interviewer"]: c for c in document["scorecards"]}
    assert set(cards) == {"Dana", "second-dana"}
    submitted = cards["Dana"]
    assert submitted["draft"] is None
    assert submitted["current_version"] == 2
    first, amendment = submitted["versions"]
    assert (first["number"], amendment["number"]) == (1, 2)
    assert first["ratings"]["prospecting_discipline"] == 5
    assert (first["ratings"]["coachability"], amendment["ratings"]["coachability"]) == (
        3,
        4,
    )
    assert FIRST_NAME in first["evidence"]["coachability"]
    assert LAST_NAME in first["evidence"]["customer_focus"]
    assert first["recommendation"] == "yes"
    assert first["reason"] == ""
    assert FIRST_NAME in amendment["reason"]
    assert amendment["by"] == "Dana"
    draft = cards["second-dana"]
    assert draft["versions"] == []
    assert draft["submitted_at"] is None
    assert FIRST_NAME in draft["draft"]["notes"]["coachability"]
    assert LAST_NAME in draft["draft"]["summary"]
    [result] = document["interview_results"]
    assert result["id"] == dossier.interview_result_id
    assert result["interview_id"] == panel.pk
    assert result["aggregate"]["panel_size"] == 2


def test_it_holds_nothing_of_other_candidates(dossier, other, alice):
    text = candidate_export(candidate=dossier.candidate, actor=alice, via="test")
    document = json.loads(text)

    assert "p.other@example.com" not in text
    assert "Philippa" not in text
    assert "Inside Sales" not in text
    assert "olga" not in text
    assert "omar" not in text
    assert "second-omar" not in text
    ids = {
        "applications": other.application.pk,
        "invitations": other.invitation.pk,
        "results": other.result_id,
        "interviews": other.panel_interview.pk,
        "interview_results": other.interview_result_id,
    }
    for section, other_id in ids.items():
        assert other_id not in [row["id"] for row in document[section]]
    assert other.invitation.pk not in {a["invitation_id"] for a in document["answers"]}
    assert other.panel_interview.pk not in {
        c["interview_id"] for c in document["scorecards"]
    }
    about_other = {
        ("hiring.application", str(other.application.pk)),
        ("assessments.invitation", str(other.invitation.pk)),
        ("assessments.questionnaireresult", str(other.result_id)),
    }
    found = {(e["object_type"], e["object_id"]) for e in document["audit"]}
    assert not found & about_other


def test_it_audits_each_export(dossier, alice):
    _export(dossier, alice)

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == alice
    assert event.object_type == "hiring.candidate"
    assert event.object_id == str(dossier.candidate.pk)
    assert event.data["via"] == "test"
    # A recruiter's file withholds the self-identification (an administrator's
    # holds it).
    assert set(event.data["sections"]) >= EXPECTED_SECTIONS - {"self_identification"}


def test_it_exports_an_erased_candidate_without_personal_data(dossier, admin_user):
    candidate_erase(
        candidate=dossier.candidate, actor=admin_user, force_reason="Test of export."
    )

    text = candidate_export(candidate=dossier.candidate, actor=admin_user, via="test")

    assert EMAIL not in text
    assert FIRST_NAME not in text
    assert json.loads(text)["candidate"]["erased_at"] is not None


@pytest.mark.parametrize("more_applications", [0, 3])
def test_it_reads_with_a_fixed_number_of_queries(
    dossier, alice, dana, django_assert_num_queries, more_applications
):
    for _ in range(more_applications):
        result = QuestionnaireResultFactory(
            invitation__application=ApplicationFactory(candidate=dossier.candidate)
        )
        InterviewFactory(application=result.invitation.application, interviewers=[dana])
        panel = PanelInterviewFactory(
            application=result.invitation.application, panel=[dana]
        )
        submit(dana, panel, [3, 4, 3, 2, 3, 4])
        interview_aggregate(interview_id=panel.pk)

    # The candidate, one per section (two for decisions, for interviews with
    # their interviewers and for scorecards with their versions; development
    # plans read their goals and check-ins, and hire outcomes their quarters,
    # only when there are some; no self-identification in a recruiter's file),
    # the candidate's result ids (for integrations' reads of them), the audit row
    # and its savepoint, whatever the data.
    with django_assert_num_queries(20):
        document = _export(dossier, alice)

    assert len(document["applications"]) == 1 + more_applications
    assert len(document["scorecards"]) == 2 + more_applications
    assert len(document["interview_results"]) == 1 + more_applications


def test_it_shows_an_integrations_read_with_only_the_candidates_results(
    dossier, other, alice, api_client
):
    client = api_client("results:read")
    page = client.get("/api/v1/results/?page_size=100").json()
    shown = {row["id"] for row in page["results"]}
    assert {dossier.result_id, other.result_id} <= shown
    client.get(f"/api/v1/results/{other.result_id}/")  # theirs only: not in the file

    document = _export(dossier, alice)

    reads = [
        entry
        for entry in document["audit"]
        if entry["action"] == "report.viewed" and entry["data"].get("channel") == "api"
    ]
    assert len(reads) == 1
    assert reads[0]["data"]["results"] == [str(dossier.result_id)]
    assert reads[0]["data"]["api_key"] == client.api_key.prefix
    # The row itself still names both: the log is not rewritten.
    stored = AuditEvent.objects.get(action="report.viewed", object_id="")
    assert str(other.result_id) in stored.data["results"]
