"""The recovery settings hold together, or the process refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")


def _check(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_DEBUG": "true",
            "CRIBA_VAR_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_refuses_a_visibility_timeout_a_running_task_could_outlast(tmp_path):
    result = _check(
        {"CELERY_VISIBILITY_TIMEOUT": "100", "CELERY_TASK_TIME_LIMIT": "120"},
        tmp_path,
    )

    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT=100 must exceed" in result.stderr


def test_it_refuses_a_soft_time_limit_at_or_above_the_hard_one(tmp_path):
    result = _check(
        {"CELERY_TASK_SOFT_TIME_LIMIT": "120", "CELERY_TASK_TIME_LIMIT": "120"},
        tmp_path,
    )

    assert result.returncode != 0
    assert "CELERY_TASK_SOFT_TIME_LIMIT=120 must be below" in result.stderr


def test_it_states_the_recovery_times_of_readme_by_default(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.CRIBA_TASK_RECOVERY_SECONDS, s.CRIBA_SUBMISSION_RECOVERY_SECONDS,"
            " s.CELERY_BROKER_TRANSPORT_OPTIONS)",
        ],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "CRIBA_VAR_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    task, submission, options = result.stdout.strip().split(" ", 2)
    assert (task, submission) == ("190", "180")
    assert "'visibility_timeout': 180" in options
    assert "'unacked_restore_interval': 10" in options
    assert "'unacked_restore_throttle': 1" in options
