"""Every example the OpenAPI document gives, request, response or webhook, is a
body its own schema accepts: an integrator copying one gets a valid request, and
a receiver's validation written from the schema accepts what the example shows."""

import copy

import jsonschema
import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/?format=json").json()


def _json_schema(node):
    """OpenAPI 3.0's dialect as JSON Schema: `nullable: true` becomes a null
    alternative and a boolean `exclusiveMaximum` a number; everything else reads
    the same."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    for bound, exclusive in (
        ("maximum", "exclusiveMaximum"),
        ("minimum", "exclusiveMinimum"),
    ):
        # A boolean goes whether true or false; only true moves the bound.
        if isinstance(node.get(exclusive), bool) and node.pop(exclusive):
            node[exclusive] = node.pop(bound)
    if node.pop("nullable", False):
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _examples(schema):
    """(where, example, its schema) for every example of the document."""
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ] + [
        (f"webhook {name}", operation)
        for name, item in schema.get("x-webhooks", {}).items()
        for operation in item.values()
    ]
    for where, operation in operations:
        parts = [("request", operation.get("requestBody", {}))] + [
            (f"response {code}", response)
            for code, response in operation["responses"].items()
        ]
        for part, body in parts:
            for media in body.get("content", {}).values():
                for name, example in media.get("examples", {}).items():
                    yield (f"{where} {part} {name}", example["value"], media["schema"])


def test_every_example_validates_against_its_schema(schema):
    components = _json_schema(copy.deepcopy(schema["components"]))
    invalid = []
    found = 0
    for where, example, body_schema in _examples(schema):
        found += 1
        validator = jsonschema.Draft202012Validator(
            {**_json_schema(body_schema), "components": components}
        )
        for error in validator.iter_errors(example):
            invalid.append(
                f"{where}: {'/'.join(map(str, error.path))}: {error.message}"
            )

    assert found > 20
    assert invalid == []
