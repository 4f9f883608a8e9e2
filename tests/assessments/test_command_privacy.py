"""manage.py export_candidate and erase_candidate: the same services, audited."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hiring.models import AuditEvent, Candidate, Stage
from tests.assessments.privacy_support import EMAIL, dossier_create


@pytest.fixture
def dossier(job, alice, dana):
    return dossier_create(job=job, recruiter=alice, interviewer=dana)


def test_it_exports_to_standard_output_and_audits(dossier):
    out = StringIO()

    call_command("export_candidate", str(dossier.candidate.pk), stdout=out)

    document = json.loads(out.getvalue())
    assert document["candidate"]["email"] == EMAIL
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor is None
    assert event.data["via"] == "command"


def test_it_exports_to_a_file(dossier, tmp_path):
    target = tmp_path / "export.json"

    call_command(
        "export_candidate",
        str(dossier.candidate.pk),
        "--output",
        str(target),
        stderr=StringIO(),
    )

    assert json.loads(target.read_text())["candidate"]["id"] == dossier.candidate.pk


def test_it_names_a_missing_candidate(db):
    with pytest.raises(CommandError, match="No candidate with id 424242"):
        call_command("export_candidate", "424242")


def test_it_refuses_to_erase_an_open_application_without_a_reason(dossier):
    with pytest.raises(CommandError, match="still open"):
        call_command("erase_candidate", str(dossier.candidate.pk), "--no-input")

    assert not Candidate.objects.get(pk=dossier.candidate.pk).is_erased


def test_it_erases_with_a_forcing_reason(dossier):
    out = StringIO()

    call_command(
        "erase_candidate",
        str(dossier.candidate.pk),
        "--no-input",
        "--answers",
        "--force-reason",
        "Request by post; the job is on hold.",
        stdout=out,
    )

    assert Candidate.objects.get(pk=dossier.candidate.pk).is_erased
    assert "answers: 3" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.data["trigger"] == "command"
    assert event.data["forced"] is True


def test_it_asks_before_erasing(dossier, monkeypatch):
    type(dossier.application).objects.filter(pk=dossier.application.pk).update(
        stage=Stage.REJECTED
    )
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_candidate", str(dossier.candidate.pk))

    assert not Candidate.objects.get(pk=dossier.candidate.pk).is_erased
