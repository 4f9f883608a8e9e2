"""The CSV import of candidates: 1,000 rows in bulk against one row at a time.

Imports a file of ``--rows`` candidates (default 1,000, the most a file may hold:
a fifth already known on another job, a twentieth already on this job, the rest
new, with phones, language names and external ids) onto one job of PostgreSQL
and, in the same run and interleaved so all meet the same load:

- **bulk**: ``candidate_import``, as the recruiter's page calls it;
- **one by one** (the baseline): the same preview, then each row through
  ``candidate_create`` (unless its email is known) and ``application_create``,
  then the import's audit row: how the import wrote before it wrote in bulk,
  kept here as the reference implementation;
- **parsing alone**: decoding and splitting the file, no database: the floor
  no import can go under, printed for information.

Each write runs in a transaction rolled back at its end, so every round starts
from the same rows. Prints, per round and as the median of ``--rounds``, the
time and the queries (counted by a wrapper around every statement) of each, and
the ratios of the one-by-one path to the bulk one; checks that both wrote as many
candidates, applications and audit rows, and exits 1 if not.

Usage (a database of its own; it is migrated and filled with benchmark rows)::

    createdb -h 127.0.0.1 -U postgres criba_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_import \\
        .venv/bin/python benchmarks/candidate_import.py [--rows 1000] [--rounds 5]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)
from benchmarks.import_rounds import compare, counted  # noqa: E402

JOB_TITLE = "Candidate import benchmark"


def file_prepare(rows: int) -> tuple[object, object, str]:
    """The job, the recruiter and the file's text; the known candidates are made
    once and kept for the next runs."""
    from django.contrib.auth import get_user_model

    from hiring.models import Application, Candidate, Job, JobMember, JobRole

    recruiter, _created = get_user_model().objects.get_or_create(
        username="bench-importer"
    )
    job, _created = Job.objects.get_or_create(
        title=JOB_TITLE, defaults={"status": Job.Status.OPEN}
    )
    JobMember.objects.get_or_create(job=job, user=recruiter, role=JobRole.RECRUITER)
    earlier, _created = Job.objects.get_or_create(title=f"{JOB_TITLE}, earlier")
    lines = ["First name,Last name,Email,Phone,Language,External id\n"]
    for i in range(rows):
        email = f"import{i}@example.org"
        if i % 20 == 1 or i % 5 == 0:
            candidate, _created = Candidate.objects.get_or_create(
                email=email, defaults={"first_name": f"Known{i}", "last_name": "B"}
            )
            Application.objects.get_or_create(
                candidate=candidate, job=job if i % 20 == 1 else earlier
            )
        language = ("English", "es", "", "Español")[i % 4]
        lines.append(
            f"Name{i},Surname {i},{email.upper() if i % 2 else email},"
            f"+34 600 {i:04d},{language},bench-ext-{i}\n"
        )
    return job, recruiter, "".join(lines)


def one_by_one(*, job, actor, data: str) -> None:
    """The import as it was: the same preview and checks, then one row at a time
    through the one-row services."""
    from django.db import transaction

    from hiring.candidate_import import candidate_import_preview
    from hiring.errors import Invalid
    from hiring.models import AuditEvent
    from hiring.services import application_create, audit_record, candidate_create

    with transaction.atomic():
        preview = candidate_import_preview(job=job, data=data)
        if not preview.ok:
            raise Invalid("The benchmark's file has problems.")
        created = reused = skipped = 0
        for row in preview.rows:
            if row.already_applied:
                skipped += 1
                continue
            candidate = row.existing
            if candidate is None:
                values = {k: v for k, v in row.values.items() if v}
                candidate = candidate_create(actor=actor, **values)
                created += 1
            else:
                reused += 1
            application_create(candidate=candidate, job=job, actor=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CANDIDATES_IMPORTED,
            obj=job,
            job=job,
            data={"created": created, "reused": reused, "skipped": skipped},
        )


def bulk(*, job, actor, data: str) -> None:
    from hiring.candidate_import import candidate_import

    candidate_import(job=job, actor=actor, data=data)


def written() -> tuple[int, int, int]:
    from hiring.models import Application, AuditEvent, Candidate

    return (
        Candidate.objects.count(),
        Application.objects.count(),
        AuditEvent.objects.count(),
    )


def measure(path, *, job, actor, data: str) -> tuple[float, int, tuple[int, ...]]:
    """Seconds and queries of one run of ``path``, and the rows it wrote (by
    table), all rolled back at the end."""
    from django.db import transaction

    with transaction.atomic():
        before = written()
        with counted() as queries:
            started = time.perf_counter()
            path(job=job, actor=actor, data=data)
            seconds = time.perf_counter() - started
        rows = tuple(a - b for a, b in zip(written(), before, strict=True))
        transaction.set_rollback(True)
    return seconds, queries[0], rows


def main(argv: list[str] | None = None) -> int:
    return compare(
        argv,
        script="candidate_import.py",
        description=__doc__.splitlines()[0],
        job_title=JOB_TITLE,
        file_prepare=file_prepare,
        one_by_one=one_by_one,
        bulk=bulk,
        measure=measure,
        rows_label="rows written (candidates, applications, audit)",
    )


if __name__ == "__main__":
    sys.exit(main())
