"""The item-level export of a version for researchers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

import numpy as np

from assessments.definitions import instrument_spec
from assessments.models import InstrumentVersion, Invitation, QuestionnaireResult
from assessments.results.answers import answer_matrix
from assessments.results.store import SCORABLE
from assessments.statistics.submissions import CHUNK
from hiring.models import AuditEvent
from hiring.services import audit_record

EXPORT_FORMATS = ("csv", "json")
EXPORT_COLUMNS = ("submission_id", "language", "submitted_at", "validity_status")


def _export_rows(version: InstrumentVersion) -> Iterator[list]:
    """One row per completed submission: the export columns, then every answer in
    definition order (None when unanswered)."""
    item_keys = instrument_spec(version.definition).item_keys
    invitations = (
        Invitation.objects.filter(instrument_version=version, status__in=SCORABLE)
        .order_by("pk")
        .values_list("pk", "language", "submitted_at")
    )
    batch: list[tuple] = []

    def flush() -> Iterator[list]:
        ids = [pk for pk, _, _ in batch]
        matrix, _ = answer_matrix(ids, item_keys)
        status = dict(
            QuestionnaireResult.objects.filter(
                invitation_id__in=ids, is_current=True
            ).values_list("invitation_id", "validity_status")
        )
        answers = np.where(np.isnan(matrix), -1, matrix).astype(np.int64).tolist()
        for (pk, language, submitted_at), values in zip(batch, answers, strict=True):
            yield [
                pk,
                language,
                submitted_at.isoformat() if submitted_at else None,
                status.get(pk, ""),
                *(None if v < 0 else v for v in values),
            ]

    for row in invitations.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def responses_export(
    *, version: InstrumentVersion, fmt: str, out: TextIO, actor=None
) -> int:
    """Write the item-level data of ``version`` for researchers; returns the rows.

    One row per completed submission, no personal data: submission id, language,
    submitted time (ISO 8601), validity status of the current result ("" if not
    scored yet), then one column per item key in definition order with the raw
    answer (empty / null when unanswered). ``fmt`` is ``csv`` or ``json`` (an
    array of objects with the same fields in the same order). Audited.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}, not {fmt!r}")
    item_keys = list(instrument_spec(version.definition).item_keys)
    clash = sorted(set(item_keys) & set(EXPORT_COLUMNS))
    if clash:
        raise ValueError(f"item keys clash with export columns: {clash}")
    header = [*EXPORT_COLUMNS, *item_keys]
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in _export_rows(version):
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    else:
        out.write("[")
        for row in _export_rows(version):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(dict(zip(header, row, strict=True))))
            count += 1
        out.write("\n]\n" if count else "]\n")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=version,
        data={"what": "responses", "format": fmt, "rows": count},
    )
    return count
