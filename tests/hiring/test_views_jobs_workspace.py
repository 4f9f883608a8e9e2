"""A recruiter opens a job, edits it, opens and closes it, without the admin."""

import pytest
from django.contrib.auth.models import Permission

from hiring.models import AuditEvent, Job, JobMember
from tests.factories import JobFactory
from tests.hiring.support import logged_in


@pytest.fixture
def opener(alice):
    """Alice, allowed by an administrator to open jobs."""
    alice.user_permissions.add(Permission.objects.get(codename="add_job"))
    return alice


def test_it_creates_a_draft_job_with_its_creator_as_recruiter(client, opener):
    response = logged_in(client, opener).post(
        "/jobs/new/",
        {"title": "  Inside Sales  ", "department": "Sales", "location": "Madrid"},
    )

    job = Job.objects.get(title="Inside Sales")
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/plan/"
    assert job.status == Job.Status.DRAFT
    assert JobMember.objects.get(job=job, user=opener).role == "recruiter"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.JOB_CREATED, job=job, actor=opener
    ).exists()


def test_it_offers_new_job_only_to_those_allowed(client, opener, bob):
    assert "/jobs/new/" in logged_in(client, opener).get("/").content.decode()
    assert "/jobs/new/" not in logged_in(client, bob).get("/").content.decode()
    response = client.post("/jobs/new/", {"title": "Sneaky"})
    assert response.status_code == 403
    assert "an administrator can allow it" in response.content.decode()
    assert not Job.objects.filter(title="Sneaky").exists()


def test_it_names_a_missing_title(client, opener):
    before = Job.objects.count()

    response = logged_in(client, opener).post("/jobs/new/", {"title": " "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Job.objects.count() == before


def test_it_edits_the_job(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/edit/",
        {"title": "Senior Account Executive", "department": "", "location": "Lima"},
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.location) == ("Senior Account Executive", "Lima")


def test_it_names_an_external_id_already_in_use(client, job, alice):
    JobFactory(external_id="GH-7")

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/edit/", {"title": job.title, "external_id": "GH-7"}
    )

    assert response.status_code == 400
    assert "Already in use." in response.content.decode()


@pytest.mark.parametrize("status", ["closed", "open", "draft"])
def test_it_opens_and_closes_the_job(client, job, alice, status):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/status/", {"status": status}
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == status


def test_it_refuses_an_unknown_status(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/status/", {"status": "archived"}
    )

    assert response.status_code == 400
    assert "Choose open, closed or draft." in response.content.decode()


@pytest.mark.parametrize(
    ("person", "expected"), [("bob", 403), ("dana", 403), ("charlie", 404)]
)
def test_it_lets_only_recruiters_manage_the_job(client, job, request, person, expected):
    user = request.getfixturevalue(person)
    logged_in(client, user)

    for url in (
        f"/jobs/{job.pk}/edit/",
        f"/jobs/{job.pk}/team/",
        f"/jobs/{job.pk}/plan/",
        f"/jobs/{job.pk}/candidates/new/",
        f"/jobs/{job.pk}/candidates/import/",
    ):
        assert client.get(url).status_code == expected, url
    assert client.post(f"/jobs/{job.pk}/status/", {"status": "closed"}).status_code == (
        expected
    )
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN
