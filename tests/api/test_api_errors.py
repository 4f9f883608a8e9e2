"""Every error path answers an RFC 9457 problem: 400, 401, 403, 404, 405, 409, 415,
413, 422, 429 and 500."""

import json

from rest_framework.test import APIClient

from hiring.api import views as hiring_api_views

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code"}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_MEMBERS
    assert body["status"] == status
    assert body["type"].startswith("https://criba.dev/problems/")
    assert body["instance"] == response.wsgi_request.path
    if code is not None:
        assert body["code"] == code
    return body


def test_it_answers_400_naming_each_bad_field(api_client):
    response = api_client().post(
        "/api/v1/candidates/", {"email": "not an email", "preferred_language": "xx"}
    )

    body = assert_problem(response, 400, "invalid")
    assert set(body["errors"]) == {"email", "preferred_language"}


def test_it_answers_400_for_malformed_json(api_client):
    response = api_client().post(
        "/api/v1/jobs/", "{not json", content_type="application/json"
    )

    assert_problem(response, 400, "parse_error")


def test_it_answers_400_for_a_bad_filter_or_cursor(api_client, db):
    client = api_client()

    assert_problem(client.get("/api/v1/jobs/?updated_since=yesterday"), 400)
    assert_problem(client.get("/api/v1/jobs/?cursor=%%%"), 400)
    assert_problem(client.get("/api/v1/jobs/?page_size=101"), 400)
    for instant in ("0400-11-11T12:21:04+20:00", "0001-01-01T00:00:00+01:00"):
        response = client.get("/api/v1/results/", {"updated_since": instant})
        assert response.status_code in {200, 400}, response.content
        if response.status_code == 400:
            assert_problem(response, 400)


def test_it_answers_400_for_a_rule_of_the_services(api_client, db):
    body = assert_problem(api_client().post("/api/v1/jobs/", {"department": "x"}), 400)

    assert "title" in body["errors"]


def test_it_answers_401_without_a_key(db):
    response = APIClient().get("/api/v1/jobs/")

    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_it_answers_401_for_an_unknown_key(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer crb_00000000_nope")

    assert_problem(client.get("/api/v1/jobs/"), 401, "authentication_failed")


def test_it_answers_403_for_a_missing_scope(api_client):
    assert_problem(
        api_client("jobs:read").post("/api/v1/jobs/", {"title": "x"}),
        403,
        "permission_denied",
    )


def test_it_answers_404_for_an_unknown_object_and_an_unknown_path(api_client, db):
    client = api_client()

    assert_problem(client.get("/api/v1/jobs/999999/"), 404, "not_found")
    assert_problem(client.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_problem(client.get("/api/v2/jobs/"), 404, "not_found")


def test_it_names_the_row_it_did_not_find(api_client, db):
    client = api_client()

    job = assert_problem(client.get("/api/v1/jobs/999999/"), 404, "not_found")
    instrument = assert_problem(client.get("/api/v1/instruments/nope/"), 404)
    extend = assert_problem(
        client.post("/api/v1/invitations/424242/extend/", {"days": 1}), 404
    )

    assert job["detail"] == "There is no job 999999."
    assert instrument["detail"] == "There is no instrument nope."
    assert extend["detail"] == "There is no invitation 424242."


def test_it_answers_405_for_an_unsupported_method(api_client, db):
    response = api_client().delete("/api/v1/jobs/")

    body = assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert body["detail"] == (
        "DELETE is not allowed on this path; it takes GET, POST, HEAD, OPTIONS."
    )


def test_it_answers_409_for_a_state_conflict(api_client, world):
    client = api_client()
    client.post("/api/v1/invitations/", {"application": world.application.pk})

    response = client.post(
        "/api/v1/invitations/", {"application": world.application.pk}
    )

    assert_problem(response, 409, "already_invited")


def test_it_answers_415_for_a_body_that_is_not_json(api_client, db):
    response = api_client().post(
        "/api/v1/jobs/", "title=x", content_type="application/x-www-form-urlencoded"
    )

    assert_problem(response, 415, "unsupported_media_type")


def test_it_answers_422_for_a_reused_idempotency_key(api_client, db):
    client = api_client()
    client.post("/api/v1/jobs/", {"title": "A"}, HTTP_IDEMPOTENCY_KEY="k1")

    response = client.post("/api/v1/jobs/", {"title": "B"}, HTTP_IDEMPOTENCY_KEY="k1")

    assert_problem(response, 422, "idempotency_key_reused")


def test_it_answers_413_to_a_body_over_the_limit_and_writes_nothing(
    api_client, db, settings
):
    from hiring.models import Job

    body = json.dumps(
        {"external_id": "job-big", "title": "Big", "description": "x" * 300_000}
    )
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = api_client("jobs:write").post(
        "/api/v1/jobs/", body, content_type="application/json"
    )

    assert_problem(response, 413, "payload_too_large")
    assert "Nothing was saved" in response.json()["detail"]
    assert not Job.objects.filter(external_id="job-big").exists()


def test_it_names_a_field_the_request_does_not_have(api_client, db):
    from hiring.models import Job

    client = api_client("jobs:write")
    response = client.post(
        "/api/v1/jobs/",
        {"external_id": "job-4711", "title": "AE", "titel": "typo", "id": 99},
        format="json",
    )

    body = assert_problem(response, 400, "invalid")
    assert set(body["errors"]) == {"titel", "id"}  # `id` is read-only
    assert not Job.objects.filter(external_id="job-4711").exists()
    job = client.post(
        "/api/v1/jobs/", {"external_id": "job-4711", "title": "AE"}, format="json"
    ).json()
    patched = client.patch(f"/api/v1/jobs/{job['id']}/", {"salary": 5}, format="json")
    assert set(assert_problem(patched, 400, "invalid")["errors"]) == {"salary"}


def test_it_answers_429_with_retry_after(api_client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "2/minute"},
    }
    client = api_client()
    other = api_client()
    assert client.get("/api/v1/jobs/").status_code == 200
    assert client.get("/api/v1/jobs/").status_code == 200

    response = client.get("/api/v1/jobs/")

    assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    # The budget is the key's own.
    assert other.get("/api/v1/jobs/").status_code == 200


def test_it_answers_500_without_revealing_anything(api_client, db, monkeypatch):
    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(hiring_api_views.selectors, "jobs_for_integrations", explode)
    client = api_client()
    client.raise_request_exception = False

    response = client.get("/api/v1/jobs/")

    body = assert_problem(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert body["detail"]


def test_it_refuses_an_id_filter_that_is_not_a_whole_number(api_client, db):
    response = api_client("applications:read").get(
        "/api/v1/applications/?candidate=1.5"
    )

    body = assert_problem(response, 400, "invalid")
    assert "candidate" in body["errors"]
