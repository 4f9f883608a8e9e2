"""CRIBA_WEBHOOK_RETENTION_DAYS is read from the environment, ranged, and named in
errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")
PRINT = "from django.conf import settings; print(settings.CRIBA_WEBHOOK_RETENTION_DAYS)"


def _shell(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env["DJANGO_DEBUG"] = "true"
    if value is not None:
        env["CRIBA_WEBHOOK_RETENTION_DAYS"] = value
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_keeps_ninety_days_by_default():
    result = _shell(None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "90"


def test_it_reads_the_variable():
    assert _shell("30").stdout.strip() == "30"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "CRIBA_WEBHOOK_RETENTION_DAYS=0 is below the minimum 1"),
        ("forever", "CRIBA_WEBHOOK_RETENTION_DAYS='forever', use a whole number"),
    ],
)
def test_it_names_the_variable_of_a_bad_value(raw, message):
    result = _shell(raw)

    assert result.returncode != 0
    assert message in result.stderr
