"""``make run``'s processes under supervisord: a killed worker comes back alone.

The test runs what ``make run`` runs (the Procfile, turned into a supervisord
configuration) in the embedded mode (SQLite and the file broker in a temporary
directory), kills the worker with SIGKILL and watches supervisord start a new
one while the web server keeps answering ``/healthz``; then SIGINT, as Ctrl-C
sends, stops everything.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.supervisor import procfile_read, supervisor_config
from tests.processes import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    if not (BIN / "supervisord").exists():
        pytest.fail(f"{BIN / 'supervisord'} is missing: run `make venv`")
    for folder in ("queue", "processed", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env = {
        **base,
        "DJANGO_DEBUG": "true",
        "CRIBA_VAR_DIR": str(tmp_path),
        "PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    return env


def _healthz(port: str) -> int | None:
    """The status ``/healthz`` answers with, or None when nothing answers."""
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/healthz", timeout=5
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _worker_pid(config: Path) -> int:
    result = subprocess.run(
        [str(BIN / "supervisorctl"), "-c", str(config), "pid", "worker"],
        capture_output=True,
        text=True,
        check=False,
        timeout=20,
    )
    output = result.stdout.strip()
    return int(output) if output.isdigit() else 0


def _last_heartbeat(var_dir: Path) -> datetime | None:
    with sqlite3.connect(var_dir / "criba.sqlite3", timeout=20) as database:
        row = database.execute(
            "SELECT max(seen_at) FROM hiring_workerheartbeat"
        ).fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]).replace(tzinfo=UTC)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_it_restarts_a_killed_worker_while_web_keeps_answering(embedded_env, tmp_path):
    config = tmp_path / "supervisord.conf"
    config.write_text(
        supervisor_config(
            procfile_read((ROOT / "Procfile").read_text()),
            root=ROOT,
            var_dir=tmp_path,
        )
    )
    port = embedded_env["PORT"]
    with (tmp_path / "supervisord.out").open("wb") as out:
        manager = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(config)],
            cwd=ROOT,
            env=embedded_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log() -> str:
        return (tmp_path / "supervisord.out").read_text(errors="replace")[-6000:]

    try:
        wait_until(lambda: _healthz(port), timeout=90, what="the web server", log=log)
        wait_until(
            lambda: _last_heartbeat(tmp_path),
            timeout=90,
            what="the worker's first heartbeat",
            log=log,
        )
        first_pid = _worker_pid(config)
        assert first_pid > 0, log()

        killed_at = datetime.now(UTC)
        os.kill(first_pid, signal.SIGKILL)

        answers = []

        def worker_back() -> bool:
            answers.append(_healthz(port))
            heartbeat = _last_heartbeat(tmp_path)
            return _worker_pid(config) not in (0, first_pid) and bool(
                heartbeat and heartbeat > killed_at
            )

        wait_until(
            worker_back, timeout=90, what="a new worker to report itself", log=log
        )
        assert None not in answers, "the web server stopped answering"
        assert manager.poll() is None, log()
        new_pid = _worker_pid(config)
        assert _alive(new_pid)

        manager.send_signal(signal.SIGINT)
        manager.wait(timeout=60)
        assert not _alive(new_pid)
        assert _healthz(port) is None
    finally:
        if manager.poll() is None:
            os.killpg(manager.pid, signal.SIGKILL)
            manager.wait(timeout=10)
