"""A real Celery worker process against Redis and the PostgreSQL test database.

The tests here commit their rows (``django_db(transaction=True)``) so that the
worker, another process with its own connection, can see them. Each worker
listens on a Redis database of its own, flushed around every test.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of this test run's own (5..15), flushed around every test: two
# runs at once on one machine (several checkouts) neither steal nor wipe each
# other's messages, unless their process ids meet modulo 11.
WORKER_REDIS_DB = 5 + os.getpid() % 11
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# Without a manifest (collectstatic never ran), {% static %} would fail.
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Variables of the shell that must not leak into a worker's configuration.
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_")


def wait_until(
    condition: Callable[[], object], *, timeout: float, what: str, log=None
) -> object:
    """Poll ``condition`` until it returns something truthy; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = f"\n--- worker log ---\n{log()}" if log else ""
            pytest.fail(f"Timed out after {timeout}s waiting for {what}{tail}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture
def postgres(transactional_db) -> str:
    """The URL of the test database the suite runs on (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        service_missing("integration tests need DATABASE_URL pointing at PostgreSQL")
    conf = connection.settings_dict
    credentials = quote(conf["USER"] or "", safe="")
    if conf.get("PASSWORD"):
        credentials += ":" + quote(conf["PASSWORD"], safe="")
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{conf['NAME']}"


@pytest.fixture(scope="session")
def plain_http_server(request):
    """pytest-django's ``live_server``, started without the redirect to HTTPS.

    The suite runs with DEBUG off, so SECURE_SSL_REDIRECT is on, and the security
    middleware reads it once, when the server builds its handler: it must be off
    while the (session-wide) server starts, not merely during a test.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    with override_settings(SECURE_SSL_REDIRECT=False, STORAGES=storages):
        server = request.getfixturevalue("live_server")
        connection = http.client.HTTPConnection(
            server.thread.host, server.thread.port, timeout=10
        )
        try:
            connection.request("HEAD", "/accounts/login/")
            location = connection.getresponse().getheader("Location") or ""
        finally:
            connection.close()
    if location.startswith("https:"):
        pytest.fail(
            "The live server redirects to HTTPS: it was started before the e2e "
            "tests could turn SECURE_SSL_REDIRECT off."
        )
    return server


@pytest.fixture
def site(settings, plain_http_server) -> str:
    """The live server's URL, with the settings a plain-HTTP test server needs."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    # Links in invitation emails and messages point at this server.
    settings.CRIBA_BASE_URL = plain_http_server.url
    return plain_http_server.url


@pytest.fixture
def worker_redis() -> Iterator[str]:
    """A Redis database for this test alone, empty at its start and its end."""
    import redis

    url = _with_db(settings.REDIS_URL or DEFAULT_REDIS, WORKER_REDIS_DB)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing(f"integration tests need Redis ({type(error).__name__})")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Make this process's Celery app publish to ``url`` for the block."""
    from kombu import pools

    from config.celery import app

    def reset() -> None:
        # kombu keeps its pools in a registry keyed by broker URL; a pool closed
        # but left there would be handed out again, closed, for the same URL.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = previous


class Worker:
    """One ``celery worker --pool solo`` process, in a process group of its own."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, app: str = "config"):
        self.env = env
        self.app = app
        self.name = f"integration-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_dir / f"{self.name.split('@')[0]}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    self.app,
                    "worker",
                    "--pool",
                    "solo",
                    "-l",
                    "info",
                    "-n",
                    self.name,
                    "--without-gossip",
                    "--without-mingle",
                    # The default queue and the webhooks' own.
                    "-Q",
                    "celery,webhooks",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except FileNotFoundError:
            return "(no log)"

    def wait_ready(self, timeout: float = 60) -> Worker:
        """Wait for the heartbeat the worker writes once it consumes."""
        from hiring.models import WorkerHeartbeat

        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(
                    f"Worker exited with {self.process.returncode}\n{self.log()}"
                )
            return WorkerHeartbeat.objects.filter(worker=self.name).exists()

        wait_until(
            ready, timeout=timeout, what=f"{self.name} to be ready", log=self.log
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@pytest.fixture
def worker_env(postgres, worker_redis) -> dict[str, str]:
    """The environment of a worker on the test database and this test's Redis."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **base,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": postgres,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": worker_redis,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CRIBA_SWEEP_AFTER_SECONDS": "1",
    }


@pytest.fixture
def start_worker(worker_env, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start workers (``start_worker(app=..., env=...)``); all are killed after."""
    started: list[Worker] = []

    def start(*, app: str = "config", env: dict[str, str] | None = None) -> Worker:
        worker = Worker(env={**worker_env, **(env or {})}, log_dir=tmp_path, app=app)
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def broker_for_tests(worker_redis) -> Iterator[str]:
    """This process publishes to the workers' Redis database during the test."""
    with celery_broker(worker_redis):
        yield worker_redis


class RedisServer:
    """A Redis server of the test's own, to stop and start at will."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        import redis

        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, timeout=20, what=f"redis-server on port {self.port}")
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    import shutil

    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    server = RedisServer(tmp_path)
    yield server
    server.stop()


# --- taking a questionnaire ------------------------------------------------------


def careful_answers(definition: dict) -> dict[str, int]:
    """A valid set of answers: every item answered, attention checks passed."""
    low = int(definition["answer_scale"]["min"])
    high = int(definition["answer_scale"]["max"])
    answers = {}
    for number, item in enumerate(definition["items"]):
        answers[item["key"]] = low + 1 + number % (high - low - 1)
    for item in definition.get("instructed", []):
        answers[item["key"]] = int(item["expected"])
    for item in definition.get("infrequency", []):
        answers[item["key"]] = low
    for item in definition.get("impression", []):
        answers[item["key"]] = (low + high) // 2
    return answers


@pytest.fixture
def answered_invitation(instrument_version, application, alice):
    """An invitation started and fully answered through the services, not submitted."""
    from assessments.services import (
        answers_save,
        invitation_create,
        taking_pages,
        taking_start,
    )

    invitation = invitation_create(application=application, user=alice, send=False)
    taking_start(invitation=invitation, language="en", consent=True)
    answers = careful_answers(instrument_version.definition)
    for number, keys in enumerate(taking_pages(invitation)):
        answers_save(
            invitation=invitation,
            page=number,
            answers={key: answers[key] for key in keys},
        )
    invitation.refresh_from_db()
    return invitation


def is_scored(invitation_id: int) -> Callable[[], bool]:
    """A condition for ``wait_until``: the invitation has reached ``scored``."""
    from assessments.models import Invitation

    def check() -> bool:
        status = Invitation.objects.values_list("status", flat=True).get(
            pk=invitation_id
        )
        return status == Invitation.Status.SCORED

    return check
