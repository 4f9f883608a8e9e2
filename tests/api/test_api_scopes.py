"""Every route x every scope: a key reaches only what its scopes cover; a revoked
key and a missing key reach nothing."""

import pytest

from hiring.models import ApiKey
from hiring.services import api_key_revoke

S = ApiKey.Scope

# (method, path with {job} {candidate} {application} {invitation} {result}, body,
#  the scopes any one of which opens the route)
ROUTES = [
    ("get", "/api/v1/jobs/", None, {S.JOBS_READ, S.JOBS_WRITE}),
    ("post", "/api/v1/jobs/", {"title": "Closer"}, {S.JOBS_WRITE}),
    ("get", "/api/v1/jobs/{job}/", None, {S.JOBS_READ, S.JOBS_WRITE}),
    ("patch", "/api/v1/jobs/{job}/", {"location": "Lima"}, {S.JOBS_WRITE}),
    ("get", "/api/v1/candidates/", None, {S.APPLICATIONS_READ, S.APPLICATIONS_WRITE}),
    (
        "post",
        "/api/v1/candidates/",
        {"first_name": "A", "last_name": "B", "email": "a@example.org"},
        {S.APPLICATIONS_WRITE},
    ),
    (
        "get",
        "/api/v1/candidates/{candidate}/",
        None,
        {S.APPLICATIONS_READ, S.APPLICATIONS_WRITE},
    ),
    (
        "patch",
        "/api/v1/candidates/{candidate}/",
        {"phone": "1"},
        {S.APPLICATIONS_WRITE},
    ),
    (
        "get",
        "/api/v1/applications/",
        None,
        {S.APPLICATIONS_READ, S.APPLICATIONS_WRITE},
    ),
    (
        "post",
        "/api/v1/applications/",
        {"job_external_id": "job-1", "candidate_external_id": "cand-2"},
        {S.APPLICATIONS_WRITE},
    ),
    (
        "get",
        "/api/v1/applications/{application}/",
        None,
        {S.APPLICATIONS_READ, S.APPLICATIONS_WRITE},
    ),
    (
        "patch",
        "/api/v1/applications/{application}/",
        {"stage": "interviewing"},
        {S.APPLICATIONS_WRITE},
    ),
    ("get", "/api/v1/applications/{application}/report/", None, {S.RESULTS_READ}),
    (
        "get",
        "/api/v1/instruments/",
        None,
        {S.INVITATIONS_WRITE, S.JOBS_READ, S.RESULTS_READ},
    ),
    (
        "get",
        "/api/v1/instruments/sales-drive/",
        None,
        {S.INVITATIONS_WRITE, S.JOBS_READ, S.RESULTS_READ},
    ),
    ("get", "/api/v1/invitations/", None, {S.INVITATIONS_WRITE, S.APPLICATIONS_READ}),
    (
        "get",
        "/api/v1/invitations/{invitation}/",
        None,
        {S.INVITATIONS_WRITE, S.APPLICATIONS_READ},
    ),
    (
        "post",
        "/api/v1/invitations/",
        {"application_external_id": "app-1"},
        {S.INVITATIONS_WRITE},
    ),
    ("post", "/api/v1/invitations/{invitation}/revoke/", {}, {S.INVITATIONS_WRITE}),
    (
        "post",
        "/api/v1/invitations/{invitation}/extend/",
        {"days": 3},
        {S.INVITATIONS_WRITE},
    ),
    ("get", "/api/v1/results/", None, {S.RESULTS_READ}),
    ("get", "/api/v1/results/{result}/", None, {S.RESULTS_READ}),
    ("get", "/api/v1/interviews/", None, {S.INTERVIEWS_READ}),
    ("get", "/api/v1/interviews/{interview}/", None, {S.INTERVIEWS_READ}),
    ("get", "/api/v1/scorecards/", None, {S.INTERVIEWS_READ}),
    ("get", "/api/v1/scorecards/{scorecard}/", None, {S.INTERVIEWS_READ}),
    ("get", "/api/v1/outcomes/", None, {S.OUTCOMES_READ, S.OUTCOMES_WRITE}),
    ("get", "/api/v1/outcomes/{outcome}/", None, {S.OUTCOMES_READ, S.OUTCOMES_WRITE}),
    (
        "post",
        "/api/v1/outcomes/",
        {
            "application_external_id": "app-hired",
            "start_date": "2026-01-05",
            "manager_name": "Dana Reyes",
        },
        {S.OUTCOMES_WRITE},
    ),
    ("get", "/api/v1/webhooks/", None, {S.WEBHOOKS_MANAGE}),
    (
        "post",
        "/api/v1/webhooks/",
        {"name": "ATS 2", "url": "https://127.0.0.1/hooks/two"},
        {S.WEBHOOKS_MANAGE},
    ),
    ("get", "/api/v1/webhooks/{webhook}/", None, {S.WEBHOOKS_MANAGE}),
    ("patch", "/api/v1/webhooks/{webhook}/", {"name": "ATS"}, {S.WEBHOOKS_MANAGE}),
    ("delete", "/api/v1/webhooks/{webhook}/", None, {S.WEBHOOKS_MANAGE}),
    ("get", "/api/v1/webhooks/{webhook}/deliveries/", None, {S.WEBHOOKS_MANAGE}),
    ("post", "/api/v1/webhooks/{webhook}/ping/", None, {S.WEBHOOKS_MANAGE}),
    ("post", "/api/v1/webhooks/{webhook}/rotate-secret/", None, {S.WEBHOOKS_MANAGE}),
]


def _call(client, world, method, path, body):
    url = path.format(
        job=world.job.pk,
        candidate=world.candidate.pk,
        application=world.application.pk,
        invitation=world.invitation.pk,
        result=world.result.pk,
        webhook=world.webhook.pk,
        interview=world.interview.pk,
        scorecard=world.scorecard.pk,
        outcome=world.outcome.pk,
    )
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
@pytest.mark.parametrize("scope", S.values)
def test_it_opens_a_route_only_to_its_scopes(
    api_client, world, method, path, body, allowed, scope
):
    response = _call(api_client(scope), world, method, path, body)

    if scope in allowed:
        assert response.status_code in {200, 201, 202, 204}, response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
def test_it_refuses_a_revoked_key_everywhere(
    api_client, world, method, path, body, allowed
):
    client = api_client()
    api_key_revoke(api_key=client.api_key)

    response = _call(client, world, method, path, body)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
def test_it_refuses_a_call_without_a_key_everywhere(
    api_client, world, method, path, body, allowed
):
    from rest_framework.test import APIClient

    response = _call(APIClient(), world, method, path, body)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_covers_every_route_of_the_schema(api_client):
    """The table above lists every operation the OpenAPI document offers."""
    schema = api_client().get("/api/v1/schema/?format=json").json()
    offered = {
        (method, path.replace("{slug}", "sales-drive"))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    }
    tested = set()
    for method, path, _body, _allowed in ROUTES:
        for name in (
            "job",
            "candidate",
            "application",
            "invitation",
            "result",
            "webhook",
            "interview",
            "scorecard",
            "outcome",
        ):
            path = path.replace("{" + name + "}", "{id}")
        tested.add((method, path))
    assert offered == tested
