"""What the two import benchmarks (``candidate_import.py``, ``outcome_import.py``)
share: counting statements, the parsing floor, and the rounds that time a file's
import in bulk against one row at a time. Run them, not this module."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from contextlib import contextmanager


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


def parse_only(*, job, actor, data: str) -> None:
    """The floor no import goes under: decoding and splitting the file."""
    from hiring.csv_files import csv_decode, csv_lines

    csv_lines(csv_decode(data))


def compare(
    argv,
    *,
    script: str,
    description: str,
    job_title: str,
    file_prepare,
    one_by_one,
    bulk,
    measure,
    rows_label: str,
) -> int:
    """Parse the options, check the database is the benchmark's own, prepare the
    file, then time ``one_by_one``, ``bulk`` and parsing alone, interleaved for
    ``--rounds`` rounds after one uncounted round; print each round, the medians
    and the ratios. 1 when the two paths wrote different numbers of rows."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--force", action="store_true")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(f"benchmarks/{script}: set DATABASE_URL (PostgreSQL)")
    import django

    django.setup()
    from django.core.management import call_command

    from hiring.csv_files import MAX_ROWS
    from hiring.models import Job

    if options.rows > MAX_ROWS:
        sys.exit(f"benchmarks/{script}: a file holds at most {MAX_ROWS}")
    call_command("migrate", verbosity=0, interactive=False)
    if Job.objects.exclude(title__startswith=job_title).exists() and not options.force:
        sys.exit(
            f"benchmarks/{script}: the database holds other data than "
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
            f"   {rows_label} {rows[name]}"
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
