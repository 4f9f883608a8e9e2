"""Production-like settings pass Django's deployment checks; missing secrets fail."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Variables of the developer's or CI's shell that would change what is checked.
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "CRIBA_", "PORT")


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "criba.example.com",
        "DATABASE_URL": "postgres://criba@127.0.0.1:5432/criba",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CRIBA_VAR_DIR": str(tmp_path),
        # Without it email goes to the console, which check --deploy refuses.
        "DJANGO_EMAIL_HOST": "smtp.example.com",
        # Preloading HSTS commits the whole domain to HTTPS for months; it stays
        # the operator's opt-in, and check --deploy warns (W021) until it is made.
        "DJANGO_SECURE_HSTS_PRELOAD": "true",
    }


def test_it_passes_the_deployment_checks_with_production_settings(production_env):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(production_env):
    env = {k: v for k, v in production_env.items() if k != "DJANGO_SECRET_KEY"}

    result = _run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_refuses_a_debug_value_it_does_not_understand(production_env):
    result = _run(["manage.py", "check"], {**production_env, "DJANGO_DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_it_runs_the_embedded_mode_without_any_secret(tmp_path):
    result = _run(
        ["manage.py", "check"],
        {"DJANGO_DEBUG": "true", "CRIBA_VAR_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_it_reads_the_sign_in_lockout_from_the_environment(tmp_path):
    result = _run(
        [
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))",
        ],
        {
            "DJANGO_DEBUG": "true",
            "CRIBA_VAR_DIR": str(tmp_path),
            "CRIBA_LOGIN_FAILURE_LIMIT": "3",
            "CRIBA_LOGIN_LOCKOUT_MINUTES": "60",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "3600"]


def test_it_refuses_a_lockout_limit_it_does_not_understand(tmp_path):
    result = _run(
        ["manage.py", "check"],
        {
            "DJANGO_DEBUG": "true",
            "CRIBA_VAR_DIR": str(tmp_path),
            "CRIBA_LOGIN_FAILURE_LIMIT": "five",
        },
    )

    assert result.returncode != 0
    assert "CRIBA_LOGIN_FAILURE_LIMIT" in result.stderr


@pytest.mark.parametrize(
    "proxy_env",
    [{"CRIBA_PROXY_HOPS": "1"}, {"CRIBA_TRUSTED_PROXIES": "10.0.0.0/8"}],
)
def test_it_refuses_a_proxy_hop_count_without_trusted_proxies_or_the_reverse(
    production_env, proxy_env
):
    result = _run(["manage.py", "check"], {**production_env, **proxy_env})

    assert result.returncode != 0
    assert "CRIBA_TRUSTED_PROXIES" in result.stderr


def test_it_starts_behind_a_proxy_given_its_hops_and_addresses(production_env):
    env = {
        **production_env,
        "CRIBA_PROXY_HOPS": "1",
        "CRIBA_TRUSTED_PROXIES": "10.0.0.0/8",
    }

    result = _run(["manage.py", "check"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_cookie_is_secure_in_production(production_env):
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY)",
        ],
        {**production_env, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_it_refuses_a_short_health_token(production_env):
    result = _run(
        ["manage.py", "check"], {**production_env, "CRIBA_HEALTH_TOKEN": "short"}
    )

    assert result.returncode != 0
    assert "CRIBA_HEALTH_TOKEN must be at least 32 characters" in result.stderr


def test_it_starts_with_a_long_health_token(production_env):
    env = {**production_env, "CRIBA_HEALTH_TOKEN": secrets.token_urlsafe()}

    result = _run(["manage.py", "check"], env)

    assert result.returncode == 0, result.stdout + result.stderr
