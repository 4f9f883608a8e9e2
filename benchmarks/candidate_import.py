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

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)
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


@contextmanager
def counted():
    """Count every statement sent on the connection while inside."""
    from django.db import connection

    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


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


def parse_only(*, job, actor, data: str) -> None:
    from hiring.csv_files import csv_decode, csv_lines

    csv_lines(csv_decode(data))


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--force", action="store_true")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("benchmarks/candidate_import.py: set DATABASE_URL (PostgreSQL)")
    import django

    django.setup()
    from django.core.management import call_command

    from hiring.csv_files import MAX_ROWS
    from hiring.models import Job

    if options.rows > MAX_ROWS:
        sys.exit(f"benchmarks/candidate_import.py: a file holds at most {MAX_ROWS}")
    call_command("migrate", verbosity=0, interactive=False)
    if Job.objects.exclude(title__startswith=JOB_TITLE).exists() and not options.force:
        sys.exit(
            "benchmarks/candidate_import.py: the database holds other data than "
            "this benchmark's (use a database of its own, or --force)"
        )
    job, actor, data = file_prepare(options.rows)
    paths = {"one by one": one_by_one, "bulk": bulk, "parsing alone": parse_only}
    # A first round of each, not counted: imports, translations, plans.
    for path in paths.values():
        measure(path, job=job, actor=actor, data=data)
    seconds = {name: [] for name in paths}
    queries, rows = {}, {}
    print(f"{options.rows} rows, {options.rounds} rounds (seconds; queries)")
    for round_ in range(1, options.rounds + 1):
        figures = []
        for name, path in paths.items():
            took, queries[name], rows[name] = measure(
                path, job=job, actor=actor, data=data
            )
            seconds[name].append(took)
            figures.append(f"{name} {took:7.3f} s; {queries[name]:6d}")
        print(f"round {round_}:  " + "   ".join(figures))
    median = {name: statistics.median(values) for name, values in seconds.items()}
    print()
    for name in paths:
        print(
            f"{name:<14} median {median[name]:8.3f} s   {queries[name]:6d} queries"
            f"   rows written (candidates, applications, audit) {rows[name]}"
        )
    print(
        f"one by one / bulk:  time {median['one by one'] / median['bulk']:.1f}x   "
        f"queries {queries['one by one'] / queries['bulk']:.0f}x"
    )
    print(f"bulk / parsing alone: time {median['bulk'] / median['parsing alone']:.1f}x")
    if rows["bulk"] != rows["one by one"]:
        print("The two paths wrote different numbers of rows.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
