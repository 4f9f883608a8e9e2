"""200 candidates at once, answering and autosaving, against gunicorn.

Starts gunicorn with the production configuration (``config/gunicorn.py``:
gthread, 4 threads, the token-redacting logs) and 3 processes, on a loopback
port, with the production settings (DEBUG off, a random secret key, allowed
hosts, manifest static files; only the HTTPS redirect is off, since the
benchmark speaks plain HTTP to 127.0.0.1) on PostgreSQL (``DATABASE_URL``) and a
Redis server of its own, and waits until ``/healthz`` finds the database and the
broker. C candidates (default 200), each with an HTTP client, a connection,
cookies and a loopback address of their own (127.1.x.y: the server sees 200
clients, as on the internet, not one), open their link, consent, and on every
page autosave twice (half the answers, then all) before posting the page; at the
end they submit. After every autosave the same candidate also asks a bare view:
a WSGI response served by the same gunicorn processes in front of Django
(``served`` below), the floor of the server at that moment.

Prints the errors by kind (any status but the expected one, with 429 and 5xx
named; a refused, reset or unanswered connection, new or reused; a timeout;
target 0), what gunicorn's access log counted, the p50 / p95 latency of autosave
and of the bare view and their ratio, and how late the client's own event loop
ran (a starved client delays its requests, and its latencies include the wait).
No request is retried. Every phase is bounded in time (``--duration``; requests
time out after 30 s). Exits with status 1 on any error.

    createdb -h 127.0.0.1 -U postgres criba_bench_web
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_web \\
        .venv/bin/python benchmarks/candidates.py [--candidates 200]

The database must hold nothing but this benchmark's data (``--force``).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import random
import re
import secrets
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

JOB_TITLE = "Benchmark: candidates"
# Jobs of every benchmark start so; other rows mean a database of real use.
BENCHMARK_JOBS = "Benchmark: "
BARE_PATH = "/benchmark/bare/"
_BARE_BODY = b'{"ok": true}'
# gunicorn processes: 2 cores + 1; with config/gunicorn.py's 4 threads each, 12
# requests in flight and 12 database connections.
WORKERS = 3


def served():
    """The WSGI application gunicorn serves: the bare view, and Django behind it.

    gunicorn calls this factory (``benchmarks.candidates:served()``) once, in the
    master (``--preload``), so Django and every view (``config.wsgi`` imports
    the URLconf) are loaded before the workers fork and no request of the
    benchmark waits for them.
    """
    from config.wsgi import application as django_application

    def application(environ, start_response):
        if environ.get("PATH_INFO") == BARE_PATH:
            start_response(
                "200 OK",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(_BARE_BODY))),
                ],
            )
            return [_BARE_BODY]
        return django_application(environ, start_response)

    return application


def error_kind(error: BaseException) -> str:
    """What went wrong with a request that got no HTTP answer, in a few words.

    httpx wraps httpcore's exception, which wraps the socket's: the errno at the
    bottom tells a refused connection from a reset one.
    """
    import httpx

    errno_name = None
    seen = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            errno_name = errno.errorcode.get(seen.errno, str(seen.errno))
            break
        seen = seen.__cause__ or seen.__context__
    if isinstance(error, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(error, httpx.ReadTimeout):
        return "read timeout (no answer in time)"
    if isinstance(error, httpx.WriteTimeout):
        return "write timeout"
    if isinstance(error, httpx.PoolTimeout):
        return "client pool timeout"
    if isinstance(error, httpx.ConnectError):
        if errno_name == "ECONNREFUSED":
            return "connection refused"
        if errno_name == "ECONNRESET":
            return "connection reset while connecting"
        return f"connect error ({errno_name or error})"
    if isinstance(error, httpx.RemoteProtocolError):
        if "without sending a response" in str(error):
            return "closed by the server without an answer"
        return f"protocol error ({error})"
    if isinstance(error, (httpx.ReadError, httpx.WriteError)):
        if errno_name == "ECONNRESET":
            return "connection reset by the server"
        return f"{type(error).__name__} ({errno_name or error})"
    return f"{type(error).__name__} ({error})"


def status_kind(response) -> str:
    """An answer with another status than the expected one, in a few words."""
    status = response.status_code
    if status == 429:
        return "HTTP 429 (rate limited)"
    if status >= 500:
        return f"HTTP {status} (server error)"
    if response.headers.get("content-type", "").startswith("application/problem"):
        try:
            return f"HTTP {status} ({response.json().get('code')})"
        except ValueError:
            pass
    return f"HTTP {status}"


@dataclass
class Measures:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    # (what failed, request kind) -> count, and when each failed (seconds after
    # the first candidate arrived, seconds the request took).
    errors: Counter = field(default_factory=Counter)
    failures: list[tuple[float, float, str, str]] = field(default_factory=list)
    completed: int = 0
    started: float = field(default_factory=time.monotonic)
    loop_lag: list[float] = field(default_factory=list)
    server: dict[str, object] = field(default_factory=dict)

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, kind: str, what: str, seconds: float) -> None:
        self.errors[what, kind] += 1
        at = time.monotonic() - self.started
        self.failures.append((at, seconds, what, kind))

    def percentile(self, kind: str, fraction: float) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(fraction * len(values)))]

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ITEM = re.compile(r'name="item-([^"]+)"')


class Candidate:
    """One browser: its own connection and cookies (kept by hand: the production
    cookies are ``Secure``, which an HTTP client rightly sends only over HTTPS)."""

    def __init__(self, client, measures: Measures, answers: dict[str, int]):
        self.client = client
        self.measures = measures
        self.answers = answers
        self.cookies: dict[str, str] = {}

    async def request(self, kind: str, method: str, path: str, expect: int, **kw):
        headers = kw.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        opened = False

        async def trace(event: str, info: dict) -> None:
            nonlocal opened
            if event.startswith("connection.connect_tcp."):
                opened = True

        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, path, headers=headers, extensions={"trace": trace}, **kw
            )
        except Exception as error:  # a timeout or a refused connection
            connection = "new connection" if opened else "reused connection"
            self.measures.fail(
                kind,
                f"{error_kind(error)} ({connection})",
                time.perf_counter() - started,
            )
            return None
        seconds = time.perf_counter() - started
        self.measures.record(kind, seconds)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if response.status_code != expect:
            self.measures.fail(kind, status_kind(response), seconds)
            return None
        return response

    async def take(self, token: str, think: float, deadline: float, rng) -> bool:
        async def pause() -> bool:
            await asyncio.sleep(rng.uniform(0, 2 * think))
            return time.monotonic() < deadline

        landing = await self.request("landing", "GET", f"/take/{token}/", 200)
        if landing is None or not await pause():
            return False
        csrf = _CSRF.search(landing.text).group(1)
        started = await self.request(
            "start",
            "POST",
            f"/take/{token}/",
            302,
            data={"language": "en", "consent": "on", "csrfmiddlewaretoken": csrf},
        )
        if started is None:
            return False
        location = started.headers["location"]
        resumed = await self.request("resume", "GET", location, 302)
        if resumed is None:
            return False
        location = resumed.headers["location"]
        while "/session/page/" in location:
            number = int(location.rstrip("/").rsplit("/", 1)[1])
            page = await self.request("page", "GET", location, 200)
            if page is None or not await pause():
                return False
            csrf = _CSRF.search(page.text).group(1)
            keys = list(dict.fromkeys(_ITEM.findall(page.text)))
            for share in (keys[: len(keys) // 2], keys):
                saved = await self.request(
                    "autosave",
                    "POST",
                    "/take/session/autosave/",
                    200,
                    json={
                        "page": number,
                        "answers": {key: self.answers[key] for key in share},
                    },
                    headers={"X-CSRFToken": csrf},
                )
                if saved is None:
                    return False
                if await self.request("bare", "GET", BARE_PATH, 200) is None:
                    return False
                if not await pause():
                    return False
            posted = await self.request(
                "page_post",
                "POST",
                location,
                302,
                data={
                    "csrfmiddlewaretoken": csrf,
                    "action": "next",
                    **{f"item-{key}": self.answers[key] for key in keys},
                },
            )
            if posted is None:
                return False
            location = posted.headers["location"]
        review = await self.request("review", "GET", location, 200)
        if review is None or not await pause():
            return False
        csrf = _CSRF.search(review.text).group(1)
        done = await self.request(
            "submit", "POST", location, 302, data={"csrfmiddlewaretoken": csrf}
        )
        return done is not None


def candidate_address(number: int) -> str:
    """A loopback address of candidate ``number``'s own (Linux answers all of
    127.0.0.0/8): the server sees as many client addresses as there are
    candidates, as it would on the internet, and the per-address rate limit
    counts people rather than one benchmark."""
    return f"127.1.{number // 250}.{number % 250 + 1}"


async def candidates_run(
    base_url: str,
    tokens: list[str],
    answers: dict[str, int],
    *,
    think: float,
    duration: float,
    ramp: float,
    seed: int = 12,
) -> tuple[Measures, float]:
    import httpx

    measures = Measures()
    deadline = time.monotonic() + duration
    rng = random.Random(seed)
    # One TLS context for every client (the server speaks plain HTTP; httpx
    # builds one anyway): each would otherwise load the CA bundle, 20 ms of CPU
    # that on a busy machine stalled this process's event loop for half a
    # minute while the candidates arrived, so that requests already on the wire
    # were sent late and counted as the server's errors.
    tls = ssl.create_default_context()

    async def one(number: int, token: str, delay: float) -> None:
        await asyncio.sleep(delay)
        # No retries: a failed connection is reported, never tried again.
        transport = httpx.AsyncHTTPTransport(
            verify=tls, local_address=candidate_address(number), retries=0
        )
        async with httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=30.0,
            follow_redirects=False,
            trust_env=False,
        ) as client:
            candidate = Candidate(client, measures, answers)
            if await candidate.take(token, think, deadline, rng):
                measures.completed += 1

    async def watch_the_loop() -> None:
        # How late this process wakes up: when the client itself is starved,
        # every latency below includes the wait, and requests leave late.
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(0.1)
            measures.loop_lag.append(time.perf_counter() - asked - 0.1)

    started = time.monotonic()
    watcher = asyncio.create_task(watch_the_loop())
    jobs = [
        one(number, token, rng.uniform(0, ramp)) for number, token in enumerate(tokens)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*jobs), timeout=duration + 60)
    finally:
        watcher.cancel()
    return measures, time.monotonic() - started


def invitations_prepare(count: int) -> tuple[list[str], dict[str, int]]:
    """``count`` fresh invitations (their tokens) and a valid set of answers."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from assessments.definitions import instruments_load
    from assessments.models import InstrumentVersion
    from assessments.services import invitation_create
    from assessments.tokens import invitation_token
    from hiring.models import Application, Candidate, Job
    from tests.processes import careful_answers

    instruments_load(settings.CRIBA_INSTRUMENTS_DIR)
    version = InstrumentVersion.objects.get(instrument__slug="sales-drive", version=1)
    recruiter, _ = get_user_model().objects.get_or_create(username="bench-recruiter")
    job = Job.objects.create(title=JOB_TITLE, department="Sales", location="Remote")
    first = Candidate.objects.count()
    candidates = Candidate.objects.bulk_create(
        Candidate(
            first_name=f"Bench{first + n}",
            last_name="Web",
            email=f"web{first + n}@example.org",
            preferred_language="en",
        )
        for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(candidate=candidate, job=job) for candidate in candidates
    )
    tokens = []
    for application_row in applications:
        invitation = invitation_create(
            application=application_row,
            user=recruiter,
            instrument_version=version,
            send=False,
        )
        tokens.append(invitation_token(invitation))
    return tokens, careful_answers(version.definition)


def _server_env(database_url: str, redis_url: str, var_dir: Path) -> dict[str, str]:
    ours = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")
    ours += ("GUNICORN_", "WEB_CONCURRENCY")
    base = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {
        **base,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        # The key the links were derived with, as in a real deployment.
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback interface: no TLS to redirect to.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CRIBA_VAR_DIR": str(var_dir),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def run(
    *,
    database_url: str,
    candidates: int,
    log_dir: Path,
    think: float,
    duration: float,
    ramp: float,
) -> tuple[Measures, float]:
    """Prepare, serve with gunicorn, run the candidates; Django must be set up."""
    import httpx
    from gunicorn.ctl.client import ControlClient

    from tests.processes import RedisServer, free_port, wait_until

    tokens, answers = invitations_prepare(candidates)
    broker = RedisServer(log_dir).start()
    env = _server_env(database_url, broker.url, log_dir)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = free_port()
    log_path = log_dir / "gunicorn.log"
    access_path = log_dir / "access.log"
    control_path = log_dir / "gunicorn.ctl"
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                # The production configuration (gthread, its threads and
                # keep-alive, the token-redacting logs), with this machine's
                # number of processes: 2 cores + 1.
                "-c",
                "config/gunicorn.py",
                "benchmarks.candidates:served()",
                "--workers",
                str(WORKERS),
                "--preload",
                # A starved machine may delay a worker's heartbeat; gunicorn must
                # not take that for a hung worker and kill it mid-request.
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(access_path),
                # Not the shared default under $HOME: other gunicorns on this
                # machine would take it over.
                "--control-socket",
                str(control_path),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        # Django answers, with the database and the broker behind it. No Celery
        # worker runs here, so /healthz itself says 503 for want of one.
        try:
            checks = httpx.get(base_url + "/healthz", timeout=5).json()["checks"]
        except (httpx.HTTPError, ValueError, KeyError):
            return False
        return checks["database"]["ok"] and checks["broker"]["ok"]

    def server_stats() -> dict:
        with ControlClient(str(control_path), timeout=10) as control:
            return control.send_command("show stats")

    try:
        wait_until(
            ready,
            timeout=120,
            what="gunicorn",
            log=lambda: log_path.read_text(errors="replace")[-4000:],
        )
        measures, wall = asyncio.run(
            candidates_run(
                base_url, tokens, answers, think=think, duration=duration, ramp=ramp
            )
        )
        measures.server = server_stats()
        measures.server["access log"] = access_statuses(access_path)
        return measures, wall
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        broker.stop()
        # Less the 503s of /healthz while waiting for readiness (no worker).
        server_log = "\n".join(
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if "Service Unavailable: /healthz" not in line
        ).strip()
        if server_log:
            print(f"--- gunicorn's log ---\n{server_log[-3000:]}", file=sys.stderr)


_ACCESS_STATUS = re.compile(r'" (\d{3}) ')


def access_statuses(path: Path) -> str:
    """How many requests gunicorn logged, by status class (2xx, 3xx, ...)."""
    statuses = Counter()
    with path.open(errors="replace") as lines:
        for line in lines:
            found = _ACCESS_STATUS.search(line)
            # The readiness checks before the run: 503 for want of a worker.
            if found and "/healthz" not in line:
                status = found.group(1)
                statuses[status if status == "429" else status[0] + "xx"] += 1
    return ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))


def report(measures: Measures, wall: float, candidates: int) -> list[str]:
    def ms(kind: str, fraction: float) -> float:
        return 1000 * measures.percentile(kind, fraction)

    lines = [
        f"candidates           {candidates} ({measures.completed} submitted)",
        f"requests             {measures.requests} in {wall:.1f} s "
        f"({measures.requests / wall:.0f}/s)",
        f"errors               {sum(measures.errors.values())}",
    ]
    by_what = Counter()
    for (what, _kind), n in measures.errors.items():
        by_what[what] += n
    for what, n in by_what.most_common():
        kinds = ", ".join(
            f"{kind} {count}"
            for (other, kind), count in sorted(measures.errors.items())
            if other == what
        )
        lines.append(f"  {n:5d}  {what}: {kinds}")
    if measures.failures:
        first, last = measures.failures[0][0], measures.failures[-1][0]
        lines.append(
            f"  failed between {first:.1f} s and {last:.1f} s after the start "
            f"(each after {min(f[1] for f in measures.failures):.1f} to "
            f"{max(f[1] for f in measures.failures):.1f} s)"
        )
    server = measures.server
    if server:
        lines.append(
            f"server               {server.get('access log')}; gunicorn workers "
            f"{server.get('workers_spawned')} started, "
            f"{server.get('workers_killed')} killed"
        )
    lag = sorted(measures.loop_lag) or [float("nan")]
    lines.append(
        f"client loop lag      p50 {1000 * lag[len(lag) // 2]:7.1f} ms   "
        f"p95 {1000 * lag[int(0.95 * (len(lag) - 1))]:7.1f} ms   "
        f"max {1000 * lag[-1]:7.1f} ms"
    )
    for kind in ("autosave", "bare", "page", "page_post", "start", "submit"):
        lines.append(
            f"{kind:<20} p50 {ms(kind, 0.5):7.1f} ms   p95 {ms(kind, 0.95):7.1f} ms"
            f"   (n={len(measures.latencies.get(kind, []))})"
        )
    lines.append(
        f"autosave / bare      p50 {ms('autosave', 0.5) / ms('bare', 0.5):.1f}x   "
        f"p95 {ms('autosave', 0.95) / ms('bare', 0.95):.1f}x"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds between requests"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to arrive")
    parser.add_argument("--duration", type=float, default=240.0)
    parser.add_argument("--force", action="store_true")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("benchmarks/candidates.py: set DATABASE_URL (PostgreSQL)")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from hiring.models import Job

    if connection.vendor != "postgresql":
        sys.exit("benchmarks/candidates.py: DATABASE_URL must point at PostgreSQL")
    call_command("migrate", verbosity=0, interactive=False)
    foreign = Job.objects.exclude(title__startswith=BENCHMARK_JOBS).exists()
    if foreign and not options.force:
        sys.exit(
            "benchmarks/candidates.py: the database holds other data than this "
            "benchmark's (use a database of its own, or --force)"
        )
    with tempfile.TemporaryDirectory(prefix="criba-candidates-") as folder:
        measures, wall = run(
            database_url=os.environ["DATABASE_URL"],
            candidates=options.candidates,
            log_dir=Path(folder),
            think=options.think,
            duration=options.duration,
            ramp=options.ramp,
        )
    print("\n".join(report(measures, wall, options.candidates)))
    return 1 if measures.errors else 0


if __name__ == "__main__":
    sys.exit(main())
