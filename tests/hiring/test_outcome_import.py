"""Importing hire outcomes from CSV: a preview naming every row's problem before
anything is written, then all or nothing through the one service; a template to
start from; a job's page for its own hires, every job for administrators."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hiring import outcome_import as importing
from hiring.models import (
    Application,
    AuditEvent,
    HireOutcome,
    OutboxEvent,
    QuotaAttainment,
    Stage,
)
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    QuotaAttainmentFactory,
)
from tests.hiring.support import logged_in

HEADER = (
    "application_external_id,candidate_email,start_date,manager,team,"
    "leaving_date,leaving_reason,performance_rating,rated_on,2026-Q1,2026-Q2\n"
)


@pytest.fixture
def hires(job):
    job.external_id = "job-1"
    job.save()
    ana = ApplicationFactory(
        job=job,
        stage=Stage.HIRED,
        external_id="app-ana",
        candidate=CandidateFactory(email="ana@example.org", first_name="Ana"),
    )
    ben = ApplicationFactory(
        job=job,
        stage=Stage.HIRED,
        candidate=CandidateFactory(email="ben@example.org", first_name="Ben"),
    )
    carl = ApplicationFactory(
        job=job,
        stage=Stage.INTERVIEWING,
        external_id="app-carl",
        candidate=CandidateFactory(email="carl@example.org"),
    )
    elsewhere = ApplicationFactory(
        job=JobFactory(external_id="job-2"),
        stage=Stage.HIRED,
        external_id="app-other",
        candidate=CandidateFactory(email="olga@example.org"),
    )
    return {"ana": ana, "ben": ben, "carl": carl, "elsewhere": elsewhere}


GOOD = HEADER + (
    "app-ana,,2026-01-12,Dana Reyes,Inside sales,,,4,2026-06-30,85,102.5\n"
    ",BEN@example.org,2026-02-02,Dana Reyes,,2026-05-29,voluntary,,,70,\n"
)
BAD = HEADER + (
    "app-ana,,2026-01-12,Dana Reyes,,,,4,,85,\n"
    "app-nobody,,2026-01-12,Dana Reyes,,,,,,,\n"
    "app-carl,,2026-01-12,Dana Reyes,,,,,,,\n"
    ",ben@example.org,12/01/2026,Dana Reyes,,,,,,,\n"
    ",ben@example.org,2026-02-02,Dana Reyes,,2026-01-01,,7,,lots,\n"
    "app-other,,2026-01-12,Dana Reyes,,,,,,,\n"
    "app-ana,,2026-01-12,,,,,,,,\n"
)


def url(job) -> str:
    return f"/jobs/{job.pk}/outcomes/import/"


def preview(client, path, text):
    return client.post(path, {"csv_text": text, "action": "preview"})


def row(page: str, line: int) -> str:
    start = page.index(f'data-line="{line}"')
    return page[start : page.index("</tr>", start)]


def test_it_previews_every_row_and_writes_nothing(client, job, alice, hires):
    response = preview(logged_in(client, alice), url(job), GOOD)

    page = response.content.decode()
    assert response.status_code == 200, page
    assert "All 2 rows are ready to import." in page
    assert "2 new outcomes, 0 replacing a recorded one." in page
    assert "Ana" in row(page, 2)
    assert "New outcome." in row(page, 3)
    assert '<th scope="col" class="numeric">2026-Q2</th>' in page
    assert 'id="import-button"' in page
    assert not HireOutcome.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_it_names_the_problem_of_each_row(client, job, alice, hires):
    response = preview(logged_in(client, alice), url(job), BAD)

    page = response.content.decode()
    assert response.status_code == 400
    assert "6 rows have a problem." in page
    assert "Problem" not in row(page, 2)
    assert "No application with the external id “app-nobody” on this job." in row(
        page, 3
    )
    assert "Not hired (stage: Interviewing)" in row(page, 4)
    assert "The start date “12/01/2026” is not a date" in row(page, 5)
    line6 = row(page, 6)
    assert "Unknown leaving reason" not in line6
    assert "The performance rating “7” is not 1 to 5." in line6
    assert "2026-Q1: “lots” is not a percentage." in line6
    # Another job's hire is as unknown here as one that does not exist.
    assert "No application with the external id “app-other” on this job." in row(
        page, 7
    )
    line8 = row(page, 8)
    assert "The same application as line 2" in line8
    assert "The manager is empty." in line8
    assert 'id="import-button"' not in page
    assert "app-nobody" in page[page.index("<textarea") :]
    assert not HireOutcome.objects.exists()


def test_it_names_the_services_rules_for_a_row(client, job, alice, hires):
    text = HEADER + (
        "app-ana,,2026-02-02,Dana Reyes,,2026-01-01,voluntary,,,,\n"
        ",,,,Sales,,,,,,\n"
        ",ben@example.org,2026-02-02,Dana Reyes,,,other,3,2026-01-01,,\n"
    )

    page = preview(logged_in(client, alice), url(job), text).content.decode()

    assert "leaving date: The leaving date cannot be before the start date." in row(
        page, 2
    )
    assert "Name the application" in row(page, 3)
    line4 = row(page, 4)
    assert "leaving reason: A leaving reason needs a leaving date" in line4
    assert "rated on: A rating cannot be dated before the start date." in line4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("application_external_id,manager\napp-ana,D\n", "missing: start date"),
        (
            "application_external_id,start_date,manager,shoe size\na,2026-01-01,D,42\n",
            "Unknown column “shoe size”",
        ),
        (
            "application_external_id,start_date,manager,2026-Q5\na,2026-01-01,D,1\n",
            "“2026-Q5” is not a quarter",
        ),
        ("start_date,manager\n2026-01-01,D\n", "Name each row&#x27;s application"),
        ("application_external_id,start_date,manager\n", "has no hires"),
    ],
)
def test_it_names_a_problem_of_the_whole_file(client, job, alice, text, message):
    response = preview(logged_in(client, alice), url(job), text)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_imports_all_or_nothing(client, job, alice, hires):
    logged_in(client, alice)

    refused = client.post(url(job), {"csv_text": BAD, "action": "import"})
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    assert not HireOutcome.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.recorded").exists()

    done = client.post(url(job), {"csv_text": GOOD, "action": "import"})
    assert done.status_code == 302
    assert done["Location"] == f"/jobs/{job.pk}/"
    ana = HireOutcome.objects.get(application=hires["ana"])
    assert ana.performance_rating == 4
    assert ana.recorded_by == alice
    assert list(ana.quotas.values_list("quarter", "attainment_percent")) == [
        (1, Decimal("85.0")),
        (2, Decimal("102.5")),
    ]
    ben = HireOutcome.objects.get(application=hires["ben"])
    assert ben.leaving_date == date(2026, 5, 29)
    assert ben.leaving_reason == "voluntary"
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 2
    summary = AuditEvent.objects.get(action=AuditEvent.Action.OUTCOMES_IMPORTED)
    assert summary.job == job
    assert summary.data == {"created": 2, "updated": 0, "unchanged": 0}


def test_it_writes_nothing_when_a_row_fails_while_writing(
    client, job, alice, hires, monkeypatch
):
    """A row that passed the preview and fails in the write (the application
    changed in between) takes every row written before it back."""
    real = importing.outcome_import_preview

    def then_undone(**kwargs):
        preview = real(**kwargs)
        Application.objects.filter(pk=hires["ben"].pk).update(stage=Stage.OFFER)
        return preview

    monkeypatch.setattr(importing, "outcome_import_preview", then_undone)

    response = logged_in(client, alice).post(
        url(job), {"csv_text": GOOD, "action": "import"}
    )

    assert response.status_code == 400
    assert "line 3: Only a hired application has an outcome" in (
        response.content.decode()
    )
    assert not HireOutcome.objects.exists()
    assert not QuotaAttainment.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="outcome").exists()


def test_it_merges_quarters_and_leaves_empty_cells_alone(client, job, alice, hires):
    outcome = HireOutcomeFactory(
        application=hires["ana"], start_date=date(2026, 1, 12), manager_name="Dana"
    )
    QuotaAttainmentFactory(outcome=outcome, year=2026, quarter=1, attainment_percent=50)
    QuotaAttainmentFactory(outcome=outcome, year=2026, quarter=3, attainment_percent=60)
    text = HEADER + "app-ana,,2026-01-12,Dana,,,,,,,120\n"
    logged_in(client, alice)

    page = preview(client, url(job), text).content.decode()
    assert "Replaces the recorded outcome" in row(page, 2)
    client.post(url(job), {"csv_text": text, "action": "import"})

    assert list(
        QuotaAttainment.objects.order_by("quarter").values_list(
            "quarter", "attainment_percent"
        )
    ) == [(1, Decimal("50.0")), (2, Decimal("120.0")), (3, Decimal("60.0"))]


def test_it_counts_an_unchanged_import_and_announces_nothing_again(
    client, job, alice, hires
):
    logged_in(client, alice)
    client.post(url(job), {"csv_text": GOOD, "action": "import"})

    client.post(url(job), {"csv_text": GOOD, "action": "import"})

    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 2
    latest = AuditEvent.objects.filter(action="outcomes.imported").order_by("id").last()
    assert latest.data == {"created": 0, "updated": 0, "unchanged": 2}


def test_it_reads_an_uploaded_file_with_semicolons_and_a_bom(client, job, alice, hires):
    data = (
        "\ufeffApplication ID;Start date;Manager;2026 Q1\n"
        f"{hires['ben'].pk};2026-02-02;Dana Reyes;99,5%\n"
    ).encode()
    upload = SimpleUploadedFile("outcomes.csv", data, content_type="text/csv")

    response = logged_in(client, alice).post(
        url(job), {"csv_file": upload, "action": "preview"}
    )

    page = response.content.decode()
    assert "The row is ready to import." in page, page
    client.post(url(job), {"csv_text": data.decode("utf-8-sig"), "action": "import"})
    assert QuotaAttainment.objects.get().attainment_percent == Decimal("99.5")


def test_it_refuses_a_row_naming_another_job_on_a_jobs_page(client, job, alice, hires):
    text = (
        "candidate_email,job_external_id,start_date,manager\n"
        "olga@example.org,job-2,2026-01-19,Eve\n"
        "ana@example.org,job-1,2026-01-19,Eve\n"
    )

    page = preview(logged_in(client, alice), url(job), text).content.decode()

    assert "This row is for another job" in row(page, 2)
    assert "Problem" not in row(page, 3)


def test_it_refuses_columns_that_name_different_applications(client, job, alice, hires):
    text = HEADER + "app-ana,ben@example.org,2026-01-12,Dana,,,,,,,\n"

    page = preview(logged_in(client, alice), url(job), text).content.decode()

    assert "The row&#x27;s columns name different applications." in row(page, 2)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("admin_user", 200),
        ("dana", 403),
        ("charlie", 404),
    ],
)
def test_it_opens_a_jobs_import_to_holders_of_outcomes(
    client, request, job, alice, bob, dana, who, status
):
    user = request.getfixturevalue(who)
    logged_in(client, user)

    assert client.get(url(job)).status_code == status
    assert client.get(f"/jobs/{job.pk}/outcomes/template.csv").status_code == status
    assert preview(client, url(job), GOOD).status_code in (
        {200, 400} if status == 200 else {status}
    )
    assert not HireOutcome.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 404), ("bob", 404), ("admin_user", 200)]
)
def test_it_opens_the_import_of_every_job_to_administrators_only(
    client, request, alice, bob, who, status
):
    logged_in(client, request.getfixturevalue(who))

    assert client.get("/outcomes/import/").status_code == status
    assert client.get("/outcomes/template.csv").status_code == status


def test_it_imports_for_every_job_by_email_and_job_for_an_administrator(
    client, admin_user, hires
):
    text = (
        "candidate_email,job_external_id,start_date,manager\n"
        "ana@example.org,job-1,2026-01-12,Dana\n"
        "olga@example.org,job-2,2026-01-19,Eve\n"
        "olga@example.org,,2026-01-19,Eve\n"
    )
    logged_in(client, admin_user)

    page = preview(client, "/outcomes/import/", text).content.decode()
    assert "A candidate email names an application only with a job." in row(page, 4)

    text = text.rsplit("olga@example.org,,", 1)[0]
    done = client.post("/outcomes/import/", {"csv_text": text, "action": "import"})

    assert done.status_code == 302
    assert done["Location"] == "/"
    assert HireOutcome.objects.count() == 2
    assert HireOutcome.objects.get(application=hires["elsewhere"]).manager_name == "Eve"


def test_it_offers_a_template_with_the_jobs_hires_and_what_is_recorded(
    client, job, bob, hires
):
    outcome = HireOutcomeFactory(
        application=hires["ana"],
        start_date=date(2026, 1, 12),
        manager_name="=HYPERLINK()",
        performance_rating=3,
    )
    QuotaAttainmentFactory(outcome=outcome, year=2025, quarter=4, attainment_percent=40)

    response = logged_in(client, bob).get(f"/jobs/{job.pk}/outcomes/template.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["application_id"] for r in rows] == [
        str(hires["ana"].pk),
        str(hires["ben"].pk),
    ]
    assert rows[0]["start_date"] == "2026-01-12"
    assert rows[0]["manager"] == "'=HYPERLINK()"  # never a formula in a spreadsheet
    assert rows[0]["performance_rating"] == "3"
    assert rows[0]["2025-Q4"] == "40.0"
    assert rows[1]["candidate_email"] == "ben@example.org"
    assert rows[1]["start_date"] == ""
    assert "2025-Q4" in rows[1]


def test_it_takes_back_a_filled_in_template(client, job, alice, hires):
    logged_in(client, alice)
    template = client.get(f"/jobs/{job.pk}/outcomes/template.csv").content.decode()
    filled = template.replace(
        "ana@example.org,job-1,,", "ana@example.org,job-1,2026-01-12,Dana Reyes"
    ).replace("ben@example.org,job-1,,", "ben@example.org,job-1,2026-02-02,Dana Reyes")

    response = client.post(url(job), {"csv_text": filled, "action": "import"})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert HireOutcome.objects.count() == 2


def test_it_links_the_import_from_the_job_page(client, job, alice, bob, dana):
    assert 'id="outcome-import-link"' in (
        logged_in(client, bob).get(f"/jobs/{job.pk}/").content.decode()
    )
    assert 'id="outcome-import-link"' in (
        logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()
    )


def test_it_links_the_import_of_every_job_for_administrators(client, alice, admin_user):
    assert 'id="outcome-import-all-link"' not in (
        logged_in(client, alice).get("/").content.decode()
    )
    assert 'id="outcome-import-all-link"' in (
        logged_in(client, admin_user).get("/").content.decode()
    )


@pytest.mark.parametrize("rows", [3, 40])
def test_it_previews_in_the_same_queries_whatever_the_rows(
    client, job, alice, django_assert_num_queries, rows
):
    job.external_id = "job-1"
    job.save()
    applications = [
        ApplicationFactory(
            job=job,
            stage=Stage.HIRED,
            external_id=f"app-{i}",
            candidate=CandidateFactory(email=f"p{i}@example.org"),
        )
        for i in range(rows)
    ]
    HireOutcomeFactory(application=applications[0])
    text = (
        "application_id,application_external_id,candidate_email,job_external_id,start_date,manager\n"
        + "".join(
            f"{a.pk},app-{i},p{i}@example.org,job-1,2026-01-05,Dana\n"
            for i, a in enumerate(applications)
        )
    )
    logged_in(client, alice)

    # session, user, job, role; the job's applications by id, external id, email
    with django_assert_num_queries(7):
        response = preview(client, url(job), text)

    assert response.content.decode().count("New outcome.") == rows - 1


def test_it_refuses_a_fractional_rating_instead_of_cutting_it(
    client, job, alice, hires
):
    # Ratings are whole numbers 1 to 5. "4.5" and "3-4" were read as 4 and 3
    # (the first digit, the rest taken for a label): a wrong number stored
    # without a word. "4 - Exceeds" and "4.0" are still a 4.
    text = HEADER + (
        "app-ana,,2026-01-12,Dana Reyes,,,,4.5,2026-06-30,,\n"
        ",ben@example.org,2026-02-02,Dana Reyes,,,,3-4,2026-06-30,,\n"
    )
    labelled = HEADER + (
        "app-ana,,2026-01-12,Dana Reyes,,,,4 - Exceeds,2026-06-30,,\n"
        ",ben@example.org,2026-02-02,Dana Reyes,,,,4.0,2026-06-30,,\n"
    )

    response = preview(logged_in(client, alice), url(job), text)
    accepted = preview(client, url(job), labelled)

    page = response.content.decode()
    assert response.status_code == 400
    assert "The performance rating “4.5” is not 1 to 5." in row(page, 2)
    assert "The performance rating “3-4” is not 1 to 5." in row(page, 3)
    assert accepted.status_code == 200, accepted.content.decode()
    assert "All 2 rows are ready to import." in accepted.content.decode()


def test_it_reads_the_column_names_of_an_hr_system_in_spanish(
    client, job, alice, hires
):
    # What a Spanish HRIS exports: a BOM, semicolons, accented headers, decimal
    # commas and quarters named by "trimestre".
    data = (
        "\ufeffCorreo electrónico;Fecha de alta;Responsable;Equipo;Fecha de baja;"
        "Motivo de baja;Valoración;Fecha de valoración;2026-T1\r\n"
        "BEN@example.org;2026-02-02;Dana Reyes;Ventas;2026-05-29;voluntaria;"
        "3: Cumple;2026-05-15;95,5 %\r\n"
    ).encode()
    upload = SimpleUploadedFile("bajas.csv", data, content_type="text/csv")

    page = (
        logged_in(client, alice)
        .post(url(job), {"csv_file": upload, "action": "preview"})
        .content.decode()
    )
    assert "The row is ready to import." in page, page
    client.post(url(job), {"csv_text": data.decode("utf-8-sig"), "action": "import"})

    outcome = HireOutcome.objects.get(application=hires["ben"])
    assert (outcome.start_date, outcome.leaving_date) == (
        date(2026, 2, 2),
        date(2026, 5, 29),
    )
    assert outcome.leaving_reason == "voluntary"
    assert outcome.performance_rating == 3
    assert outcome.rated_on == date(2026, 5, 15)
    assert QuotaAttainment.objects.get().attainment_percent == Decimal("95.5")


@pytest.mark.parametrize("manager", ["-Dana Reyes", "@sales-lead", "\t=1+1", "\r=1+1"])
def test_it_writes_no_cell_a_spreadsheet_reads_as_a_formula(
    client, job, alice, hires, manager
):
    HireOutcomeFactory(
        application=hires["ana"], start_date=date(2026, 1, 12), manager_name=manager
    )

    response = logged_in(client, alice).get(f"/jobs/{job.pk}/outcomes/template.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["manager"] == "'" + manager


def test_it_takes_back_its_own_template_unchanged(client, job, alice, hires):
    HireOutcomeFactory(
        application=hires["ana"],
        start_date=date(2026, 1, 12),
        manager_name="-Dana Reyes",
        team="=Inside sales",
    )
    logged_in(client, alice)
    template = client.get(f"/jobs/{job.pk}/outcomes/template.csv").content.decode()
    filled = template.replace(
        "ben@example.org,job-1,,", "ben@example.org,job-1,2026-02-02,Eve"
    )

    response = client.post(url(job), {"csv_text": filled, "action": "import"})

    assert response.status_code == 302, response.content.decode()[:3000]
    kept = HireOutcome.objects.get(application=hires["ana"])
    assert (kept.manager_name, kept.team) == ("-Dana Reyes", "=Inside sales")
