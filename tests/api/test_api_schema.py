"""The OpenAPI document is enough to integrate from: valid, every field described,
every operation with its errors, the bearer scheme and idempotency documented."""

import pytest
from django.core.management import call_command


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_it_is_a_valid_openapi_document(db, tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "s.yaml"),
    )


def _properties(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            yield name, field, definition


def test_it_describes_every_field(schema):
    undescribed = [
        f"{name}.{field}"
        for name, field, definition in _properties(schema)
        if not definition.get("description")
        and not ("$ref" in definition or "allOf" in definition or "oneOf" in definition)
    ]

    assert undescribed == []


def test_it_documents_errors_auth_and_idempotency_on_every_operation(schema):
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation["security"] == [{"ApiKey": []}], where
            for status in ("400", "401", "403", "404", "429", "500"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, (where, status)
            headers = {
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "header"
            }
            if method == "post":
                assert "Idempotency-Key" in headers, where
                assert {"409", "415", "422"} <= set(operation["responses"]), where


def test_it_documents_what_a_refused_method_gets_on_every_path(schema, api_client):
    client = api_client()
    for path, operations in schema["paths"].items():
        url = (
            path.replace("{id}", "1")
            .replace("{slug}", "sales-drive")
            .replace("{delivery_id}", "1")
        )
        # No path takes PUT: the server's answer is the one each operation of the
        # path documents, with the same methods in `Allow`.
        response = client.put(url, {}, format="json")
        assert response.status_code == 405, (path, response.content)
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json()["code"] == "method_not_allowed", path
        for method, operation in operations.items():
            documented = operation["responses"]["405"]
            assert "application/problem+json" in documented["content"], path
            assert documented["headers"]["Allow"]["required"] is True, path
            assert f"takes {response['Allow']}," in documented["description"], (
                method,
                path,
            )


def test_it_documents_the_headers_of_401_and_429(schema):
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            assert "WWW-Authenticate" in responses["401"]["headers"]
            assert "Retry-After" in responses["429"]["headers"]


def test_it_says_every_write_refuses_fields_it_does_not_know(schema, api_client):
    bodies = {
        (method, path): operation["requestBody"]["content"]["application/json"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    for where, body in bodies.items():
        name = body["schema"]["$ref"].rsplit("/", 1)[-1]
        closed = schema["components"]["schemas"][name].get("additionalProperties")
        assert closed is False, where
    # As the server does.
    response = api_client().post("/api/v1/jobs/", {"title": "A", "titel": "B"})
    assert response.status_code == 400
    assert "titel" in response.json()["errors"]


def test_it_says_an_empty_updated_since_filters_nothing(schema, api_client):
    client = api_client()
    lists = 0
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] != "updated_since":
                continue
            lists += 1
            assert parameter["allowEmptyValue"] is True, path
            response = client.get(path, {"updated_since": ""})
            assert response.status_code == 200, (path, response.content)
    assert lists >= 8


def test_it_gives_examples(schema):
    examples = [
        operation
        for operations in schema["paths"].values()
        for operation in operations.values()
        if any(
            "examples" in body
            for response in operation["responses"].values()
            for body in response.get("content", {}).values()
        )
    ]

    assert len(examples) >= 10


def test_it_serves_the_docs_without_a_cdn(client, db):
    page = client.get("/api/v1/docs/")

    body = page.content.decode()
    assert page.status_code == 200
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    )
    assert "cdn" not in body.lower()
    assert "<style>" not in body  # the CSP refuses inline styles
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200


def test_it_names_each_upsert_with_its_article(schema):
    summaries = {
        path: schema["paths"][path]["post"]["summary"]
        for path in ("/api/v1/jobs/", "/api/v1/candidates/", "/api/v1/applications/")
    }

    assert summaries == {
        "/api/v1/jobs/": "Create or update a job",
        "/api/v1/candidates/": "Create or update a candidate",
        "/api/v1/applications/": "Create or update an application",
    }


def test_it_says_what_an_external_id_is_when_there_is_none(schema, api_client):
    """A record made on Criba's pages or by Greenhouse has no external id: every
    response says so, and the API answers "" for it (the webhooks' data null)."""
    from tests.factories import ApplicationFactory

    silent = [
        f"{name}.{field}"
        for name, field, definition in _properties(schema)
        if field.endswith("external_id")
        and not name.endswith("Request")
        and not name.endswith("Data")  # the webhooks' data: null for none
        and 'empty ("")' not in definition["description"].lower()
    ]
    application = ApplicationFactory(external_id="")
    body = api_client().get(f"/api/v1/applications/{application.pk}/").json()

    assert silent == []
    assert body["external_id"] == ""
    assert body["candidate_external_id"] == ""


def test_it_says_which_language_the_text_for_people_is_in(schema, api_client, world):
    """ "The report language" of the labels is the request's Accept-Language."""
    client = api_client("results:read")
    url = f"/api/v1/results/{world.result.pk}/"

    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    other = client.get(url, HTTP_ACCEPT_LANGUAGE="de")

    assert "`Accept-Language`" in schema["info"]["description"]
    assert "`Content-Language`" in schema["info"]["description"]
    assert spanish["Content-Language"] == "es"
    assert other["Content-Language"] == "en"
    assert spanish.json()["validity"]["label"] != other.json()["validity"]["label"]
    assert spanish.json()["band"] == other.json()["band"]
