"""manage.py export_responses."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from assessments.definitions import all_item_keys
from tests.factories import submissions_create


def test_it_prints_csv_to_standard_output(instrument_version):
    ids = submissions_create(instrument_version, 2)
    out = io.StringIO()

    call_command(
        "export_responses", "--instrument", "sales-drive", "--format", "csv", stdout=out
    )

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][4:] == all_item_keys(instrument_version.definition)
    assert [int(row[0]) for row in rows[1:]] == ids


def test_it_writes_json_to_a_file(instrument_version, tmp_path):
    submissions_create(instrument_version, 3)
    path = tmp_path / "answers.json"

    call_command(
        "export_responses",
        "--instrument",
        "sales-drive",
        "--version",
        "1",
        "--format",
        "json",
        "--output",
        str(path),
    )

    assert len(json.loads(path.read_text())) == 3


def test_it_needs_a_known_format_and_instrument(instrument_version):
    with pytest.raises(CommandError):
        call_command("export_responses", "--instrument", "sales-drive", "--format", "x")
    with pytest.raises(CommandError, match="No instrument"):
        call_command("export_responses", "--instrument", "nope", "--format", "csv")
