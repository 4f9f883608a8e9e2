"""Webhook latency: from a candidate's submit to the signed event at a receiver.

Real Celery workers, one on the default queue (scoring) and one on the
`webhooks` queue, as in production, on PostgreSQL and Redis, and a receiver on
loopback. For each of N submissions (default 200) it times submit ->
`assessment.submitted` received and submit -> `assessment.scored` received (the
worker scores, the relay fans out, a delivery attempt signs and posts). The
baseline of the same run: a no-op task on the webhooks worker that only posts to
the same receiver, timed from enqueue to receipt. Prints p50/p95/max of each and
the ratio of the p95s; target: the submitted event's p95 at most 3x the no-op's.

Usage (a database of its own; it is migrated and filled with benchmark rows)::

    createdb -h 127.0.0.1 -U postgres criba_bench_webhooks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_webhooks \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/webhooks.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)
os.environ["CRIBA_WEBHOOK_ALLOW_PRIVATE"] = "true"
TARGET = 3.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} n={len(values):<4} p50={_percentile(values, 0.5) * 1000:7.1f} ms"
        f"  p95={_percentile(values, 0.95) * 1000:7.1f} ms"
        f"  max={max(values) * 1000:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own")
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        sys.exit("Set REDIS_URL to a Redis database of the benchmark's own")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0)

    from celery import current_app
    from django.utils import timezone

    from assessments import services
    from assessments.definitions import all_item_keys
    from assessments.models import InstrumentVersion
    from hiring.models import OutboxEvent, WebhookEndpoint
    from hiring.services import application_create, candidate_create, job_create
    from hiring.webhooks.services import endpoint_create
    from tests.webhook_receiver import receiver_start, receiver_stop

    receiver = receiver_start()
    # Events of earlier runs are not this run's business.
    OutboxEvent.objects.filter(relayed_at__isnull=True).update(
        relayed_at=timezone.now()
    )
    WebhookEndpoint.objects.all().delete()
    endpoint_create(
        actor=None,
        name="benchmark",
        url=receiver.url,
        events=["assessment.submitted", "assessment.scored"],
    )
    version = InstrumentVersion.objects.filter(instrument__slug="sales-drive").first()
    answers = dict.fromkeys(all_item_keys(version.definition), 4)
    run = uuid.uuid4().hex[:8]
    job = job_create(title=f"Benchmark {run}")
    invitations = []
    for i in range(args.n):
        candidate = candidate_create(
            first_name="Bench", last_name=str(i), email=f"b{i}-{run}@example.org"
        )
        application = application_create(candidate=candidate, job=job)
        invitation = services.invitation_create(
            application=application, user=None, instrument_version=version, send=False
        )
        services.taking_start(invitation=invitation, language="en", consent=True)
        for page, keys in enumerate(services.taking_pages(invitation)):
            services.answers_save(
                invitation=invitation,
                page=page,
                answers={key: answers[key] for key in keys},
            )
        invitations.append(invitation)
    print(f"{args.n} answered invitations ready; starting the worker")

    current_app.control.purge()
    log = open(ROOT / "var" / f"bench-webhooks-{run}.log", "wb")  # noqa: SIM115
    # As in production: scoring on the default queue, webhooks on their own.
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "benchmarks.webhooks_worker",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}-{run}@bench",
                "--pool",
                "threads",
                "--concurrency",
                "8" if queue == "webhooks" else "4",
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_DEBUG": "false"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for queue in ("celery", "webhooks")
    ]
    try:
        # Warm up: the worker is consuming, its connections are open.
        for i in range(20):
            current_app.send_task(
                "benchmarks.post_only_task",
                args=[receiver.url, f"warm-{i}"],
                queue="webhooks",
            )
        receiver.wait_for(20, timeout=120)
        receiver.requests.clear()
        # The baseline runs interleaved with the submissions, so both meet the
        # same load (scoring on the other worker included).
        sent: dict[str, float] = {}
        submitted_at: dict[int, float] = {}
        for i, invitation in enumerate(invitations):
            submitted_at[invitation.pk] = time.monotonic()
            services.submission_submit(invitation=invitation)
            marker = f"noop-{run}-{i}"
            sent[marker] = time.monotonic()
            current_app.send_task(
                "benchmarks.post_only_task",
                args=[receiver.url, marker],
                queue="webhooks",
            )
            time.sleep(args.gap)
        requests = receiver.wait_for(3 * args.n, timeout=300)
        first: dict[tuple[str, int], float] = {}
        received: dict[str, float] = {}
        for request in requests:
            payload = json.loads(request.body)
            if payload["type"] == "benchmark.noop":
                received[payload["data"]["marker"]] = request.at
                continue
            key = (payload["type"], payload["data"]["invitation_id"])
            first.setdefault(key, request.at)
        noop = [received[m] - t for m, t in sent.items()]
        submitted = [
            first[("assessment.submitted", pk)] - t for pk, t in submitted_at.items()
        ]
        scored = [
            first[("assessment.scored", pk)] - t for pk, t in submitted_at.items()
        ]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        receiver_stop(receiver)
        log.close()

    print(_summary("no-op task posting (baseline)", noop))
    print(_summary("submit -> assessment.submitted", submitted))
    print(_summary("submit -> assessment.scored", scored))
    ratio = _percentile(submitted, 0.95) / _percentile(noop, 0.95)
    scored_ratio = _percentile(scored, 0.95) / _percentile(noop, 0.95)
    print(f"p95 ratio, submitted event / no-op: {ratio:.2f}x (target <= {TARGET}x)")
    print(f"p95 ratio, scored event / no-op:    {scored_ratio:.2f}x (informative)")
    print(f"database: {settings.DATABASES['default']['NAME']}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
