"""Every refusal's `code` is named in the OpenAPI document, under the operation
and status that answered it: an integrator tells one 409 from another by
reading the schema, not by trying."""

import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/?format=json").json()


def _documented(schema, method: str, path: str, status: int) -> str:
    for template, item in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path.split("?")[0]):
            return item[method.lower()]["responses"][str(status)]["description"]
    raise AssertionError(f"{path} is not in the schema")


def _assert_documented(schema, method, path, response, status):
    assert response.status_code == status, response.content
    code = response.json()["code"]
    description = _documented(schema, method, path, status)
    assert f"`{code}`" in description, (code, description)


def test_the_invitation_refusals_are_named(schema, api_client, world):
    client = api_client()
    cases = [
        ({"application_external_id": "app-2"}, 409),  # already_invited
        ({"application_external_id": "app-hired"}, 409),  # application_closed
        ({"application_external_id": "app-1", "instrument_version": 1}, 400),
        ({"application_external_id": "nope"}, 400),  # unknown_reference
    ]
    for body, status in cases:
        response = client.post("/api/v1/invitations/", body)
        _assert_documented(schema, "POST", "/api/v1/invitations/", response, status)

    scored = f"/api/v1/invitations/{world.result.invitation_id}"
    for action in ("extend", "revoke"):
        response = client.post(f"{scored}/{action}/", {"days": 3})
        _assert_documented(schema, "POST", f"{scored}/{action}/", response, 409)

    revoked = f"/api/v1/invitations/{world.invitation.pk}"
    client.post(f"{revoked}/revoke/")
    response = client.post(f"{revoked}/extend/", {"days": 3})
    _assert_documented(schema, "POST", f"{revoked}/extend/", response, 409)


def test_the_webhook_refusals_are_named(schema, api_client, world):
    client = api_client("webhooks:manage", "results:read")
    response = client.post(
        "/api/v1/webhooks/", {"name": "Bad", "url": "ftp://example.com/hook"}
    )
    _assert_documented(schema, "POST", "/api/v1/webhooks/", response, 400)
    response = client.post(
        "/api/v1/webhooks/",
        {
            "name": "Too wide",
            "url": "https://127.0.0.1/hook",
            "events": ["hire_outcome.recorded"],
        },
    )
    _assert_documented(schema, "POST", "/api/v1/webhooks/", response, 400)

    endpoint = client.post(
        "/api/v1/webhooks/", {"name": "Mine", "url": "https://127.0.0.1/hook"}
    ).json()["id"]
    url = f"/api/v1/webhooks/{endpoint}"
    client.patch(f"{url}/", {"enabled": False})
    response = client.post(f"{url}/ping/")
    _assert_documented(schema, "POST", f"{url}/ping/", response, 409)
    response = client.post(f"{url}/deliveries/999999/redeliver/")
    _assert_documented(
        schema, "POST", f"{url}/deliveries/999999/redeliver/", response, 404
    )


def test_the_refusals_of_every_operation_are_named(schema, api_client, world):
    key = api_client("jobs:write")
    anonymous = APIClient()
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Bearer crb_unknown_key")
    jobs = "/api/v1/jobs/"
    cases = [
        (anonymous.get(jobs), "GET", jobs, 401),
        (stranger.get(jobs), "GET", jobs, 401),
        (key.get("/api/v1/results/"), "GET", "/api/v1/results/", 403),
        (key.get(f"{jobs}999999/"), "GET", f"{jobs}999999/", 404),
        (key.get(jobs, HTTP_ACCEPT="text/csv"), "GET", jobs, 406),
        (key.put(jobs, {}), "GET", jobs, 405),
        (key.post(jobs, "x", content_type="text/plain"), "POST", jobs, 415),
        (key.post(jobs, {"title": 4711}), "POST", jobs, 400),
    ]
    for response, method, path, status in cases:
        _assert_documented(schema, method, path, response, status)


def test_a_reused_idempotency_key_is_named(schema, api_client, world):
    client = api_client()
    jobs = "/api/v1/jobs/"
    client.post(jobs, {"title": "One"}, HTTP_IDEMPOTENCY_KEY="k-1")

    response = client.post(jobs, {"title": "Two"}, HTTP_IDEMPOTENCY_KEY="k-1")

    _assert_documented(schema, "POST", jobs, response, 422)


def test_the_upsert_refusals_are_named(schema, api_client, world):
    client = api_client()
    apps = "/api/v1/applications/"
    cases = [
        ({"external_id": "app-1", "job_external_id": "job-1"}, 400),  # no candidate
        ({"job_external_id": "nope", "candidate_external_id": "cand-1"}, 400),
        ({"job": world.job.pk, "job_external_id": "x", "candidate": 1}, 400),
        ({"external_id": "app-2", "job_external_id": "job-1", "candidate": 0}, 400),
        (
            {
                "external_id": "app-1",
                "job_external_id": "job-1",
                "candidate_external_id": "cand-2",
            },
            409,
        ),
        (
            {
                "external_id": "app-new",
                "job_external_id": "job-1",
                "candidate_external_id": "cand-1",
            },
            409,
        ),
    ]
    for body, status in cases:
        response = client.post(apps, body)
        _assert_documented(schema, "POST", apps, response, status)
    client.post("/api/v1/jobs/", {"external_id": "job-2", "title": "Closed"})
    response = client.patch(
        f"/api/v1/jobs/{world.job.pk}/", {"external_id": "job-2"}, format="json"
    )
    _assert_documented(schema, "PATCH", f"/api/v1/jobs/{world.job.pk}/", response, 409)
