"""200 candidates at once, answering and autosaving, against gunicorn.

Starts gunicorn on a loopback port with the production settings (DEBUG off, a
random secret key, allowed hosts, manifest static files; only the HTTPS redirect
is off, since the benchmark speaks plain HTTP to 127.0.0.1) on PostgreSQL
(``DATABASE_URL``) and a Redis server of its own. C candidates (default 200),
each with an HTTP client and cookies of its own, open their link, consent, and
on every page autosave twice (half the answers, then all) before posting the
page; at the end they submit. After every autosave the same candidate also asks
a bare view: a WSGI response served by the same gunicorn processes in front of
Django (``served`` below), the floor of the server at that moment.

Prints the errors (any status but the expected one, any timeout; target 0),
the p50 / p95 latency of autosave and of the bare view, and their ratio. Every
phase is bounded in time (``--duration``; requests time out after 30 s).
Exits with status 1 on any error.

    createdb -h 127.0.0.1 -U postgres criba_bench_web
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_web \\
        .venv/bin/python benchmarks/candidates.py [--candidates 200]

The database must hold nothing but this benchmark's data (``--force``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import re
import secrets
import signal
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
# gunicorn: threads share a process's memory, so 3 x 4 keep 12 requests in
# flight on 2 cores with 12 database connections.
WORKERS = 3
THREADS = 4


def served():
    """The WSGI application gunicorn serves: the bare view, and Django behind it.

    gunicorn calls this factory (``benchmarks.candidates:served()``) once, in the
    master (``--preload``), so Django is loaded before the workers fork and no
    request of the benchmark waits for it.
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


@dataclass
class Measures:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    completed: int = 0

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

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

    def __init__(
        self, client, measures: Measures, answers: dict[str, int], address: str
    ):
        self.client = client
        self.measures = measures
        self.answers = answers
        self.cookies: dict[str, str] = {}
        # Each candidate on a network of their own, as a proxy in front of
        # gunicorn reports it (CRIBA_PROXY_HOPS=1): the per-address rate limit
        # then sees 200 people, not one.
        self.address = address

    async def request(self, kind: str, method: str, path: str, expect: int, **kw):
        headers = {**kw.pop("headers", {}), "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, headers=headers, **kw)
        except Exception as error:  # a timeout or a refused connection
            self.measures.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.measures.record(kind, time.perf_counter() - started)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if response.status_code != expect:
            self.measures.errors[f"{kind}: HTTP {response.status_code}"] += 1
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

    async def one(number: int, token: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with httpx.AsyncClient(
            base_url=base_url, timeout=30.0, follow_redirects=False
        ) as client:
            address = f"10.{number // 250}.{number % 250}.1"
            candidate = Candidate(client, measures, answers, address)
            if await candidate.take(token, think, deadline, rng):
                measures.completed += 1

    started = time.monotonic()
    jobs = [
        one(number, token, rng.uniform(0, ramp)) for number, token in enumerate(tokens)
    ]
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=duration + 60)
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
        # As behind the proxy of a deployment: the client is the last entry of
        # X-Forwarded-For.
        "CRIBA_PROXY_HOPS": "1",
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
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "benchmarks.candidates:served()",
                "--preload",
                # A starved machine may delay a worker's heartbeat; gunicorn must
                # not take that for a hung worker and kill it mid-request.
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--backlog",
                "1024",
                # Longer than the client's own idle expiry (httpx: 5 s), so the
                # client, never the server, closes an idle connection: no request
                # is sent on a connection the server has just closed.
                "--keep-alive",
                "10",
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

    def answers_bare() -> bool:
        try:
            return httpx.get(base_url + BARE_PATH, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(
            answers_bare,
            timeout=60,
            what="gunicorn",
            log=lambda: log_path.read_text(errors="replace")[-4000:],
        )
        return asyncio.run(
            candidates_run(
                base_url, tokens, answers, think=think, duration=duration, ramp=ramp
            )
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        broker.stop()
        server_log = log_path.read_text(errors="replace").strip()
        if server_log:
            print(f"--- gunicorn's log ---\n{server_log[-3000:]}", file=sys.stderr)


def report(measures: Measures, wall: float, candidates: int) -> list[str]:
    def ms(kind: str, fraction: float) -> float:
        return 1000 * measures.percentile(kind, fraction)

    lines = [
        f"candidates           {candidates} ({measures.completed} submitted)",
        f"requests             {measures.requests} in {wall:.1f} s "
        f"({measures.requests / wall:.0f}/s)",
        f"errors               {sum(measures.errors.values())}",
    ]
    lines += [f"  {kind}: {n}" for kind, n in sorted(measures.errors.items())]
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
