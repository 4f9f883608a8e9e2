"""Every API error as an RFC 9457 ``application/problem+json`` body.

Domain errors go through the one mapping in ``hiring.problems``; errors of the
HTTP conversation itself (authentication, scopes, methods, media types, rate
limits, malformed input) get a body of the same shape here. Anything unexpected
is logged and answered with a 500 problem that reveals nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from hiring.errors import DomainError, Invalid
from hiring.problems import PROBLEM_CONTENT_TYPE, problem_details

logger = logging.getLogger(__name__)


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"


_TITLES = {
    400: gettext_lazy("The request is not valid"),
    401: gettext_lazy("Authentication is required"),
    403: gettext_lazy("You may not do this"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("This cannot be done in the current state"),
    410: gettext_lazy("No longer available"),
    413: gettext_lazy("The request was too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("The request cannot be processed"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Internal server error"),
}


def problem_body(
    *, status_code: int, code: str, detail: str, instance: str = "", errors=None
) -> dict:
    """The same members as ``hiring.problems.problem_details``, for HTTP errors."""
    body = {
        "type": f"https://criba.dev/problems/{code.replace('_', '-')}",
        "title": str(_TITLES.get(status_code, _("The request could not be completed"))),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem(body: dict, headers: dict | None = None) -> Response:
    return Response(
        body,
        status=body["status"],
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation details as ``{"field.sub": [messages]}``."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            for sub, messages in _flatten(value, name).items():
                fields.setdefault(sub, []).extend(messages)
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        fields = {}
        for index, value in enumerate(detail):
            for sub, messages in _flatten(value, f"{prefix}[{index}]").items():
                fields.setdefault(sub, []).extend(messages)
        return fields
    return {prefix or "non_field_errors": [str(detail)]}


def _missing_row(context: dict) -> str | None:
    """The row a lookup did not find, named as the path named it."""
    view, kwargs = context.get("view"), context.get("kwargs") or {}
    resource = getattr(view, "basename", None)
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(
        view, "lookup_field", "pk"
    )
    if not resource or lookup not in kwargs:
        return None
    return _("There is no %(resource)s %(id)s.") % {
        "resource": resource,
        "id": kwargs[lookup],
    }


def api_exception_handler(exc: Exception, context: dict) -> Response:
    request = context.get("request")
    instance = request.path if request is not None else ""
    set_rollback()

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_missing_row(context))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, DomainError):
        return problem(problem_details(exc, instance=instance))

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        error = Invalid(_("Some fields are not valid."), fields=fields)
        return problem(problem_details(error, instance=instance))

    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        if isinstance(exc, exceptions.Throttled):
            code = "rate_limited"
        detail = str(exc.detail) if isinstance(exc.detail, str) else str(exc)
        view = context.get("view")
        if isinstance(exc, exceptions.MethodNotAllowed) and view is not None:
            detail = _(
                "%(method)s is not allowed on this path; it takes %(allowed)s."
            ) % {
                "method": request.method,
                "allowed": ", ".join(view.allowed_methods),
            }
        body = problem_body(
            status_code=exc.status_code,
            code=str(code),
            detail=detail,
            instance=instance,
        )
        return problem(body, headers)

    if isinstance(exc, RequestDataTooBig):
        return problem(
            problem_body(
                status_code=413,
                code="payload_too_large",
                detail=_(
                    "The request is larger than the %(size)s kB allowed. "
                    "Nothing was saved."
                )
                % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
                instance=instance,
            )
        )

    logger.exception("Unhandled error in API view %s", instance)
    return problem(
        problem_body(
            status_code=500,
            code="server_error",
            detail=_("Something went wrong on our side; it has been logged."),
            instance=instance,
        )
    )
