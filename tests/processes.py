"""Processes the integration tests and the fault benchmark start and stop.

A real Celery worker, a Redis server of one's own, and the polling that waits
for them. Plain Python (no fixtures), so that ``benchmarks/faults.py`` uses the
very same machinery as ``tests/integration/``.
"""

from __future__ import annotations

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
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# Variables of the shell that must not leak into a worker's configuration.
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_")


def recovery_env(visibility_timeout: int, restore_every: int = 1) -> dict[str, str]:
    """Settings for recovery within seconds rather than minutes.

    A message whose worker died is handed out again ``visibility_timeout`` s after
    it was taken, at the next check of a live worker (every ``restore_every`` s).
    The time limits and the longest broker countdown must stay below the timeout
    (settings.py checks it); the solo pool does not enforce time limits, so a
    held-up task is not cut short by them.
    """
    limit = max(2, visibility_timeout - 2)
    return {
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        "CRIBA_BROKER_RESTORE_EVERY_SECONDS": str(restore_every),
        "CELERY_TASK_TIME_LIMIT": str(limit),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(limit - 1),
        "CRIBA_BROKER_RETRY_MAX_SECONDS": str(max(0, visibility_timeout - limit - 1)),
    }


def worker_environment(
    *, database_url: str, redis_url: str, secret_key: str, **extra: str
) -> dict[str, str]:
    """The environment of a worker (or beat) in production mode on these services."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **base,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        **extra,
    }


class WaitTimeoutError(AssertionError):
    """What was awaited did not happen in time (a test failure, not an error)."""


class WorkerExitedError(AssertionError):
    """A worker process ended before it became ready."""


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
            tail = f"\n--- log ---\n{log()}" if log else ""
            raise WaitTimeoutError(
                f"Timed out after {timeout}s waiting for {what}{tail}"
            )
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


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

    def arguments(self) -> list[str]:
        return [
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
        ]

    def start(self) -> Worker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", self.app, *self.arguments()],
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
                raise WorkerExitedError(
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


class Beat(Worker):
    """``celery beat``, the scheduler of the periodic tasks (the sweeps)."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, app: str = "config"):
        super().__init__(env=env, log_dir=log_dir, app=app)
        self.schedule = log_dir / f"{self.name.split('@')[0]}-schedule"

    def arguments(self) -> list[str]:
        return ["beat", "-l", "info", "--schedule", str(self.schedule)]


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
