"""What the OpenAPI document says beyond the serializers: the bearer scheme, the
``Idempotency-Key`` header on every POST and the problem responses of every
operation, so an integrator can rely on the schema alone."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from hiring.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from hiring.api.idempotency import KEY_PATTERN, MAX_KEY_LENGTH
from hiring.problems import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem: the body of every error response."""

    type = serializers.CharField(
        help_text="A URI naming the kind of problem; stable, one per `code`."
    )
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    detail = serializers.CharField(
        help_text="What went wrong with this request, for a person to read."
    )
    code = serializers.CharField(
        help_text=(
            "A stable machine-readable reason, e.g. `already_invited`, "
            "`external_id_taken`, `not_authenticated`, `rate_limited`."
        )
    )
    instance = serializers.CharField(
        required=False, help_text="The path of the request that failed."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: each offending field with its messages.",
    )


_PROBLEM_EXAMPLE = OpenApiExample(
    "Invalid input",
    value={
        "type": "https://criba.dev/problems/invalid",
        "title": "The request is not valid",
        "status": 400,
        "detail": "Some fields are not valid.",
        "code": "invalid",
        "instance": "/api/v1/candidates/",
        "errors": {"email": ["Enter a valid email address."]},
    },
    response_only=True,
    status_codes=["400"],
)

_ERRORS_EVERYWHERE = {
    "400": (
        "Malformed query or body; `errors` names each field. Its `code` is "
        "`invalid` unless this operation lists a more precise one."
    ),
    "401": (
        "No API key (`code` `not_authenticated`), or an unknown or revoked one "
        "(`authentication_failed`); `WWW-Authenticate: Bearer`."
    ),
    "403": "The API key lacks the scope this operation needs (`permission_denied`).",
    "404": "No such resource (`not_found`).",
    "406": (
        "The `Accept` header asks for something other than JSON (`not_acceptable`)."
    ),
    "429": (
        "Too many requests for this API key; wait `Retry-After` seconds "
        "(`rate_limited`)."
    ),
    "500": "An error on the server; it has been logged (`server_error`).",
}
_ERRORS_OF_WRITES = {
    "409": (
        "The resource's state does not allow this (e.g. an open invitation "
        "exists), or a request with the same Idempotency-Key is still running "
        "(`idempotency_key_in_use`)."
    ),
    "413": (
        f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} kB; "
        "nothing was saved (`payload_too_large`)."
    ),
    "415": "The body is not `application/json` (`unsupported_media_type`).",
    "422": (
        "The Idempotency-Key was already used with a different request body "
        "(`idempotency_key_reused`)."
    ),
}


_ERROR_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "The scheme to authenticate with: `Bearer`.",
            "required": True,
        }
    },
    "405": {
        "Allow": {
            "schema": {"type": "string"},
            "description": "The methods this path takes, e.g. `GET, POST, HEAD, "
            "OPTIONS`.",
            "required": True,
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 1},
            "description": "Seconds to wait before the next request.",
            "required": True,
        }
    },
}


class CribaAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_KEY_LENGTH,
                        "pattern": KEY_PATTERN,
                    },
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Any unique string (a UUID is best) of visible ASCII "
                        f"characters, at most {MAX_KEY_LENGTH}. Sending the same "
                        "key with the same body within 24 hours returns the first "
                        "response again (with `Idempotent-Replayed: true`) instead "
                        "of acting twice; "
                        "the same key with another body is refused with 422, and "
                        "while the first request still runs a duplicate gets 409. "
                        "Only a successful response is kept: after a refusal (4xx) "
                        "or a server error the key is free, so the same request "
                        "can be sent again once what was wrong is fixed. "
                        "Keys are scoped to your API key."
                    ),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS_EVERYWHERE)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors.update(_ERRORS_OF_WRITES)
        # OpenAPI has no place for the methods a path refuses: each operation of
        # the path says which ones it takes, so a client reading any of them
        # knows what a refused method gets.
        errors["405"] = (
            "A method this path does not take; it takes "
            f"{', '.join(self._path_methods())}, listed again in `Allow` "
            "(`method_not_allowed`)."
        )
        for status, codes in self._problem_codes().items():
            listed = "; ".join(
                f"`{code}`: {meaning}" for code, meaning in codes.items()
            )
            errors[status] = (
                f"{errors.get(status, '')} This operation's codes: {listed}.".strip()
            )
        for code, description in errors.items():
            if code in responses:
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(
                    ProblemSerializer,
                    description=description,
                    examples=[_PROBLEM_EXAMPLE] if code == "400" else [],
                ),
                code,
                media_types=[PROBLEM_CONTENT_TYPE],
                direction=direction,
            )
            if code in _ERROR_HEADERS:
                responses[code]["headers"] = _ERROR_HEADERS[code]
        return responses

    def _problem_codes(self) -> dict[str, dict[str, str]]:
        """The `code`s this operation's refusals carry, by status, as its view
        declares them in ``problem_codes`` (keyed by action), so an integrator
        can tell one 409 from another without trying."""
        declared = getattr(self.view, "problem_codes", {})
        return declared.get(getattr(self.view, "action", None), {})

    def _path_methods(self) -> list[str]:
        """The methods the path answers, in the order ``Allow`` lists them."""
        view = self.view
        # A viewset's route maps every method of the path to an action.
        actions = getattr(view, "action_map", None)
        if not actions:
            return list(view.allowed_methods)
        taken = {*actions, "options", *(["head"] if "get" in actions else [])}
        return [method.upper() for method in view.http_method_names if method in taken]


def request_bodies_closed(result, generator, request, public):
    """Every write refuses a field it does not know (a misspelt one would
    otherwise be dropped in silence): its request body says so."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            content = (operation.get("requestBody") or {}).get("content", {})
            for body in content.values():
                ref = body.get("schema", {}).get("$ref", "")
                name = ref.removeprefix("#/components/schemas/")
                if ref and name in schemas:
                    schemas[name]["additionalProperties"] = False
    return result


def empty_updated_since_documented(result, generator, request, public):
    """`updated_since=` with no value filters nothing, as the absent parameter
    does (a poller's first request often sends it empty): the schema says so
    rather than promise a 400 the server does not send."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "updated_since" and parameter["in"] == "query":
                    parameter["allowEmptyValue"] = True
                    parameter["description"] = (
                        f"{parameter.get('description', '')} Empty is the same as "
                        "leaving it out."
                    ).strip()
    return result


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "hiring.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "`Authorization: Bearer <API key>`. An administrator creates keys "
                "in the admin or with `manage.py create_api_key --name NAME --scopes "
                "jobs:read,applications:write`; the key is shown once. Each key "
                "holds scopes: `jobs:read`, `jobs:write`, `applications:read`, "
                "`applications:write` (candidates included), `invitations:write`, "
                "`results:read`, `interviews:read`, `webhooks:manage` (the webhook "
                "endpoints the key registers, which only it manages), "
                "`outcomes:read`, `outcomes:write`."
            ),
        }
