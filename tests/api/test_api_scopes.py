"""Every route x every scope: a key reaches only what its scopes cover; a revoked
key and a missing key reach nothing; a key never reaches another key's objects."""

import pytest

from hiring.models import ApiKey, AuditEvent, WebhookDelivery, WebhookEndpoint
from hiring.services import api_key_revoke
from hiring.webhooks.services import endpoint_create
from tests.api.conftest import delivered_ping

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
    (
        "post",
        "/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver/",
        None,
        {S.WEBHOOKS_MANAGE},
    ),
    ("post", "/api/v1/webhooks/{webhook}/rotate-secret/", None, {S.WEBHOOKS_MANAGE}),
]


# What belongs to the API key that made it, named as in the paths above; every
# other resource is the organisation's and reaches every key its scopes allow.
OWNED_BY_A_KEY = {"webhook"}
OWNED_ROUTES = [
    route
    for route in ROUTES
    if any("{" + name + "}" in route[1] for name in OWNED_BY_A_KEY)
]
OWNED_LISTS = {"webhook": "/api/v1/webhooks/"}


def _own(world, api_key) -> None:
    """Hand the world's objects that have an owner to this key."""
    WebhookEndpoint.objects.filter(pk=world.webhook.pk).update(api_key=api_key)


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
        delivery=world.delivery.pk,
    )
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
@pytest.mark.parametrize("scope", S.values)
def test_it_opens_a_route_only_to_its_scopes(
    api_client, world, method, path, body, allowed, scope
):
    client = api_client(scope)
    _own(world, client.api_key)

    response = _call(client, world, method, path, body)

    if scope in allowed:
        assert response.status_code in {200, 201, 202, 204}, response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "permission_denied"


def _webhook_state(webhook) -> dict:
    """Everything about an endpoint another key must not change or learn."""
    return {
        "endpoint": WebhookEndpoint.objects.filter(pk=webhook.pk).values().first(),
        "deliveries": WebhookDelivery.objects.filter(endpoint_id=webhook.pk).count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("owner", ["another key", "an administrator"])
@pytest.mark.parametrize(("method", "path", "body", "allowed"), OWNED_ROUTES)
def test_it_keeps_another_keys_objects_out_of_reach(
    api_client, world, method, path, body, allowed, owner
):
    """With every scope the route needs, a key gets the 404 of a missing id for an
    object another key (or an administrator, on the settings page) made, and
    nothing about the object changes."""
    if owner == "another key":
        _own(world, api_client(*allowed, name="Owner").api_key)
    client = api_client(*allowed, name="Intruder")
    before = _webhook_state(world.webhook)

    response = _call(client, world, method, path, body)

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    missing = _call(client, world, method, path.replace("{webhook}", "987654"), body)
    assert missing.status_code == 404

    def same_but_the_id(body: dict, pk) -> dict:
        # The detail names the id the client sent, and nothing else differs.
        return {**body, "instance": None, "detail": body["detail"].replace(pk, "N")}

    assert same_but_the_id(response.json(), str(world.webhook.pk)) == (
        same_but_the_id(missing.json(), "987654")
    )
    assert _webhook_state(world.webhook) == before


@pytest.mark.parametrize("owner", ["another key", "an administrator"])
@pytest.mark.parametrize("kind", sorted(OWNED_BY_A_KEY))
def test_it_lists_none_of_another_keys_objects(api_client, world, kind, owner):
    if owner == "another key":
        _own(world, api_client(name="Owner").api_key)
    client = api_client(name="Intruder")
    created = client.post(
        OWNED_LISTS[kind],
        {"name": "Mine", "url": "https://127.0.0.1/hooks/mine"},
        format="json",
    )

    listed = client.get(OWNED_LISTS[kind])

    assert listed.status_code == 200
    rows = listed.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [row["id"] for row in rows] == [created.json()["id"]]


def test_it_gives_a_key_its_own_object_through_every_owned_route(api_client, world):
    """The other side of the two tests above: the owner reaches each route."""
    client = api_client(ApiKey.Scope.WEBHOOKS_MANAGE)
    webhook, _secret = endpoint_create(
        actor=None,
        name="Own",
        url="https://127.0.0.1/hooks/own",
        api_key=client.api_key,
    )
    world.webhook = webhook
    world.delivery = delivered_ping(webhook)

    last_the_delete = sorted(OWNED_ROUTES, key=lambda route: route[0] == "delete")
    for method, path, body, _allowed in last_the_delete:
        response = _call(client, world, method, path, body)
        assert response.status_code in {200, 202, 204}, (method, path)


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
        path = path.replace("{delivery}", "{delivery_id}")
        tested.add((method, path))
    assert offered == tested


@pytest.mark.parametrize(
    "path", ["/api/v1/results/", "/api/v1/interviews/1/", "/api/v1/instruments/"]
)
def test_it_answers_a_method_a_read_only_list_refuses_with_405_not_403(
    api_client, path
):
    response = api_client().delete(path)

    assert response.status_code == 405, response.content
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["code"] == "method_not_allowed"


def test_it_still_refuses_an_unknown_key_before_naming_the_methods(client, db):
    response = client.delete(
        "/api/v1/results/", headers={"Authorization": "Bearer crb_nope_nope"}
    )

    assert response.status_code == 401
