"""``Idempotency-Key`` on POST: a retried request replays the first response.

The record is inserted (and committed) before the request runs; its unique key
(API key, Idempotency-Key) is the lock. A duplicate that arrives while the first
still runs finds the row without a response and gets 409; one that arrives later
with the same body gets the stored response again; one with another body gets 422.
Records are kept 24 hours. Only final answers are stored: a 5xx, a 409 or a 429
deletes the record so that the client may try again with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from hiring.api.exceptions import IdempotencyInProgress, IdempotencyMismatch
from hiring.models import ApiKey, IdempotencyRecord
from hiring.services import IDEMPOTENCY_KEEP_FOR as KEEP_FOR

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Visible ASCII, spaces only inside: what the schema states and the server takes.
KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"
# Headers worth replaying; the rest are the server's of the moment.
_REPLAYED_HEADERS = ("Location",)


def request_fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotency_key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise ValidationError(
            {
                HEADER: [
                    _("Send 1 to %(max)d printable characters.")
                    % {"max": MAX_KEY_LENGTH}
                ]
            }
        )
    return key


def _replay(record: IdempotencyRecord) -> Response:
    headers = {**record.response_headers, "Idempotent-Replayed": "true"}
    response = Response(
        record.response_body, status=record.response_status, headers=headers
    )
    if record.response_status >= 400:
        response.content_type = "application/problem+json"
    return response


def idempotency_claim(
    *, api_key: ApiKey, key: str, fingerprint: str
) -> tuple[IdempotencyRecord | None, Response | None]:
    """Claim the key for this request: (record, None) to go on and run it, or
    (None, stored response) to replay. Raises on a mismatch or a running twin."""
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    api_key=api_key, key=key, fingerprint=fingerprint, created_at=now
                )
            return record, None
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(
                api_key=api_key, key=key
            ).first()
        if existing is None:
            continue  # finished and deleted in between: claim again
        if existing.created_at <= now - KEEP_FOR:
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise IdempotencyMismatch(
                _(
                    "This Idempotency-Key was used with another request; "
                    "use a new key for a new request."
                )
            )
        if existing.response_status is None:
            raise IdempotencyInProgress(
                _("A request with this Idempotency-Key is still running; retry later.")
            )
        return None, _replay(existing)
    raise IdempotencyInProgress(
        _("A request with this Idempotency-Key is still running; retry later.")
    )


def idempotency_finish(
    record: IdempotencyRecord, response: Response, *, body=None
) -> None:
    """Store a successful response (``body`` in place of its data when given: a
    secret must not rest in the table) for replay, or let the key go when the
    request was refused or failed: it changed nothing, so sending it again (say,
    once the application it named exists) is harmless and must not be answered
    with the old refusal for a day."""
    if response.status_code >= 400:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    headers = {
        name: response[name] for name in _REPLAYED_HEADERS if response.has_header(name)
    }
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=response.status_code,
        response_body=response.data if body is None else body,
        response_headers=headers,
    )


class _Replay(Exception):  # noqa: N818 - carries a response, not an error
    def __init__(self, response: Response):
        self.response = response


class IdempotentPostMixin:
    """For API views: honour ``Idempotency-Key`` on every POST.

    The key is claimed after authentication, scopes and throttling (a key is
    scoped to its API key, and a refused request claims nothing) and before the
    handler runs; the handler's response is stored when it is final.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.idempotency_record = None
        if request.method != "POST":
            return
        key = idempotency_key_of(request)
        if key is None:
            return
        record, stored = idempotency_claim(
            api_key=request.auth, key=key, fingerprint=request_fingerprint(request)
        )
        if stored is not None:
            if stored.status_code < 400:
                stored.data = self.idempotency_restore(stored.data)
            raise _Replay(stored)
        request.idempotency_record = record

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(request, "idempotency_record", None)
        if record is not None:
            request.idempotency_record = None
            body = None
            if response.status_code < 400 and getattr(response, "data", None):
                body = self.idempotency_redact(response.data)
            idempotency_finish(record, response, body=body)
        return response

    def idempotency_redact(self, data):
        """What of a successful response is stored for replay (override to leave
        out what must not rest in the database, e.g. a candidate's link)."""
        return data

    def idempotency_restore(self, data):
        """The stored response made whole again at replay."""
        return data
