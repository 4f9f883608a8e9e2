"""Create or update by the ATS's external_id: never two rows, also under concurrency."""

import threading

import pytest
from django.db import connection

from hiring.models import Application, Candidate, Job
from tests.conftest import service_missing
from tests.factories import CandidateFactory, JobFactory


def test_it_creates_then_updates_a_job_by_its_external_id(api_client):
    client = api_client()

    created = client.post("/api/v1/jobs/", {"external_id": "j-1", "title": "AE"})
    updated = client.post("/api/v1/jobs/", {"external_id": "j-1", "title": "SDR"})

    assert created.status_code == 201
    assert created["Location"].endswith(f"/api/v1/jobs/{created.json()['id']}/")
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert Job.objects.get().title == "SDR"


def test_sending_the_same_values_again_changes_nothing(api_client):
    client = api_client()
    job = {"external_id": "j-1", "title": "AE", "location": "Madrid"}
    person = {
        "external_id": "c-1",
        "first_name": "Ana",
        "last_name": "Ruiz",
        "email": "ana@example.org",
    }
    link = {
        "external_id": "a-1",
        "job_external_id": "j-1",
        "candidate_external_id": "c-1",
    }
    first = [
        client.post(path, body).json()
        for path, body in (
            ("/api/v1/jobs/", job),
            ("/api/v1/candidates/", person),
            ("/api/v1/applications/", link),
        )
    ]

    again = [
        client.post(path, body)
        for path, body in (
            ("/api/v1/jobs/", job),
            ("/api/v1/candidates/", person),
            ("/api/v1/applications/", link),
        )
    ]

    # A nightly re-sync of unchanged records tells pollers of no change.
    assert [response.status_code for response in again] == [200, 200, 200]
    assert [response.json()["updated_at"] for response in again] == [
        body["updated_at"] for body in first
    ]
    changed = client.post("/api/v1/jobs/", {**job, "location": "Sevilla"}).json()
    assert changed["updated_at"] > first[0]["updated_at"]


def test_it_upserts_candidates_and_applications(api_client):
    client = api_client()
    client.post("/api/v1/jobs/", {"external_id": "j-1", "title": "AE"})
    person = {"first_name": "Ana", "last_name": "Ruiz", "email": "Ana@Example.org"}
    client.post("/api/v1/candidates/", {"external_id": "c-1", **person})
    again = client.post("/api/v1/candidates/", {"external_id": "c-1", "phone": "12"})
    link = {"job_external_id": "j-1", "candidate_external_id": "c-1"}

    first = client.post("/api/v1/applications/", {"external_id": "a-1", **link})
    second = client.post(
        "/api/v1/applications/", {"external_id": "a-1", "stage": "offer", **link}
    )

    assert again.status_code == 200
    assert again.json()["email"] == "ana@example.org"
    assert again.json()["phone"] == "12"
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["stage"] == "offer"
    assert second.json()["job_external_id"] == "j-1"
    assert Candidate.objects.count() == 1
    assert Application.objects.count() == 1


def test_it_refuses_an_external_id_of_another_candidates_application(api_client):
    client = api_client()
    job = JobFactory(external_id="j-1")
    CandidateFactory(external_id="c-1")
    CandidateFactory(external_id="c-2")
    client.post(
        "/api/v1/applications/",
        {"external_id": "a-1", "job": job.pk, "candidate_external_id": "c-1"},
    )

    response = client.post(
        "/api/v1/applications/",
        {"external_id": "a-1", "job": job.pk, "candidate_external_id": "c-2"},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "external_id_taken"


def test_it_says_an_application_does_not_move_to_another_job(api_client):
    """The same candidate's application, sent again naming another job, is not
    called another candidate's."""
    client = api_client()
    JobFactory(external_id="j-1")
    JobFactory(external_id="j-2")
    CandidateFactory(external_id="c-1")
    first = {"external_id": "a-1", "candidate_external_id": "c-1"}
    client.post("/api/v1/applications/", {**first, "job_external_id": "j-1"})

    response = client.post("/api/v1/applications/", {**first, "job_external_id": "j-2"})

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "external_id_taken"
    assert "another job" in body["detail"]
    assert "another candidate" not in body["detail"]
    assert Application.objects.get(external_id="a-1").job.external_id == "j-1"


def test_it_says_the_candidate_already_applied_under_another_external_id(
    api_client,
):
    client = api_client()
    job, candidate = JobFactory(external_id="j-1"), CandidateFactory(external_id="c-1")
    first = {"job_external_id": "j-1", "candidate_external_id": "c-1"}
    client.post("/api/v1/applications/", {**first, "external_id": "a-1"})

    response = client.post("/api/v1/applications/", {**first, "external_id": "a-2"})

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "already_applied"
    assert Application.objects.get(job=job, candidate=candidate).external_id == "a-1"


def test_it_says_the_job_is_closed(api_client):
    JobFactory(external_id="j-1", status=Job.Status.CLOSED)
    CandidateFactory(external_id="c-1")

    response = api_client().post(
        "/api/v1/applications/",
        {
            "external_id": "a-1",
            "job_external_id": "j-1",
            "candidate_external_id": "c-1",
        },
    )

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "job_closed"


def test_it_names_an_unknown_reference(api_client, db):
    response = api_client().post(
        "/api/v1/applications/", {"job_external_id": "nope", "candidate": 1}
    )

    assert response.status_code == 400
    # Named as the client sent it.
    assert "job_external_id" in response.json()["errors"]


def test_it_says_when_an_id_and_an_external_id_disagree(api_client, db):
    first, second = JobFactory(external_id="j-1"), JobFactory(external_id="j-2")
    candidate = CandidateFactory()

    response = api_client().post(
        "/api/v1/applications/",
        {"job": first.pk, "job_external_id": "j-2", "candidate": candidate.pk},
    )

    problem = response.json()
    assert response.status_code == 400
    assert problem["code"] == "references_disagree"
    assert set(problem["errors"]) == {"job", "job_external_id"}
    assert second.pk != first.pk


def _race(requests: list) -> list:
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(10)
            responses[index] = request()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(5))
def test_it_makes_one_row_from_two_concurrent_upserts(api_client, round_number):
    if connection.vendor != "postgresql":
        service_missing("the concurrent upsert test needs PostgreSQL")
    one, two = api_client(), api_client()
    body = {
        "external_id": f"c-{round_number}",
        "first_name": "Ana",
        "last_name": "Ruiz",
        "email": "ana@example.org",
    }

    responses = _race(
        [
            lambda: one.post("/api/v1/candidates/", body),
            lambda: two.post("/api/v1/candidates/", body),
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 201]
    assert Candidate.objects.filter(external_id=body["external_id"]).count() == 1
    assert responses[0].json()["id"] == responses[1].json()["id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(3))
def test_it_makes_one_application_from_two_concurrent_upserts(api_client, round_number):
    if connection.vendor != "postgresql":
        service_missing("the concurrent upsert test needs PostgreSQL")
    JobFactory(external_id="j-1")
    CandidateFactory(external_id="c-1")
    one, two = api_client(), api_client()
    body = {
        "external_id": f"a-{round_number}",
        "job_external_id": "j-1",
        "candidate_external_id": "c-1",
    }

    responses = _race(
        [
            lambda: one.post("/api/v1/applications/", body),
            lambda: two.post("/api/v1/applications/", body),
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 201], [
        r.content for r in responses
    ]
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/jobs/", {"external_id": 4711, "title": "AE"}, "external_id"),
        (
            "/api/v1/applications/",
            {"external_id": "a-1", "job_external_id": 4711.0},
            "job_external_id",
        ),
        (
            "/api/v1/candidates/",
            {
                "external_id": "c-1",
                "first_name": "A",
                "last_name": "B",
                "email": "a@example.org",
                "phone": 600123123,
            },
            "phone",
        ),
    ],
)
def test_it_takes_text_fields_as_json_strings_only(api_client, path, body, field):
    JobFactory(external_id="4711")

    response = api_client().post(path, body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Job.objects.filter(external_id="4711.0").exists()
