"""Keeping live candidate tokens (and API keys) out of logs and error reports.

A candidate's private link is ``/take/<token>/``; whoever reads the token can take
the questionnaire; a hire's link to their development plan is ``/my-plan/<token>/``.
Django logs the path of every 4xx and 5xx, the development server logs every
request line, and error reports print the request with its
headers and the frames' variables. Each of these passes through here.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

REDACTED = "[redacted]"

# The token is the one path segment after /take/ (or /my-plan/) that is not a
# token-free page ("session/..."). Percent-encoded slashes stay inside the segment.
_TAKE_TOKEN = re.compile(r"(/take/|/my-plan/)(?!session(?:/|$|[?#\s]))([^/\s?#\"'<>]+)")


# An API key (``crb_<8 hex>_<secret>``) keeps its prefix, which names it in the
# admin; a webhook signing secret (``whsec_<base64>``) keeps only its kind.
# Greenhouse sends the key as the HTTP Basic user name, which access logs print.
_API_KEY = re.compile(r"\b(crb_[0-9a-f]{8}_)[A-Za-z0-9_-]+")
_WEBHOOK_SECRET = re.compile(r"\b(whsec_)[A-Za-z0-9+/=]+")


def redact(text: str) -> str:
    """``text`` with every candidate or hire token, API key and webhook secret
    replaced by ``[redacted]``."""
    if "crb_" in text:
        text = _API_KEY.sub(rf"\g<1>{REDACTED}", text)
    if "whsec_" in text:
        text = _WEBHOOK_SECRET.sub(rf"\g<1>{REDACTED}", text)
    if "/take/" not in text and "/my-plan/" not in text:
        return text
    return _TAKE_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback text) without tokens.

    Installed on every handler: a filter on a logger would miss the records that
    propagate to it from child loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, also cleaning request paths, headers and token variables."""

    def get_safe_request_meta(self, request) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in meta.items()
        }

    def get_traceback_frame_variables(self, request, tb_frame):
        # cleanse_setting hides any key that looks secret ("token" among them),
        # in nested dicts too, such as a view's kwargs.
        return [
            (name, self._redacted(self.cleanse_setting(name, value)))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def _redacted(self, value: Any) -> Any:
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, dict):
            return {key: self._redacted(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._redacted(item) for item in value)
        return value


class RedactingExceptionReporter(ExceptionReporter):
    """Error pages and error emails with no token anywhere in them.

    The request's repr, its URL and the Referer are printed in many places of the
    report; cleaning the finished text is the one place that catches them all.
    """

    def get_traceback_html(self) -> str:
        return redact(str(super().get_traceback_html()))

    def get_traceback_text(self) -> str:
        return redact(str(super().get_traceback_text()))
