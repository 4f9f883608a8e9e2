"""Cursor pagination over (``updated_at``, ``id``), oldest change first.

A keyset, not an offset: the cursor names the last row seen, so rows inserted or
changed while an integrator pages through land after it, and no row is skipped or
repeated because another moved. Polling is this same walk: keep the last ``next``
(or the newest ``updated_at`` seen) and ask again later.

A cursor names the list it came from: one list's cursor given to another would
start that walk at an unrelated row and skip rows without a word, so it is
refused. Cursors handed out before they named their list are still taken.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def cursor_encode(updated_at: datetime, pk: int, *, resource: str) -> str:
    text = f"{resource}|{updated_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(cursor: str, *, resource: str) -> tuple[datetime, int]:
    """The row a cursor names; a cursor of another list than `resource` is
    refused, naming both lists."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        parts = text.split("|")
        if len(parts) == 2:  # handed out before cursors named their list
            parts.insert(0, resource)
        other, stamp, pk = parts
        updated_at = datetime.fromisoformat(stamp)
        if updated_at.tzinfo is None:
            raise ValueError("naive")
        pk = int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationError(
            {"cursor": [_("This cursor is not one the API handed out.")]}
        ) from None
    if other != resource:
        raise ValidationError(
            {
                "cursor": [
                    _(
                        "This cursor belongs to the %(other)s list, not the "
                        "%(resource)s list: follow the `next` link of the list "
                        "you are reading, or start it without a cursor."
                    )
                    % {"other": other, "resource": resource}
                ]
            }
        )
    return updated_at, pk


class UpdatedCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Must be a whole number from 1 to %(max)d.")
                        % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        return self.page_rows(self.page_queryset(queryset, request, view))

    def page_queryset(self, queryset, request, view=None):
        """The page's rows and the one after it (which says whether there is a
        next page), in order, not yet read: a view may read them itself."""
        self.request = request
        self.size = size = self.page_size(request)
        # Rows that never change (published instruments) page by their creation.
        self.field = field = getattr(view, "cursor_field", "updated_at")
        self.resource = self.resource_of(queryset, view)
        queryset = queryset.order_by(*self.ordering)
        raw_cursor = request.query_params.get(self.cursor_query_param)
        if raw_cursor:
            stamp, pk = cursor_decode(raw_cursor, resource=self.resource)
            queryset = queryset.filter(
                Q(**{f"{field}__gt": stamp}) | Q(**{field: stamp, "id__gt": pk})
            )
        return queryset[: size + 1]

    @staticmethod
    def resource_of(queryset, view) -> str:
        """The name of the list a cursor belongs to: the router's basename."""
        return getattr(view, "basename", None) or queryset.model._meta.model_name

    @property
    def ordering(self) -> tuple[str, str]:
        return (self.field, "id")

    def page_rows(self, rows) -> list:
        """The rows of `page_queryset` this page shows; the next cursor set."""
        rows = list(rows)
        self.next_cursor = None
        if len(rows) > self.size:
            rows = rows[: self.size]
            last = rows[-1]
            # Rows are model instances, or dicts where a view reads plain values.
            if isinstance(last, dict):
                stamp, pk = last[self.field], last["id"]
            else:
                stamp, pk = getattr(last, self.field), last.pk
            self.next_cursor = cursor_encode(stamp, pk, resource=self.resource)
        return rows

    def next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "example": "https://criba.example.com/api/v1/results/"
                    "?cursor=MjAyNi0xMi0wNFQxMzowMDowMCswMDowMHw0Mg",
                    "description": (
                        "The URL of the next page, or null on the last page. Keep "
                        "following it to see every row changed since your last poll."
                    ),
                },
                "results": (
                    {**schema, "description": "The rows of this page."}
                    if isinstance(schema, dict)
                    else schema  # drf-spectacular's placeholder for examples
                ),
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "An opaque cursor taken from the `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": (
                    f"Rows per page, 1 to {MAX_PAGE_SIZE} "
                    f"(default {DEFAULT_PAGE_SIZE})."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
