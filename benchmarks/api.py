"""The results list of the API under load, against a bare JSON view of the same
server in the same run.

Seeds PostgreSQL with scored results (1,000 by default, on 10 applications),
starts gunicorn with the production settings (DEBUG off, Redis cache and
throttling) plus a bare JSON view serving from memory the bytes of one real page
of 100 results, and drives both with 16 concurrent clients for a few seconds
each, printing requests per second and p50/p95/p99 latency. Target: the results
list at 100 per page reaches at least 0.5x the bare view's requests per second.
A tiny-body JSON view is measured too, for information. It also prints the
queries one page costs at page sizes 10 and 100 (they must be equal).

Usage (the database must hold nothing but benchmark data)::

    createdb -h 127.0.0.1 -U postgres criba_api_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_api_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/api.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.api_settings"
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "insecure-key-for-local-benchmarks-only-0123456789"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
# The budget per key is not what is measured here.
os.environ["CRIBA_API_RATE"] = "100000000/minute"

TARGET = 0.5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(n: int) -> str:
    """Scored results for the list, and a key that may read them."""
    import django

    django.setup()
    from django.core.management import call_command

    from assessments.models import InstrumentVersion, QuestionnaireResult
    from assessments.results.store import results_compute_and_store
    from hiring.models import ApiKey
    from hiring.services import api_key_create
    from tests.factories import (
        ApplicationFactory,
        CandidateFactory,
        JobFactory,
        submissions_create,
    )

    call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0)
    if QuestionnaireResult.objects.count() < n:
        version = InstrumentVersion.objects.get(instrument__slug="sales-drive")
        per_application = max(1, n // 10)
        for number in range(10):
            application = ApplicationFactory(
                job=JobFactory(external_id=f"bench-job-{number}"),
                candidate=CandidateFactory(),
                external_id=f"bench-app-{number}",
            )
            ids = submissions_create(
                version, per_application, seed=number, application=application
            )
            results_compute_and_store(invitation_ids=ids)
    ApiKey.objects.filter(name="benchmark").delete()
    _key, raw_key = api_key_create(name="benchmark", scopes=["results:read"])
    return raw_key


def queries_per_page(raw_key: str, sizes=(10, 100)) -> dict[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    client.get("/api/v1/results/")  # the key's last use is written once a minute
    for size in sizes:  # the page's results rendered and cached, as under load
        client.get(f"/api/v1/results/?page_size={size}")
    counts = {}
    for size in sizes:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/results/?page_size={size}")
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()["results"]) == size
        counts[size] = len(queries)
    return counts


def page_body(raw_key: str) -> bytes:
    """The bytes of one real page of 100 results, for the bare view to serve."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    response = client.get("/api/v1/results/?page_size=100")
    assert response.status_code == 200, response.content[:500]
    return response.content


def start_server(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    deadline = time.monotonic() + 120  # workers boot slowly on a busy machine
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer within 120 s")


def load(port: int, path: str, headers: dict, *, clients: int, seconds: float):
    """Drive ``path`` with ``clients`` threads for ``seconds``; latencies in ms."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = threading.Event()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged = sorted(value for values in latencies for value in values)
    return {
        "rps": len(merged) / elapsed,
        "p50": _percentile(merged, 50),
        "p95": _percentile(merged, 95),
        "p99": _percentile(merged, 99),
        "requests": len(merged),
        "errors": sum(errors),
    }


def warm_up(port: int, path: str, headers: dict, *, clients: int) -> None:
    """Drive ``path`` until a 2 s round answers every request within 1 s."""
    for _round in range(15):
        figures = load(port, path, headers, clients=clients, seconds=2)
        if figures["requests"] >= 2 and figures["p99"] < 1000:
            return


def _cpu_seconds(pids) -> float:
    """CPU seconds the processes have used so far (0 where /proc cannot say)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def _server_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's processes: its session's, which it leads."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[2]) == server.pid:
            pids.append(int(stat.parent.name))
    return pids


def _database_pids() -> list[int]:
    """The PostgreSQL backends serving this database (gunicorn's connections
    persist, so they are the same through a measurement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def measured(server, port: int, path: str, headers: dict, **options):
    """`load`, plus the CPU that gunicorn, PostgreSQL's backends and the clients
    spent per request meanwhile (ms); other programs on the machine are not
    counted."""
    if not Path("/proc/self/stat").exists():
        return {**load(port, path, headers, **options), "cpu": {}}
    gunicorn, database = _server_pids(server), _database_pids()
    before = (_cpu_seconds(gunicorn), _cpu_seconds(database), time.process_time())
    figures = load(port, path, headers, **options)
    after = (_cpu_seconds(gunicorn), _cpu_seconds(database), time.process_time())
    requests = max(figures["requests"], 1)
    figures["cpu"] = {
        name: (end - start) * 1000 / requests
        for name, start, end in zip(
            ("gunicorn", "PostgreSQL", "the clients"), before, after, strict=True
        )
    }
    return figures


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="scored results")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postg"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database for benchmarks")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: production throttling counts in Redis")

    raw_key = seed(args.n)
    counts = queries_per_page(raw_key)
    body = page_body(raw_key)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as body_file:
        body_file.write(body)
    os.environ["CRIBA_BENCH_BODY"] = body_file.name
    port = _free_port()
    server = start_server(port, args.workers)
    try:
        auth = {"Authorization": f"Bearer {raw_key}"}
        # A worker's first results page takes seconds (imports, catalogs, the
        # database connection): measure the steady state, after every worker's.
        load(port, "/bench/bare/", {}, clients=args.clients, seconds=1)
        load(port, "/bench/tiny/", {}, clients=args.clients, seconds=1)
        warm_up(port, "/api/v1/results/?page_size=100", auth, clients=args.clients)
        tiny = load(
            port, "/bench/tiny/", {}, clients=args.clients, seconds=args.seconds
        )
        bare = measured(
            server, port, "/bench/bare/", {}, clients=args.clients, seconds=args.seconds
        )
        results = measured(
            server,
            port,
            "/api/v1/results/?page_size=100",
            auth,
            clients=args.clients,
            seconds=args.seconds,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(body_file.name)

    print(
        f"gunicorn {args.workers} sync workers, {args.clients} clients, "
        f"{args.seconds:g} s each, {args.n} scored results, "
        f"{len(body) / 1000:.0f} kB per page"
    )
    rows = (
        ("tiny JSON (info)", tiny),
        ("bare JSON, page", bare),
        ("results, 100/page", results),
    )
    for name, figures in rows:
        print(
            f"{name:>18}: {figures['rps']:8.1f} req/s  p50 {figures['p50']:7.1f} ms  "
            f"p95 {figures['p95']:7.1f} ms  p99 {figures['p99']:7.1f} ms  "
            f"({figures['requests']} requests, {figures['errors']} errors)"
        )
    for name, figures in rows[1:]:
        if figures["cpu"]:
            print(
                f"{name:>18}: CPU per request: "
                + ", ".join(f"{who} {ms:.2f} ms" for who, ms in figures["cpu"].items())
            )
    ratio = results["rps"] / bare["rps"]
    print(f"results list / bare view: {ratio:.2f}x (target >= {TARGET}x)")
    print(f"results list / tiny view: {results['rps'] / tiny['rps']:.2f}x (info)")
    print(
        "queries per page: "
        + ", ".join(f"{size} per page: {count}" for size, count in counts.items())
    )
    ok = ratio >= TARGET and counts[10] == counts[100] and results["errors"] == 0
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
