"""The CSV import of hire outcomes: 1,000 rows in bulk against one row at a time.

Imports a file of ``--rows`` outcomes (default 1,000, the most a file may hold)
for the hires of one job of PostgreSQL: two in five without an outcome yet, one
in five whose recorded outcome changes (manager, team, rating, one quarter
replaced and one added), one in five recorded again as it is, one in five who
left; with a rating, its date and quarters. In the same run, interleaved so all
meet the same load:

- **bulk**: ``outcome_import``, as the job's page calls it;
- **one by one** (the baseline): the same preview, then each row through
  ``hire_outcome_record``, then the import's audit row: how the import wrote
  before it wrote in bulk, kept here as the reference implementation;
- **parsing alone**: decoding and splitting the file, no database: the floor
  no import can go under, printed for information.

Each write runs in a transaction rolled back at its end, so every round starts
from the same rows. Prints, per round and as the median of ``--rounds``, the
time and the queries (counted by a wrapper around every statement) of each, and
the ratios of the one-by-one path to the bulk one; checks that both wrote as many
outcomes, quarters, audit rows and events and changed as many outcomes, and
exits 1 if not.

Usage (a database of its own; it is migrated and filled with benchmark rows)::

    createdb -h 127.0.0.1 -U postgres criba_bench_outcomes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_outcomes \\
        .venv/bin/python benchmarks/outcome_import.py [--rows 1000] [--rounds 5]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)
from benchmarks.import_rounds import compare, counted  # noqa: E402

JOB_TITLE = "Outcome import benchmark"
# The day the file is imported on: its dates and quarters are checked against
# it, so every run imports the same file whatever the calendar says.
TODAY = date(2026, 12, 4)
HEADER = (
    "application_external_id,start_date,manager,team,leaving_date,leaving_reason,"
    "performance_rating,rated_on,2026-Q1,2026-Q2,2026-Q3\n"
)
# Row i's cells after its application, by i % 5: new, new, changed, unchanged,
# left. The recorded outcome of the changed and unchanged rows is ``RECORDED``.
CELLS = (
    "2026-02-02,Dana Reyes,Inside sales,,,4,2026-06-30,85,102.5,",
    "2026-04-06,Dana Reyes,Field sales,,,3,2026-09-30,,70,",
    "2026-01-05,Eve Lin,Field sales,,,3,2026-09-30,,95,100",
    "2026-01-05,Dana Reyes,Inside sales,,,,,80,90,",
    "2026-03-02,Dana Reyes,,2026-10-30,voluntary,2,2026-09-01,,70,",
)


def file_prepare(rows: int) -> tuple[object, object, str]:
    """The job, the recruiter and the file's text; the hires and their recorded
    outcomes are made once and kept for the next runs."""
    from django.contrib.auth import get_user_model

    from hiring.models import (
        Application,
        Candidate,
        HireOutcome,
        Job,
        JobMember,
        JobRole,
        QuotaAttainment,
        Stage,
    )

    recruiter, _created = get_user_model().objects.get_or_create(
        username="bench-outcome-importer"
    )
    job, _created = Job.objects.get_or_create(
        title=JOB_TITLE, defaults={"status": Job.Status.OPEN}
    )
    JobMember.objects.get_or_create(job=job, user=recruiter, role=JobRole.RECRUITER)
    references = [f"bench-hire-{i}" for i in range(rows)]
    have = set(
        Application.objects.filter(external_id__in=references).values_list(
            "external_id", flat=True
        )
    )
    missing = [i for i in range(rows) if references[i] not in have]
    candidates = Candidate.objects.bulk_create(
        Candidate(first_name=f"Hire{i}", last_name="B", email=f"hire{i}@example.org")
        for i in missing
    )
    applications = Application.objects.bulk_create(
        Application(
            candidate=candidate,
            job=job,
            stage=Stage.HIRED,
            external_id=references[i],
        )
        for i, candidate in zip(missing, candidates, strict=True)
    )
    recorded = HireOutcome.objects.bulk_create(
        HireOutcome(
            application=application,
            start_date=date(2026, 1, 5),
            manager_name="Dana Reyes",
            team="Inside sales",
        )
        for i, application in zip(missing, applications, strict=True)
        if i % 5 in (2, 3)
    )
    QuotaAttainment.objects.bulk_create(
        QuotaAttainment(outcome=outcome, year=2026, quarter=q, attainment_percent=p)
        for outcome in recorded
        for q, p in ((1, 80), (2, 90))
    )
    lines = [HEADER]
    for i, reference in enumerate(references):
        lines.append(f"{reference},{CELLS[i % 5]}\n")
    return job, recruiter, "".join(lines)


def one_by_one(*, job, actor, data: str) -> None:
    """The import as it was: the same preview and checks, then one row at a time
    through the one-outcome service."""
    from django.db import transaction

    from hiring.errors import Invalid
    from hiring.models import AuditEvent
    from hiring.outcome_import import outcome_import_preview
    from hiring.outcome_services import hire_outcome_record
    from hiring.services import audit_record

    with transaction.atomic():
        preview = outcome_import_preview(job=job, data=data, today=TODAY)
        if not preview.ok:
            raise Invalid("The benchmark's file has problems.")
        created = updated = unchanged = 0
        for row in preview.rows:
            outcome = hire_outcome_record(
                application=row.application, by=actor, today=TODAY, **row.record
            )
            if outcome.created:
                created += 1
            elif outcome.changed:
                updated += 1
            else:
                unchanged += 1
        audit_record(
            actor=actor,
            action=AuditEvent.Action.OUTCOMES_IMPORTED,
            obj=job,
            job=job,
            data={"created": created, "updated": updated, "unchanged": unchanged},
        )


def bulk(*, job, actor, data: str) -> None:
    from hiring.outcome_import import outcome_import

    outcome_import(job=job, actor=actor, data=data, today=TODAY)


def written() -> tuple[int, int, int, int]:
    from hiring.models import AuditEvent, HireOutcome, OutboxEvent, QuotaAttainment

    return (
        HireOutcome.objects.count(),
        QuotaAttainment.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
    )


def measure(path, *, job, actor, data: str) -> tuple[float, int, tuple[int, ...]]:
    """Seconds and queries of one run of ``path``, the rows it added (by table)
    and the outcomes it wrote, all rolled back at the end."""
    from django.db import transaction
    from django.utils import timezone

    from hiring.models import HireOutcome

    with transaction.atomic():
        before = written()
        moment = timezone.now()
        with counted() as queries:
            started = time.perf_counter()
            path(job=job, actor=actor, data=data)
            seconds = time.perf_counter() - started
        rows = tuple(a - b for a, b in zip(written(), before, strict=True))
        touched = HireOutcome.objects.filter(updated_at__gte=moment).count()
        transaction.set_rollback(True)
    return seconds, queries[0], (*rows, touched)


def main(argv: list[str] | None = None) -> int:
    return compare(
        argv,
        script="outcome_import.py",
        description=__doc__.splitlines()[0],
        job_title=JOB_TITLE,
        file_prepare=file_prepare,
        one_by_one=one_by_one,
        bulk=bulk,
        measure=measure,
        rows_label="rows added (outcomes, quarters, audit, events), outcomes written",
    )


if __name__ == "__main__":
    sys.exit(main())
