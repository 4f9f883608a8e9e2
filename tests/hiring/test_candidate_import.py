"""Importing candidates from CSV: a preview naming every row's problem before
anything is written, then all or nothing; known emails are reused, not doubled."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hiring.models import Application, AuditEvent, Candidate
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    JobFactory,
    JobMemberFactory,
)
from tests.hiring.support import logged_in

GOOD = (
    "First name,Last name,Email,Phone,Language\n"
    "Ana,Ruiz,ana@example.org,600,es\n"
    "Ben,Okafor,ben@example.org,,en\n"
    "Chloé,Martin,chloe@example.org,,English\n"
)
BAD = (
    "first_name,last_name,email,language\n"
    "Ana,Ruiz,ana@example.org,es\n"
    ",Okafor,ben(at)example.org,en\n"
    "Chloé,Martin,chloe@example.org,fr\n"
    "Ana,Ruiz,ANA@example.org,es\n"
)


def url(job) -> str:
    return f"/jobs/{job.pk}/candidates/import/"


def preview(client, job, text):
    return client.post(url(job), {"csv_text": text, "action": "preview"})


def row(page: str, line: int) -> str:
    start = page.index(f'data-line="{line}"')
    return page[start : page.index("</tr>", start)]


def test_it_previews_every_row_and_writes_nothing(client, job, alice):
    response = preview(logged_in(client, alice), job, GOOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "All 3 rows are ready to import." in page
    assert "New candidate." in row(page, 4)
    assert 'id="import-button"' in page
    assert not Candidate.objects.exists()


def test_it_names_the_problem_of_each_row(client, job, alice):
    response = preview(logged_in(client, alice), job, BAD)

    page = response.content.decode()
    assert response.status_code == 400
    assert "3 rows have a problem." in page
    assert "Problem" not in row(page, 2)
    assert "The first name is empty." in row(page, 3)
    assert "“ben(at)example.org” is not an email address." in row(page, 3)
    assert "Unknown language “fr”" in row(page, 4)
    assert "The same email as line 2" in row(page, 5)
    assert 'id="import-button"' not in page
    # The rows come back in the text area, to be corrected on the page.
    assert "ben(at)example.org" in page[page.index("<textarea") :]
    assert not Candidate.objects.exists()


def test_it_imports_all_or_nothing(client, job, alice):
    logged_in(client, alice)

    refused = client.post(url(job), {"csv_text": BAD, "action": "import"})
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    assert not Candidate.objects.exists()

    done = client.post(url(job), {"csv_text": GOOD, "action": "import"})
    assert done.status_code == 302
    assert done["Location"] == f"/jobs/{job.pk}/"
    assert Application.objects.filter(job=job).count() == 3
    assert Candidate.objects.get(email="chloe@example.org").preferred_language == "en"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CANDIDATES_IMPORTED, job=job
    ).exists()


def test_it_reuses_known_emails_and_skips_those_already_on_the_job(client, job, alice):
    known = CandidateFactory(email="ana@example.org", first_name="Ana María")
    # Alice recruits for the job Ana applied to before, so she may see her name.
    earlier = JobFactory(title="Inside Sales")
    JobMemberFactory(job=earlier, user=alice, role="recruiter")
    ApplicationFactory(candidate=known, job=earlier)
    already = CandidateFactory(email="ben@example.org")
    ApplicationFactory(candidate=already, job=job)
    logged_in(client, alice)

    page = preview(client, job, GOOD).content.decode()
    assert "Known as Ana María" in row(page, 2)
    assert "Already on this job; skipped." in row(page, 3)

    client.post(url(job), {"csv_text": GOOD, "action": "import"})
    assert Candidate.objects.filter(email="ana@example.org").count() == 1
    assert Application.objects.filter(candidate=known, job=job).exists()
    assert Application.objects.filter(candidate=already, job=job).count() == 1
    assert Candidate.objects.count() == 3


def test_it_reads_an_uploaded_file_with_semicolons_and_a_bom(client, job, alice):
    data = "\ufeffnombre;apellidos;correo\nAna;Ruiz;ana@example.org\n".encode()
    upload = SimpleUploadedFile("candidates.csv", data, content_type="text/csv")

    response = logged_in(client, alice).post(
        url(job), {"csv_file": upload, "action": "preview"}
    )

    page = response.content.decode()
    assert "The row is ready to import." in page
    assert "Ana Ruiz" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("email\nana@example.org\n", "missing: first name, last name"),
        ("first_name,last_name,email,shoe size\nA,B,a@example.org,42\n", "shoe size"),
        ("first_name,last_name,email\n", "has no candidates"),
    ],
)
def test_it_names_a_problem_of_the_whole_file(client, job, alice, text, message):
    response = preview(logged_in(client, alice), job, text)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_refuses_a_file_that_is_not_utf8(client, job, alice):
    upload = SimpleUploadedFile("c.csv", "first_name\nJosé\n".encode("latin-1"))

    response = logged_in(client, alice).post(
        url(job), {"csv_file": upload, "action": "preview"}
    )

    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_it_asks_for_a_file_or_rows(client, job, alice):
    response = logged_in(client, alice).post(url(job), {"action": "preview"})

    assert response.status_code == 400
    assert "Choose a CSV file or paste its rows." in response.content.decode()


@pytest.mark.parametrize("rows", [3, 60])
def test_it_previews_in_the_same_queries_whatever_the_rows(
    client, job, alice, django_assert_num_queries, rows
):
    CandidateFactory(email="p0@example.org")
    text = "first_name,last_name,email,external id\n" + "".join(
        f"P{i},Q{i},p{i}@example.org,ext-{i}\n" for i in range(rows)
    )
    logged_in(client, alice)

    # session, user, job, role, known emails, their applications on this job and
    # on jobs where Alice sees applications, external ids
    with django_assert_num_queries(8):
        response = preview(client, job, text)

    assert response.content.decode().count("New candidate.") == rows - 1


def test_it_names_no_candidate_of_another_team_from_an_email(client, job, alice):
    other_team = JobFactory(title="Warehouse Lead")
    ApplicationFactory(
        job=other_team,
        candidate=CandidateFactory(email="ana@example.org", first_name="Ana María"),
    )
    logged_in(client, alice)

    page = preview(client, job, GOOD).content.decode()

    assert "Ana María" not in page
    assert "Already known by this email; that record is added to this job." in row(
        page, 2
    )


def test_it_previews_what_the_candidate_service_would_refuse(client, job, alice):
    # Each row goes through the service's own checks: an email longer than the
    # field holds is named here, not left to refuse the whole import later.
    long_email = "a" * 250 + "@example.org"
    text = f"first_name,last_name,email\nAna,Ruiz,{long_email}\nBen,Ng,b@x.org\n"

    response = preview(logged_in(client, alice), job, text)

    page = response.content.decode()
    assert response.status_code == 400
    assert "The email is not valid: Ensure this value has at most 254" in row(page, 2)
    assert "Problem" not in row(page, 3)


def test_it_names_an_external_id_given_twice(client, job, alice):
    text = (
        "first_name,last_name,email,external_id\n"
        "Ana,Ruiz,ana@example.org,ats-1\n"
        "Ben,Ng,ben@example.org,ats-1\n"
    )
    logged_in(client, alice)

    page = preview(client, job, text).content.decode()
    refused = client.post(url(job), {"csv_text": text, "action": "import"})

    assert "The same external id as line 2; keep one of the two." in row(page, 3)
    assert "Nothing was imported: fix the problems first (lines 3)." in (
        refused.content.decode()
    )
    assert not Candidate.objects.exists()
