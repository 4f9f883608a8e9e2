"""Idempotency-Key on POST: replay, a different body, a concurrent duplicate."""

import threading

import pytest
from django.db import connection

from hiring.api import views as hiring_api_views
from hiring.models import IdempotencyRecord, Job
from hiring.services import IDEMPOTENCY_KEEP_FOR as KEEP_FOR
from hiring.services import idempotency_records_purge
from tests.conftest import service_missing


def test_it_replays_the_first_response_for_the_same_key_and_body(api_client):
    client = api_client()
    first = client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    again = client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == 1


def test_it_acts_again_without_a_key(api_client):
    client = api_client()
    client.post("/api/v1/jobs/", {"title": "A"})
    client.post("/api/v1/jobs/", {"title": "A"})

    assert Job.objects.count() == 2


def test_it_refuses_the_same_key_with_another_body(api_client):
    client = api_client()
    client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    response = client.post("/api/v1/jobs/", {"title": "B"}, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 422
    assert Job.objects.count() == 1


def test_it_scopes_keys_to_the_api_key(api_client):
    one, two = api_client(), api_client()
    one.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    response = two.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Job.objects.count() == 2


def test_it_keeps_no_refusal_so_the_request_can_be_sent_again(api_client, world):
    client = api_client()
    body = {"application_external_id": "app-later"}
    first = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 400  # no such application yet
    assert not IdempotencyRecord.objects.filter(key="k").exists()
    world.application.external_id = "app-later"
    world.application.save()

    again = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="k")
    replayed = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert not again.has_header("Idempotent-Replayed")
    assert replayed.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["id"] == again.json()["id"]


def test_it_lets_a_key_go_after_a_conflict(api_client, world):
    client = api_client()
    body = {"application": world.application.pk}
    client.post("/api/v1/invitations/", body)  # an open invitation now exists

    refused = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="k")

    assert refused.status_code == 409
    assert not IdempotencyRecord.objects.filter(key="k").exists()


def test_it_forgets_keys_after_24_hours(api_client):
    from django.utils import timezone

    client = api_client()
    client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEEP_FOR)

    again = client.post("/api/v1/jobs/", {"title": "B"}, HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert Job.objects.count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEEP_FOR)
    assert idempotency_records_purge() == 1


def test_it_refuses_an_unusable_key(api_client):
    response = api_client().post(
        "/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="x" * 300
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_concurrent_duplicate_with_409(api_client, monkeypatch):
    if connection.vendor != "postgresql":
        service_missing("the concurrent idempotency test needs PostgreSQL")
    client = api_client()
    entered, release = threading.Event(), threading.Event()
    real_job_create = hiring_api_views.services.job_create

    def slow_job_create(**fields):
        entered.set()
        assert release.wait(20)
        return real_job_create(**fields)

    monkeypatch.setattr(hiring_api_views.services, "job_create", slow_job_create)
    responses = {}

    def first_request():
        try:
            responses["first"] = client.post(
                "/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k"
            )
        finally:
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert entered.wait(20)

    duplicate = client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    release.set()
    thread.join(30)
    replay = client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k")

    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "idempotency_key_in_use"
    assert responses["first"].status_code == 201
    assert replay.status_code == 201
    assert replay.json() == responses["first"].json()
    assert Job.objects.count() == 1


def test_it_keeps_no_candidate_link_in_the_stored_response(api_client, world):
    client = api_client()
    body = {"application": world.application.pk}
    first = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="order")

    again = client.post("/api/v1/invitations/", body, HTTP_IDEMPOTENCY_KEY="order")

    record = IdempotencyRecord.objects.get(key="order")
    assert first.json()["candidate_url"]
    assert first.json()["candidate_url"].rsplit("/", 2)[-2] not in str(
        record.response_body
    )
    assert again.status_code == 201
    assert again.json() == first.json()


@pytest.mark.parametrize(
    "key", ["a", "3f2b-47c1 retry 2", " ", "\t", "a\x7fb", "caf\u00e9", "x" * 255]
)
def test_it_takes_exactly_the_keys_the_schema_allows(api_client, client, key):
    import re

    schema = client.get("/api/v1/schema/?format=json").json()
    (header,) = [
        parameter
        for parameter in schema["paths"]["/api/v1/jobs/"]["post"]["parameters"]
        if parameter["name"] == "Idempotency-Key"
    ]
    rule = header["schema"]
    allowed = (
        rule["minLength"] <= len(key) <= rule["maxLength"]
        and re.fullmatch(rule["pattern"], key) is not None
    )

    response = api_client().post(
        "/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == (201 if allowed else 400), (key, response.content)
