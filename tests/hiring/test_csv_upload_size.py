"""An uploaded CSV file is read no further than the import may take: a file of
many megabytes is refused by its size without being held in memory whole."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

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


def test_it_writes_no_upload_to_a_temporary_file(
    client, job, alice, settings, tmp_path
):
    # Django's default handlers would write this upload here, and fail.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-directory")

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/import/",
        {"csv_file": big_upload(5), "action": "preview"},
    )

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_it_spends_no_disk_on_an_upload_from_someone_signed_out(db, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-directory")
    client = Client(enforce_csrf_checks=True)
    # Any visitor can send a cookie of the right form: the check then reads the
    # form, file and all, to compare the token.
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(
        "/accounts/login/",
        {"csv_file": big_upload(5), "username": "x", "password": "y"},
    )

    assert response.status_code == 403


def test_it_refuses_more_than_one_file_in_a_post(client, job, alice):
    def small() -> SimpleUploadedFile:
        body = b"first_name,last_name,email\nAna,Ruiz,ana@example.org\n"
        return SimpleUploadedFile("candidates.csv", body, content_type="text/csv")

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/import/",
        {"csv_file": [small(), small()], "action": "preview"},
    )

    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
