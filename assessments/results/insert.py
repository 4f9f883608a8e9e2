"""Writing prepared results as rows: one COPY on PostgreSQL, ``executemany``
elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat

from django.db import connection

from assessments.models import QuestionnaireResult
from assessments.results.records import ResultRecords

RESULT_COLUMNS = (
    "invitation",
    "scoring_version",
    "norm_set",
    "scales",
    "validity",
    "validity_status",
    "composite",
    "band",
    "explanation",
    "is_current",
    "created_at",
)


@dataclass
class PreparedResults:
    """Results computed for a group of invitations, not yet written.

    Row ``i`` is the result of invitation ``invitation_ids[i]`` against norm set
    ``norm_set_ids[i]``; the JSON fields are JSON text, ``composite`` and
    ``band`` stay values for the outbox events.
    """

    scoring_version: str = ""
    invitation_ids: list[int] = field(default_factory=list)
    norm_set_ids: list[int] = field(default_factory=list)
    scales: list[str] = field(default_factory=list)
    validity: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    composite: list[float | None] = field(default_factory=list)
    band: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.invitation_ids)

    def add(
        self, invitation_ids: Sequence[int], norm_set_id: int, records: ResultRecords
    ) -> None:
        self.invitation_ids += invitation_ids
        self.norm_set_ids += [norm_set_id] * len(invitation_ids)
        self.scales += records.scales
        self.validity += records.validity
        self.status += records.validity_status
        self.composite += records.composite
        self.band += records.band
        self.explanation += records.explanation

    def only(self, keep: list[int]) -> PreparedResults:
        kept = PreparedResults(scoring_version=self.scoring_version)
        for name in (
            "invitation_ids",
            "norm_set_ids",
            "scales",
            "validity",
            "status",
            "composite",
            "band",
            "explanation",
        ):
            values = getattr(self, name)
            setattr(kept, name, [values[i] for i in keep])
        return kept

    def rows(self, *, now: datetime):
        """The values of ``RESULT_COLUMNS`` for every row, each row a tuple."""
        return zip(
            self.invitation_ids,
            repeat(self.scoring_version),
            self.norm_set_ids,
            self.scales,
            self.validity,
            self.status,
            self.composite,
            self.band,
            self.explanation,
            repeat(True),
            repeat(now),
            strict=False,
        )


def results_insert(prepared: PreparedResults, *, now: datetime) -> None:
    """Insert the prepared results as current rows; the caller owns the transaction.

    On PostgreSQL psycopg's COPY row writer quotes every value and streams the
    rows in buffers of a few kilobytes, so no text of the whole batch is built.
    """
    if not prepared:
        return
    meta = QuestionnaireResult._meta
    columns = ", ".join(meta.get_field(name).column for name in RESULT_COLUMNS)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in prepared.rows(now=now):
                copy.write_row(row)
        return
    # SQLite keeps times as text, and its default for `updated_at` (Now()) has
    # milliseconds where Django writes microseconds: a cursor's comparison of the
    # two texts would skip rows. Both columns get Django's text here.
    created = connection.ops.adapt_datetimefield_value(now)
    updated = meta.get_field("updated_at").column
    placeholders = ", ".join(["%s"] * (len(RESULT_COLUMNS) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {meta.db_table} ({columns}, {updated}) "  # noqa: S608
            f"VALUES ({placeholders})",
            [(*row[:-1], created, created) for row in prepared.rows(now=now)],
        )
