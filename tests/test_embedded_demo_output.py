"""What ``make run`` prints in the embedded mode warns of nothing that is fine.

The demo is seeded into SQLite and the file broker in a temporary directory, then
a worker started as the Procfile starts it sends the emails seeding left it. The
emails the console backend prints are information, and the file broker, which
needs no host, draws no warning about a missing one.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.processes import wait_until

ROOT = Path(__file__).resolve().parent.parent
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")
EMAIL_TASK = "assessments.tasks.interview_email_task"


def _embedded_env(var_dir: Path) -> dict[str, str]:
    for folder in ("queue", "processed", "control"):
        (var_dir / "celery" / folder).mkdir(parents=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **base,
        "DJANGO_DEBUG": "true",
        "CRIBA_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout + result.stderr


def test_it_seeds_and_sends_the_demo_emails_without_a_warning(tmp_path):
    env = _embedded_env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "load_instruments")
    seeding = _manage(env, "seed_demo")
    out = tmp_path / "worker.out"
    with out.open("wb") as sink:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                *("-l", "info", "--pool", "threads", "--concurrency", "2"),
                *("-Q", "celery", "-n", "output@%h"),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log() -> str:
        return out.read_text(errors="replace")

    try:
        wait_until(
            lambda: (
                log().count(f"{EMAIL_TASK}[") >= 4  # two received, two done
                and log().count("succeeded") >= 2
            ),
            timeout=120,
            what="the demo's interview emails",
            log=log,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    worker_output = log()

    assert "Interview with Marcus Chen" in worker_output
    assert "No hostname" not in seeding + worker_output
    warnings = [line for line in worker_output.splitlines() if "WARNING" in line]
    assert warnings == []
