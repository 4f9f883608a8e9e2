"""config/gunicorn.py, as gunicorn reads it, and the application it serves."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent


def _config() -> Config:
    """The settings gunicorn takes from ``-c config/gunicorn.py``."""
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "config" / "gunicorn.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_it_serves_each_process_with_threads():
    config = _config()

    assert config.worker_class_str == "gthread"
    assert config.threads == 4


def test_it_keeps_idle_connections_longer_than_the_proxy_in_front():
    # nginx's upstream keepalive_timeout and most load balancers idle out at
    # 60 s; gunicorn must not close first. gthread also waits this long for the
    # first request on a new connection before closing it without an answer.
    assert _config().keepalive > 60


def test_it_loads_every_view_before_the_first_request(tmp_path):
    probe = (
        "import sys; import config.wsgi; "
        "print('assessments.views.candidate' in sys.modules)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_URL", "CRIBA_"))
    }
    env.update(DJANGO_DEBUG="true", CRIBA_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.strip() == "True", result.stderr
