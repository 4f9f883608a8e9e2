"""Submissions through worker kills and a broker that loses its queue.

Submits N questionnaires (default 1,000) on PostgreSQL and Redis with a real
Celery worker and beat, SIGKILLs the worker K times (default 5) while it scores,
each time starting a new one as supervisord would, and once restarts the Redis
server without persistence, so every message in it is lost. Then it waits for
every submission to be scored and prints:

- lost: submissions never scored (target 0);
- duplicated: submissions with more than one result or more than one
  ``assessment.scored`` event (target 0);
- p50 / p95 / max time from submit to score.

It exits with status 1 on any loss or duplicate. Redis is a ``redis-server`` of
its own on a free port (the shared one is never touched); PostgreSQL is
``DATABASE_URL``, which must hold nothing but benchmark data (``--force``
overrides the check)::

    createdb -h 127.0.0.1 -U postgres criba_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench \\
        .venv/bin/python benchmarks/faults.py [--submissions 1000] [--kills 5]

Recovery runs on short settings so that the run takes a minute or two, not an
hour: visibility timeout 5 s (a killed worker's task comes back 5 s after it was
taken), sweep of unscored submissions every 2 s for those older than 15 s (what
brings back the messages the broker lost). Production's figures are in README.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)

JOB_TITLE = "Benchmark: faults"
# Jobs of every benchmark start so; other rows mean a database of real use.
BENCHMARK_JOBS = "Benchmark: "
VISIBILITY_TIMEOUT = 5
SWEEP_EVERY = 2
SWEEP_AFTER = 15


@dataclass
class Outcome:
    submissions: int
    kills: int
    kills_mid_task: int = 0
    broker_restarts: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0

    def percentile(self, fraction: float) -> float:
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def lines(self) -> list[str]:
        return [
            f"submissions          {self.submissions}",
            f"worker SIGKILLs      {self.kills} ({self.kills_mid_task} with a task "
            "taken and unacknowledged)",
            f"broker restarts      {self.broker_restarts} (queue lost)",
            f"lost                 {self.lost}",
            f"duplicated           {self.duplicated}",
            f"submit to score p50  {self.percentile(0.50):.2f} s",
            f"submit to score p95  {self.percentile(0.95):.2f} s",
            f"submit to score max  {max(self.seconds, default=float('nan')):.2f} s",
            f"wall time            {self.wall_seconds:.1f} s",
        ]


def _setup_django() -> None:
    import django

    django.setup()


def submissions_prepare(count: int) -> list[int]:
    """``count`` invitations started and fully answered, not yet submitted.

    Invitations and starts go through the services; the answers of every page
    are bulk-inserted as the autosave would have stored them.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.definitions import instruments_load
    from assessments.models import InstrumentVersion, PageTiming, Response
    from assessments.services import invitation_create, taking_pages, taking_start
    from hiring.models import Application, Candidate, Job
    from tests.processes import careful_answers

    instruments_load(settings.CRIBA_INSTRUMENTS_DIR)
    version = InstrumentVersion.objects.get(instrument__slug="sales-drive", version=1)
    answers = careful_answers(version.definition)
    recruiter, _ = get_user_model().objects.get_or_create(username="bench-recruiter")
    job = Job.objects.create(title=JOB_TITLE, department="Sales", location="Remote")
    first = Candidate.objects.count()
    candidates = Candidate.objects.bulk_create(
        Candidate(
            first_name=f"Bench{first + n}",
            last_name="Faults",
            email=f"bench{first + n}@example.org",
            preferred_language="en",
        )
        for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(candidate=candidate, job=job) for candidate in candidates
    )
    ids = []
    for application in applications:
        invitation = invitation_create(
            application=application,
            user=recruiter,
            instrument_version=version,
            send=False,
        )
        taking_start(invitation=invitation, language="en", consent=True)
        started = timezone.now() - timedelta(minutes=20)
        pages = taking_pages(invitation)
        Response.objects.bulk_create(
            Response(invitation=invitation, item_key=key, value=answers[key], page=n)
            for n, keys in enumerate(pages)
            for key in keys
        )
        PageTiming.objects.bulk_create(
            PageTiming(
                invitation=invitation,
                page=n,
                item_count=len(keys),
                first_shown_at=started + timedelta(minutes=2 * n),
                seconds=90.0,
            )
            for n, keys in enumerate(pages)
        )
        ids.append(invitation.pk)
    return ids


def _unacknowledged(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        return client.hlen("unacked")
    except redis.RedisError:
        return 0
    finally:
        client.close()


def outcome_measure(invitation_ids: list[int], outcome: Outcome) -> Outcome:
    from django.db.models import Count

    from assessments.models import Invitation, QuestionnaireResult
    from hiring.models import OutboxEvent

    rows = Invitation.objects.filter(pk__in=invitation_ids).values_list(
        "pk", "status", "submitted_at", "scored_at"
    )
    scored = {}
    for pk, status, submitted_at, scored_at in rows:
        if status == Invitation.Status.SCORED and scored_at and submitted_at:
            scored[pk] = (scored_at - submitted_at).total_seconds()
    results = dict(
        QuestionnaireResult.objects.filter(invitation_id__in=invitation_ids)
        .values("invitation_id")
        .annotate(n=Count("id"))
        .values_list("invitation_id", "n")
    )
    events: dict[int, int] = {}
    for data in OutboxEvent.objects.filter(type="assessment.scored").values_list(
        "payload__data__invitation_id", flat=True
    ):
        events[data] = events.get(data, 0) + 1
    outcome.lost = sum(1 for pk in invitation_ids if results.get(pk, 0) == 0)
    outcome.duplicated = sum(
        1 for pk in invitation_ids if results.get(pk, 0) > 1 or events.get(pk, 0) > 1
    )
    outcome.seconds = list(scored.values())
    return outcome


def run(
    *,
    database_url: str,
    submissions: int,
    kills: int,
    log_dir: Path,
    rate: float = 10.0,
    timeout: float = 600.0,
    seed: int = 12,
) -> Outcome:
    """Prepare, submit with faults, wait for every score; Django must be set up."""
    from django.conf import settings

    from assessments.models import Invitation
    from assessments.services import submission_submit
    from tests.processes import (
        Beat,
        RedisServer,
        Worker,
        celery_broker,
        recovery_env,
        worker_environment,
    )

    rng = random.Random(seed)
    invitation_ids = submissions_prepare(submissions)
    invitations = list(Invitation.objects.filter(pk__in=invitation_ids))
    outcome = Outcome(submissions=submissions, kills=kills)

    broker = RedisServer(log_dir).start()
    env = worker_environment(
        database_url=database_url,
        redis_url=broker.url,
        secret_key=settings.SECRET_KEY,
        **recovery_env(VISIBILITY_TIMEOUT),
        CRIBA_SWEEP_EVERY_SECONDS=str(SWEEP_EVERY),
        CRIBA_SWEEP_AFTER_SECONDS=str(SWEEP_AFTER),
        CRIBA_VAR_DIR=str(log_dir),
    )
    beat = Beat(env=env, log_dir=log_dir)
    worker = Worker(env=env, log_dir=log_dir).start()
    started = time.monotonic()
    try:
        with celery_broker(broker.url):
            worker.wait_ready()
            beat.start()
            # Faults fall between the first and the last submission, spread out;
            # the broker restart near the middle.
            slots = kills + 2
            kill_at = {round(submissions * (k + 1) / slots) for k in range(kills)}
            restart_at = round(submissions * (slots // 2 + 0.5) / slots)
            pause = 1.0 / rate
            for number, invitation in enumerate(invitations):
                if number in kill_at:
                    if _unacknowledged(broker.url):
                        outcome.kills_mid_task += 1
                    worker.kill()
                    worker = Worker(env=env, log_dir=log_dir).start()
                if number == restart_at:
                    broker.stop()
                    broker.start()
                    outcome.broker_restarts += 1
                submission_submit(invitation=invitation)
                time.sleep(pause * rng.uniform(0.5, 1.5))

            deadline = time.monotonic() + timeout
            pending = Invitation.objects.filter(pk__in=invitation_ids).exclude(
                status=Invitation.Status.SCORED
            )
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(0.5)
            # Anything still in flight that would score twice shows up now.
            time.sleep(2 * SWEEP_EVERY)
    finally:
        outcome.wall_seconds = time.monotonic() - started
        worker.kill()
        beat.kill()
        broker.stop()
    return outcome_measure(invitation_ids, outcome)


def _refuse_foreign_data(force: bool) -> None:
    from django.db import connection

    from hiring.models import Job

    if connection.vendor != "postgresql":
        sys.exit("benchmarks/faults.py: DATABASE_URL must point at PostgreSQL")
    foreign = Job.objects.exclude(title__startswith=BENCHMARK_JOBS).exists()
    if foreign and not force:
        sys.exit(
            "benchmarks/faults.py: the database holds other data than this "
            "benchmark's (use a database of its own, or --force)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--rate", type=float, default=10.0, help="submissions/s")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--force", action="store_true")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("benchmarks/faults.py: set DATABASE_URL (PostgreSQL)")
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _refuse_foreign_data(options.force)
    with tempfile.TemporaryDirectory(prefix="criba-faults-") as folder:
        outcome = run(
            database_url=os.environ["DATABASE_URL"],
            submissions=options.submissions,
            kills=options.kills,
            log_dir=Path(folder),
            rate=options.rate,
            timeout=options.timeout,
        )
    print("\n".join(outcome.lines()))
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
