"""A hostile or broken CSV file gets a 400 naming its problem, on the preview and
on the import, and nothing is written: a NUL byte (which PostgreSQL refuses), a
cell longer than the csv module reads, a line break inside a name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hiring.models import Application, Candidate, HireOutcome, Stage
from tests.factories import ApplicationFactory
from tests.hiring.support import logged_in

CANDIDATES = b"first_name,last_name,email\n"
OUTCOMES = b"application_id,start_date,manager\n"


def _upload(body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("file.csv", body, content_type="text/csv")


@pytest.fixture
def open_job(job):
    job.status = "open"
    job.save()
    return job


@pytest.mark.parametrize("action", ["preview", "import"])
def test_it_refuses_a_candidate_file_holding_a_nul_byte(
    client, open_job, alice, action
):
    body = CANDIDATES + b"A\x00na,Ruiz,ana@example.org\n"

    response = logged_in(client, alice).post(
        f"/jobs/{open_job.pk}/candidates/import/",
        {"csv_file": _upload(body), "action": action},
    )

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("action", ["preview", "import"])
def test_it_refuses_a_candidate_file_with_a_cell_too_long_to_read(
    client, open_job, alice, action
):
    long_name = b"B" * 200_000
    body = CANDIDATES + b"Ana,Ruiz,ana@example.org\n" + long_name + b",Ng,b@x.org\n"

    response = logged_in(client, alice).post(
        f"/jobs/{open_job.pk}/candidates/import/",
        {"csv_file": _upload(body), "action": action},
    )

    assert response.status_code == 400
    assert "Line 3 cannot be read as CSV" in response.content.decode()
    assert not Candidate.objects.exists()


def test_it_names_a_line_break_inside_a_name_in_the_preview(client, open_job, alice):
    body = CANDIDATES + b'Ana,"Ruiz\nBcc: someone@example.org",ana@example.org\n'

    response = logged_in(client, alice).post(
        f"/jobs/{open_job.pk}/candidates/import/",
        {"csv_file": _upload(body), "action": "import"},
    )

    assert response.status_code == 400
    assert "holds a line break" in response.content.decode()
    assert not Candidate.objects.exists()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "row",
    [b",2024-01-01,B\x00ob\n", b",2024-01-01," + b"B" * 200_000 + b"\n"],
    ids=["nul", "long cell"],
)
@pytest.mark.parametrize("action", ["preview", "import"])
def test_it_refuses_such_outcome_files_too(client, job, alice, row, action):
    hire = ApplicationFactory(job=job, stage=Stage.HIRED)
    body = OUTCOMES + str(hire.pk).encode() + row

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/outcomes/import/",
        {"csv_file": _upload(body), "action": action},
    )

    assert response.status_code == 400
    assert not HireOutcome.objects.exists()
