"""The sweeper of lost interview aggregations on 50,000 interviews.

Beat runs ``interviews_aggregate_sweep`` every ``CRIBA_SWEEP_EVERY_SECONDS``. It
used to read every interview ever held (the newest scorecard version of each,
against its result); it now reads only the interviews whose
``aggregated_version`` says they may need aggregating, through an index.

Generates N interviews (default 50,000, 10 per application) on the starter
rubric, each with two submitted scorecards and their versions: 98 % aggregated
and complete, 1 % collecting and aggregated, 0.6 % whose aggregation was lost
(no result) and 0.4 % scheduled with no scorecard yet. Then, interleaved five
times, it times the selection the sweeper makes (``interviews_unaggregated``)
and the same selection over every interview (the former query), checks that both
find the same interviews, and prints the median of each.

Usage (the database must be PostgreSQL and hold nothing but benchmark data)::

    createdb -h 127.0.0.1 -U postgres criba_bench_sweep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_sweep \\
        .venv/bin/python benchmarks/interview_sweep.py [--interviews 50000]

Generated data is kept and reused by the next run with the same N
(``--regenerate`` makes it anew, about a minute).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)

PER_APPLICATION = 10
BATCH = 5000


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate(n: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import (
        Interview,
        InterviewResult,
        Panelist,
        RubricVersion,
        Scorecard,
        ScorecardVersion,
    )
    from assessments.rubric_definitions import rubrics_load
    from assessments.scoring.version import INTERVIEW_SCORING_VERSION
    from hiring.models import Application, Candidate, Job

    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    rubric = RubricVersion.objects.order_by("id").first()
    keys = rubric.competency_keys
    ratings = dict.fromkeys(keys, 3)
    evidence = dict.fromkeys(keys, "")
    now = timezone.now()
    with transaction.atomic():
        Interview.objects.all().delete()
        Application.objects.all().delete()
        Candidate.objects.all().delete()
        Job.objects.all().delete()
        users = get_user_model()
        raters = [
            users.objects.get_or_create(username=f"bench-rater-{i}")[0]
            for i in range(2)
        ]
        job = Job.objects.create(title="Benchmark job")
        candidates = Candidate.objects.bulk_create(
            (
                Candidate(first_name="Bench", last_name=str(i), email=f"b{i}@x.org")
                for i in range(n // PER_APPLICATION)
            ),
            batch_size=BATCH,
        )
        applications = Application.objects.bulk_create(
            (Application(candidate=c, job=job) for c in candidates),
            batch_size=BATCH,
        )

        def kind(i: int) -> str:
            slot = i % 1000
            if slot < 980:
                return "complete"
            if slot < 990:
                return "collecting"
            if slot < 996:
                return "lost"
            return "scheduled"

        kinds = [kind(i) for i in range(n)]
        status = {
            "complete": Interview.Status.COMPLETE,
            "collecting": Interview.Status.COLLECTING,
            "lost": Interview.Status.COLLECTING,
            "scheduled": Interview.Status.SCHEDULED,
        }
        aggregated = {
            "complete": INTERVIEW_SCORING_VERSION,
            "collecting": INTERVIEW_SCORING_VERSION,
            "lost": Interview.AGGREGATION_DUE,
            "scheduled": "",
        }
        interviews = Interview.objects.bulk_create(
            (
                Interview(
                    application=applications[i // PER_APPLICATION],
                    rubric_version=rubric,
                    title="Structured interview",
                    scheduled_at=now - timedelta(days=1 + i % 400),
                    status=status[kinds[i]],
                    aggregated_version=aggregated[kinds[i]],
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        Panelist.objects.bulk_create(
            (
                Panelist(interview=interview, interviewer=rater)
                for interview in interviews
                for rater in raters
            ),
            batch_size=BATCH,
        )
        rated = [
            (interview, kinds[i])
            for i, interview in enumerate(interviews)
            if kinds[i] != "scheduled"
        ]
        cards = Scorecard.objects.bulk_create(
            (
                Scorecard(
                    interview=interview,
                    interviewer=rater,
                    submitted_at=interview.scheduled_at + timedelta(hours=2),
                    current_version=1,
                )
                for interview, _kind in rated
                for rater in raters
            ),
            batch_size=BATCH,
        )
        ScorecardVersion.objects.bulk_create(
            (
                ScorecardVersion(
                    scorecard=card,
                    number=1,
                    ratings=ratings,
                    evidence=evidence,
                    recommendation="yes",
                    created_by_id=card.interviewer_id,
                    created_at=card.submitted_at,
                )
                for card in cards
            ),
            batch_size=BATCH,
        )
        InterviewResult.objects.bulk_create(
            (
                InterviewResult(
                    interview=interview,
                    scoring_version=INTERVIEW_SCORING_VERSION,
                    aggregate={},
                    score=3.0,
                    state="complete",
                    computed_at=interview.scheduled_at + timedelta(hours=3),
                )
                for interview, kind_ in rated
                if kind_ != "lost"
            ),
            batch_size=BATCH,
        )


def _former_selection(older_than: timedelta) -> list[int]:
    """The sweeper's query before ``aggregated_version``: every interview."""
    from django.db.models import F, Max, OuterRef, Q, Subquery
    from django.utils import timezone

    from assessments.models import Interview, InterviewResult
    from assessments.scoring.version import INTERVIEW_SCORING_VERSION

    computed = InterviewResult.objects.filter(
        interview=OuterRef("pk"), scoring_version=INTERVIEW_SCORING_VERSION
    ).values("computed_at")[:1]
    return sorted(
        Interview.objects.exclude(status=Interview.Status.CANCELLED)
        .annotate(
            newest=Max("scorecards__versions__created_at"),
            computed_at=Subquery(computed),
        )
        .filter(newest__lte=timezone.now() - older_than)
        .filter(Q(computed_at__isnull=True) | Q(computed_at__lt=F("newest")))
        .values_list("pk", flat=True)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from assessments.interview_services import interviews_unaggregated
    from assessments.models import Interview

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    if args.regenerate or Interview.objects.count() != args.interviews:
        started = time.perf_counter()
        _generate(args.interviews)
        print(
            f"generated {args.interviews:,} interviews in "
            f"{time.perf_counter() - started:.0f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    older_than = timedelta(seconds=120)
    timings: dict[str, list[float]] = {"sweep": [], "every interview": []}
    found = {}
    for _ in range(args.repeats):
        for name, select in (
            ("sweep", lambda: sorted(interviews_unaggregated(older_than=older_than))),
            ("every interview", lambda: _former_selection(older_than)),
        ):
            started = time.perf_counter()
            found[name] = select()
            timings[name].append(time.perf_counter() - started)
    if found["sweep"] != found["every interview"]:
        print("the two selections differ", file=sys.stderr)
        return 1
    print(f"{len(found['sweep'])} interviews to aggregate again")
    for name, values in timings.items():
        print(f"{name}: median {statistics.median(values) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
