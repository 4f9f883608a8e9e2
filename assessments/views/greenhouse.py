"""HTTP side of the Greenhouse Assessment Partner contract.

Greenhouse authenticates with HTTP Basic, the user name being a Criba API key and
the password empty. Answers are JSON; errors are RFC 9457 problems naming what is
wrong, so Greenhouse's logs (and its response_error reports) say it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from assessments.integrations.greenhouse import (
    greenhouse_error_record,
    greenhouse_send_test,
    greenhouse_test_status,
    greenhouse_tests,
)
from hiring.api.exceptions import problem_body
from hiring.errors import DomainError, Forbidden, Invalid
from hiring.models import ApiKey
from hiring.problems import PROBLEM_CONTENT_TYPE, problem_response
from hiring.selectors import api_key_for
from hiring.services import api_key_touch

logger = logging.getLogger(__name__)

# The scopes a key needs for each call.
SCOPES = {
    "list_tests": {ApiKey.Scope.JOBS_READ},
    "send_test": {ApiKey.Scope.APPLICATIONS_WRITE, ApiKey.Scope.INVITATIONS_WRITE},
    "test_status": {ApiKey.Scope.RESULTS_READ},
    "response_error": {ApiKey.Scope.INVITATIONS_WRITE},
}
MAX_BODY = 64 * 1024


def _problem(body: dict) -> HttpResponse:
    return JsonResponse(body, status=body["status"], content_type=PROBLEM_CONTENT_TYPE)


def _unauthorized(request: HttpRequest) -> HttpResponse:
    response = _problem(
        problem_body(
            status_code=401,
            code="not_authenticated",
            detail=_(
                "Use HTTP Basic with a Criba API key as the user name and an empty "
                "password."
            ),
            instance=request.path,
        )
    )
    response["WWW-Authenticate"] = 'Basic realm="criba-greenhouse"'
    return response


def _method_not_allowed(request: HttpRequest, method: str) -> HttpResponse:
    response = _problem(
        problem_body(
            status_code=405,
            code="method_not_allowed",
            detail=_("%(method)s is not allowed here; this call takes %(allowed)s.")
            % {"method": request.method, "allowed": method},
            instance=request.path,
        )
    )
    response["Allow"] = method
    return response


def _api_key(request: HttpRequest) -> ApiKey | None:
    header = request.headers.get("Authorization", "")
    kind, _sep, encoded = header.partition(" ")
    if kind.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, _sep, _password = decoded.partition(":")
    api_key = api_key_for(username)
    if api_key is not None:
        api_key_touch(api_key=api_key)
    return api_key


def _partner_view(name: str, method: str):
    """Take only `method`, authenticate, check the key's scopes, and map domain
    errors to problems."""

    def decorate(view):
        @csrf_exempt
        def wrapped(request: HttpRequest) -> HttpResponse:
            if request.method != method:
                return _method_not_allowed(request, method)
            api_key = _api_key(request)
            if api_key is None:
                return _unauthorized(request)
            missing = SCOPES[name] - set(api_key.scopes)
            try:
                if missing:
                    raise Forbidden(
                        _("This API key lacks the scopes %(scopes)s.")
                        % {"scopes": ", ".join(sorted(missing))},
                        code="missing_scope",
                    )
                return view(request, api_key)
            except DomainError as problem:
                return problem_response(problem, instance=request.path)
            except RequestDataTooBig:
                return _problem(
                    problem_body(
                        status_code=413,
                        code="payload_too_large",
                        detail=_("The body is larger than 64 KB."),
                        instance=request.path,
                    )
                )

        return wrapped

    return decorate


def _json_body(request: HttpRequest):
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE, reading the body raises this already.
    if len(request.body) > MAX_BODY:
        raise RequestDataTooBig
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Invalid(_("The body is not valid JSON.")) from None


@_partner_view("list_tests", "GET")
def list_tests(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    return JsonResponse(greenhouse_tests(), safe=False)


@_partner_view("send_test", "POST")
def send_test(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    answer = greenhouse_send_test(payload=_json_body(request), api_key=api_key)
    return JsonResponse(answer)


@_partner_view("test_status", "GET")
def test_status(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    return JsonResponse(
        greenhouse_test_status(reference=request.GET.get("partner_interview_id"))
    )


@_partner_view("response_error", "POST")
def response_error(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    report = greenhouse_error_record(payload=_json_body(request))
    logger.warning(
        "Greenhouse reported an error about order %s (report %s)",
        report.reference or "-",
        report.pk,
    )
    return JsonResponse({"received": True})


@csrf_exempt
def unknown_call(request: HttpRequest) -> HttpResponse:
    return _problem(
        problem_body(
            status_code=404,
            code="not_found",
            detail=_(
                "There is no such call. The four are list_tests, send_test, "
                "test_status and response_error, without a trailing slash."
            ),
            instance=request.path,
        )
    )
