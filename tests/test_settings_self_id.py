"""CRIBA_SELF_ID_ETHNICITY: off unless a deployment where it is lawful turns it on,
and a value that is not true or false stops the start naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")
PRINT = "from django.conf import settings; print(settings.CRIBA_SELF_ID_ETHNICITY)"


def _shell(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env["DJANGO_DEBUG"] = "true"
    if value is not None:
        env["CRIBA_SELF_ID_ETHNICITY"] = value
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_does_not_ask_about_ethnicity_by_default():
    result = _shell(None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_it_reads_the_variable():
    assert _shell("true").stdout.strip() == "True"
    assert _shell("off").stdout.strip() == "False"


def test_it_names_the_variable_of_a_value_it_cannot_read():
    result = _shell("maybe")

    assert result.returncode != 0
    assert "CRIBA_SELF_ID_ETHNICITY='maybe'" in result.stderr
