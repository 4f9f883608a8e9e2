"""Self-identification is the candidate's own data: in their export, gone with
their erasure, and nowhere a person deciding on them looks."""

import json

import pytest

from assessments.privacy.erasure import candidate_erase
from assessments.privacy.export import candidate_export
from hiring.models import AuditEvent, SelfIdentification
from hiring.self_identification import self_identification_record
from tests.factories import ApplicationFactory, QuestionnaireResultFactory
from tests.hiring.support import logged_in


@pytest.fixture
def answered(job, settings):
    settings.CRIBA_SELF_ID_ETHNICITY = True
    result = QuestionnaireResultFactory(invitation__application__job=job)
    application = result.invitation.application
    self_identification_record(
        candidate=application.candidate,
        gender="non_binary",
        age_band="55_plus",
        ethnicity="pacific",
    )
    return application


@pytest.mark.parametrize("actor", ["admin_user", None])
def test_it_is_in_the_complete_export_of_an_administrator_or_the_command(
    answered, actor, request
):
    actor = request.getfixturevalue(actor) if actor else None
    document = json.loads(
        candidate_export(candidate=answered.candidate, actor=actor, via="test")
    )

    section = document["self_identification"]
    assert (section["gender"], section["age_band"], section["ethnicity"]) == (
        "non_binary",
        "55_plus",
        "pacific",
    )
    actions = {entry["action"] for entry in document["audit"]}
    assert "self_identification.recorded" in actions


def test_it_is_withheld_from_the_file_a_recruiter_makes(answered, alice):
    text = candidate_export(candidate=answered.candidate, actor=alice, via="test")

    assert "non_binary" not in text
    document = json.loads(text)
    assert set(document["self_identification"]) == {"withheld"}
    assert "administrator" in document["self_identification"]["withheld"]
    entry = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).last()
    assert "self_identification" not in entry.data["sections"]
    assert "answers" in entry.data["sections"]


def test_it_is_empty_in_the_export_of_a_candidate_who_did_not_answer(admin_user, job):
    application = ApplicationFactory(job=job)

    document = json.loads(
        candidate_export(candidate=application.candidate, actor=admin_user, via="test")
    )

    assert document["self_identification"] is None


def test_it_is_deleted_on_erasure(answered, admin_user):
    answered.stage = "rejected"
    answered.save()

    erasure = candidate_erase(candidate=answered.candidate, actor=admin_user)

    assert erasure.counts["self_identification"] == 1
    assert SelfIdentification.objects.count() == 0
    # The audit rows stay, and never held a value.
    event = AuditEvent.objects.get(action="self_identification.recorded")
    assert event.data == {"change": "created"}


@pytest.mark.parametrize("person", ["alice", "bob", "admin_user"])
def test_it_is_not_on_the_pages_of_anyone_deciding(client, request, answered, person):
    user = request.getfixturevalue(person)
    logged_in(client, user)

    result = answered.invitations.get().results.get()
    for url in (
        f"/applications/{answered.pk}/",
        f"/jobs/{answered.job_id}/",
        f"/candidates/{answered.candidate_id}/privacy/",
        f"/results/{result.pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 403), url
        page = response.content.decode()
        for shown in ("Non-binary", "55 or older", "Pacific Islander", "non_binary"):
            assert shown not in page, (url, shown)


def test_it_is_not_in_the_api(client, db):
    schema = client.get("/api/v1/schema/?format=json").content.decode()

    assert "self_identification" not in schema
    assert "age_band" not in schema
    assert "ethnicity" not in schema
