"""A setting as a fresh process reads it from the environment a deployment
gives it (none of this test run's own variables leak in)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")


def setting_read(setting: str, value: str | None) -> subprocess.CompletedProcess:
    """Start Django with the variable ``setting`` set to ``value`` (left unset
    for None) and print ``settings.<setting>``; a value the settings refuse
    ends the process with the reason on stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env["DJANGO_DEBUG"] = "true"
    if value is not None:
        env[setting] = value
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            f"from django.conf import settings; print(settings.{setting})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
