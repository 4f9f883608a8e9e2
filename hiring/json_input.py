"""Reading JSON that strangers send, with its nesting bounded.

Python's ``json`` recurses once per level of nesting: a body of 100,000 ``[``,
well under any size cap, raises ``RecursionError``. The depth is measured first,
without recursion, and a body nested deeper than the limit is refused by name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A JSON string, so that brackets inside strings are not counted. Possessive
# quantifiers keep an unterminated string from backtracking.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class JSONTooDeepError(ValueError):
    def __init__(self, limit: int):
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in ``data`` (0 for a scalar)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_loads_bounded(
    data: bytes | str, *, max_depth: int | None = None, **options: Any
) -> Any:
    """``json.loads`` that raises ``JSONTooDeepError`` instead of recursing too far.

    Raises ``ValueError`` (``json.JSONDecodeError``, ``UnicodeDecodeError`` or
    ``JSONTooDeepError``) for anything that is not JSON within the limit.
    """
    limit = settings.CRIBA_JSON_MAX_DEPTH if max_depth is None else max_depth
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # Fewer brackets than the limit cannot nest deeper than it: skip the scan.
    if raw.count(b"[") + raw.count(b"{") > limit and json_depth(raw) > limit:
        raise JSONTooDeepError(limit)
    return json.loads(raw, **options)


# A surrogate left after decoding: json.loads joins an escaped pair into one
# character, so any still standing is half of one, which UTF-8 cannot encode.
_SURROGATE = re.compile("[\ud800-\udfff]")


def unpaired_surrogate(text: str) -> bool:
    """Whether ``text`` holds half of a surrogate pair, which UTF-8 (and so
    PostgreSQL) cannot encode."""
    return _SURROGATE.search(text) is not None


def _json_strings(value: Any):
    """Every key and string of parsed JSON, walked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_unstorable(value: Any) -> bool:
    """Whether parsed JSON holds, in a key or a string, text PostgreSQL cannot
    store: NUL, or an unpaired surrogate (both reachable through ``\\u`` escapes)."""
    return any(
        "\x00" in text or unpaired_surrogate(text) for text in _json_strings(value)
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONParser(JSONParser):
    """The REST framework's JSON parser with the nesting bounded (and, as DRF's
    strict mode does, without NaN or Infinity)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read() if stream is not None else b""
        try:
            parsed = json_loads_bounded(data, parse_constant=_refuse_constant)
        except JSONTooDeepError as error:
            raise ParseError(str(error)) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        # Refused here, whatever field it is meant for: a view would echo it in
        # an error (a choice it does not know), an answer UTF-8 cannot encode.
        if any(unpaired_surrogate(text) for text in _json_strings(parsed)):
            raise ParseError(
                _(
                    "The JSON holds half of a surrogate pair (\\ud800 to \\udfff), "
                    "which is not text; send the character whole."
                )
            )
        return parsed
