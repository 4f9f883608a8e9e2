"""An uploaded CSV file is read no further than the import may take: a file of
many megabytes is refused by its size without being held in memory whole."""

from django.core.files.uploadedfile import SimpleUploadedFile

from hiring.csv_files import MAX_BYTES
from hiring.forms import CandidateImportForm
from tests.hiring.support import logged_in


def big_upload(megabytes: int) -> SimpleUploadedFile:
    row = b"Ana,Ruiz,ana@example.org\n"
    body = b"first_name,last_name,email\n" + row * (megabytes * 1024 * 1024 // len(row))
    return SimpleUploadedFile("candidates.csv", body, content_type="text/csv")


def test_it_reads_no_more_of_an_upload_than_the_import_may_take():
    form = CandidateImportForm(
        data={"action": "preview"}, files={"csv_file": big_upload(20)}
    )

    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["data"]) == MAX_BYTES + 1


def test_it_refuses_a_large_upload_by_its_size(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/import/",
        {"csv_file": big_upload(3), "action": "preview"},
    )

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
