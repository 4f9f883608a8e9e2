"""Reading stored answers and page times as matrices, one query per batch.

On PostgreSQL each query packs its rows into one ``bytea`` with ``string_agg``
of ``*send()`` (big-endian binary), so 300,000 answers arrive as one buffer for
``np.frombuffer`` instead of as 300,000 Python tuples; elsewhere the ORM reads
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import psycopg
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from assessments.definitions import all_item_keys
from assessments.models import PageTiming, Response
from assessments.scoring.order import presentation_permutations


def _fetch_bytes(sql: str, params: Sequence) -> bytes:
    """The one bytea value a PostgreSQL query returns, fetched in binary."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        (data,) = cursor.fetchone()
    return bytes(data or b"")


def among(field_name: str, ids: Iterable[int]) -> Q:
    """``field__in=ids``; on PostgreSQL as one array parameter.

    Thousands of ``IN (%s, ...)`` placeholders cost more to build and parse than
    the query takes to run.
    """
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return Q(**{f"{field_name}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field_name}__in": ids})


def answer_matrix(
    invitation_ids: Sequence[int], item_keys: Sequence[str]
) -> tuple[np.ndarray, dict[int, int]]:
    """N x k float matrix of answers (NaN where unanswered), one query.

    Rows follow ``invitation_ids``; columns follow ``item_keys``.
    """
    ids = np.asarray(invitation_ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    matrix = np.full((ids.size, len(item_keys)), np.nan)
    if not ids.size:
        return matrix, {}
    if connection.vendor == "postgresql":
        data = _fetch_bytes(
            "SELECT string_agg(int8send(r.invitation_id) "  # noqa: S608
            "|| int2send((k.i - 1)::int2) || int2send(r.value), ''::bytea) "
            f"FROM {Response._meta.db_table} r "
            "JOIN unnest(%s::text[]) WITH ORDINALITY AS k(item_key, i) "
            "ON k.item_key = r.item_key WHERE r.invitation_id = ANY(%s::bigint[])",
            [list(item_keys), ordered.tolist()],
        )
        rows = np.frombuffer(data, dtype=[("i", ">i8"), ("c", ">i2"), ("v", ">i2")])
        invitations, columns, values = rows["i"], rows["c"], rows["v"]
    else:
        column_of = {key: j for j, key in enumerate(item_keys)}
        triples = [
            (invitation_id, column_of[key], value)
            for invitation_id, key, value in Response.objects.filter(
                invitation_id__in=ordered.tolist()
            )
            .values_list("invitation_id", "item_key", "value")
            .iterator(chunk_size=20000)
            if key in column_of
        ]
        table = np.array(triples, dtype=np.int64).reshape(-1, 3)
        invitations, columns, values = table[:, 0], table[:, 1], table[:, 2]
    matrix[order[np.searchsorted(ordered, invitations)], columns] = values
    return matrix, {int(pk): i for i, pk in enumerate(ids.tolist())}


def page_arrays(invitation_ids: Sequence[int]):
    """N x P item counts and seconds per page (NaN-padded), or (None, None)."""
    ids = np.asarray(invitation_ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    if connection.vendor == "postgresql":
        data = _fetch_bytes(
            "SELECT string_agg(int8send(invitation_id) "  # noqa: S608
            "|| int2send(page::int2) || int2send(item_count::int2) "
            "|| float8send(seconds), ''::bytea) "
            f"FROM {PageTiming._meta.db_table} "
            "WHERE seconds IS NOT NULL AND invitation_id = ANY(%s::bigint[])",
            [ordered.tolist()],
        )
        rows = np.frombuffer(
            data, dtype=[("i", ">i8"), ("p", ">i2"), ("n", ">i2"), ("s", ">f8")]
        )
        invitations, pages = rows["i"], rows["p"].astype(np.int64)
        counts, seconds = rows["n"], rows["s"]
    else:
        timings = list(
            PageTiming.objects.filter(
                invitation_id__in=ordered.tolist(), seconds__isnull=False
            ).values_list("invitation_id", "page", "item_count", "seconds")
        )
        table = np.array(timings, dtype=float).reshape(-1, 4)
        invitations = table[:, 0].astype(np.int64)
        pages = table[:, 1].astype(np.int64)
        counts, seconds = table[:, 2], table[:, 3]
    if not len(invitations):
        return None, None
    rows_of = order[np.searchsorted(ordered, invitations)]
    shape = (ids.size, int(pages.max()) + 1)
    page_items = np.full(shape, np.nan)
    page_seconds = np.full(shape, np.nan)
    page_items[rows_of, pages] = counts
    page_seconds[rows_of, pages] = seconds
    return page_items, page_seconds


def presentation_orders(definition: dict, seeds: Sequence[int]) -> np.ndarray:
    """N x k matrix of item columns in the order each submission presented them.

    Row i equals ``services.presentation_order(definition, seeds[i])`` mapped to
    columns of ``all_item_keys(definition)``, the engine's column order.
    """
    return presentation_permutations(seeds, len(all_item_keys(definition)))
