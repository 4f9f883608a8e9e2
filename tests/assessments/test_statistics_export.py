"""The item-level export for researchers."""

import csv
import io
import json

import numpy as np
import pytest

from assessments.definitions import all_item_keys
from assessments.results.store import results_compute_and_store
from assessments.statistics.export import responses_export
from hiring.models import AuditEvent
from tests.factories import latent_answers, submissions_create


@pytest.fixture
def exported(instrument_version):
    definition = instrument_version.definition
    answers = latent_answers(definition, 3, seed=1)
    answers[1, 0] = np.nan
    ids = submissions_create(instrument_version, 3, answers=answers)
    results_compute_and_store(invitation_ids=ids[:2])
    submissions_create(instrument_version, 1, status="in_progress")
    return ids, answers


def test_it_writes_one_csv_row_per_submission_in_definition_order(
    instrument_version, exported
):
    ids, answers = exported
    out = io.StringIO()

    count = responses_export(version=instrument_version, fmt="csv", out=out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    keys = all_item_keys(instrument_version.definition)
    assert count == 3
    assert rows[0] == [
        "submission_id",
        "language",
        "submitted_at",
        "validity_status",
        *keys,
    ]
    assert [int(row[0]) for row in rows[1:]] == ids
    assert rows[1][4:] == [str(int(v)) for v in answers[0]]
    assert rows[2][4] == ""  # unanswered
    assert rows[1][3] in {"valid", "questionable", "invalid"}
    assert rows[3][3] == ""  # not scored yet
    assert rows[1][1] == "en"
    assert rows[1][2]


def test_it_writes_json_objects_with_the_same_fields(instrument_version, exported):
    ids, answers = exported
    out = io.StringIO()

    responses_export(version=instrument_version, fmt="json", out=out)

    data = json.loads(out.getvalue())
    keys = all_item_keys(instrument_version.definition)
    assert [row["submission_id"] for row in data] == ids
    assert list(data[0])[4:] == keys
    assert data[1][keys[0]] is None
    assert data[0][keys[1]] == int(answers[0, 1])


def test_it_writes_an_empty_json_array_when_there_is_nothing(instrument_version):
    out = io.StringIO()

    assert responses_export(version=instrument_version, fmt="json", out=out) == 0
    assert json.loads(out.getvalue()) == []


def test_it_records_the_export_in_the_audit_log(instrument_version, exported):
    responses_export(version=instrument_version, fmt="csv", out=io.StringIO())

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.data == {"what": "responses", "format": "csv", "rows": 3}
    assert event.object_id == str(instrument_version.pk)


def test_it_refuses_an_unknown_format(instrument_version):
    with pytest.raises(ValueError, match="format"):
        responses_export(version=instrument_version, fmt="xlsx", out=io.StringIO())
