"""Typed domain errors: what went wrong, in the domain's words, with no HTTP in them.

Services raise these; one mapping at the edge (`hiring.problems`) turns them into an
HTML page or an RFC 9457 problem, so a page, an API call and a task that meet the
same rule meet the same error.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that breaks a rule of the domain.

    ``code`` is a stable machine-readable reason (``already_invited``); ``message``
    is the sentence for a person, already translated; ``fields`` maps a field name
    to its messages when the problem lies in particular fields of the input.
    """

    default_code = "invalid"
    # Set by a service that writes many entries at once: the position of the
    # entry refused, so that a file can name its line.
    entry: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.fields = {
            key: [str(m) for m in value] for key, value in (fields or {}).items()
        }


class Invalid(DomainError):
    """The input is malformed or breaks a rule about its own values."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""

    default_code = "not_found"


class Forbidden(DomainError):
    """The caller may know the thing exists but may not do this to it."""

    default_code = "forbidden"


class Conflict(DomainError):
    """The thing is in a state that does not allow this (already done, closed)."""

    default_code = "conflict"


class Gone(DomainError):
    """The thing existed and can no longer be used (expired, withdrawn)."""

    default_code = "gone"
