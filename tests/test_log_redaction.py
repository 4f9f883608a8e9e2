"""Live candidate tokens never reach a log line, an error page or an error email.

The requests go through the real middleware, views and logging configuration; the
output is read from the handlers that settings.LOGGING installs.
"""

import base64
import io
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from gunicorn.config import Config

from assessments import services
from assessments.tokens import invitation_token
from config.gunicorn import TokenRedactingLogger
from config.redaction import (
    REDACTED,
    RedactingExceptionReporter,
    TokenRedactingFilter,
    redact,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def log_output():
    """Everything the configured handlers write, as one growing string."""
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django.server"))
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
    }
    assert handlers, "settings.LOGGING installs stream handlers"
    stream = io.StringIO()
    previous = {handler: handler.setStream(stream) for handler in handlers}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


@pytest.fixture
def invited(application, alice, instrument_version):
    invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    return invitation, invitation_token(invitation)


def test_it_installs_the_filter_on_every_configured_handler():
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in ("django", "django.server")
    ]
    handlers = [
        handler
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")  # pytest's capture
    ]

    assert handlers
    for handler in handlers:
        assert any(isinstance(f, TokenRedactingFilter) for f in handler.filters), (
            handler
        )


def test_it_logs_a_refused_start_without_the_token(client, invited, log_output):
    _invitation, token = invited

    # The candidate forgot to tick the consent box: a 400 that Django logs.
    response = client.post(reverse("take:landing", args=[token]), {"language": "en"})

    assert response.status_code == 400
    output = log_output.getvalue()
    assert "Bad Request: /take/[redacted]/" in output
    assert token not in output


def test_it_logs_an_unknown_link_without_its_token(client, db, log_output):
    guess = "x" * 43

    response = client.get(f"/take/{guess}/?lang=es")

    assert response.status_code == 404
    output = log_output.getvalue()
    assert "/take/[redacted]/" in output
    assert guess not in output


def test_it_keeps_token_free_candidate_paths_readable():
    assert redact("Not Found: /take/session/page/3/") == (
        "Not Found: /take/session/page/3/"
    )
    assert redact('"GET /take/abc123DEF_-x/ HTTP/1.1" 200') == (
        f'"GET /take/{REDACTED}/ HTTP/1.1" 200'
    )
    assert redact("https://criba.example/take/abc%2Fdef/?lang=en") == (
        f"https://criba.example/take/{REDACTED}/?lang=en"
    )


def test_it_redacts_a_development_server_access_line(log_output):
    token = "tok_" + "A" * 40
    logging.getLogger("django.server").info(
        '"%s" %s %s',
        f"GET /take/{token}/ HTTP/1.1",
        "200",
        "5120",
        extra={"status_code": 200},
    )

    output = log_output.getvalue()
    assert f'"GET /take/{REDACTED}/ HTTP/1.1" 200 5120' in output
    assert token not in output


def test_it_redacts_the_traceback_of_a_logged_exception(log_output):
    token = "B" * 43
    try:
        raise ValueError(f"could not open /take/{token}/")
    except ValueError:
        logging.getLogger("criba.test").exception("While serving a candidate")

    output = log_output.getvalue()
    assert "ValueError: could not open /take/[redacted]/" in output
    assert token not in output


def test_it_logs_a_server_error_on_the_landing_page_without_the_token(
    client, invited, log_output, monkeypatch, settings
):
    _invitation, token = invited

    def broken(token):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "invitation_for_token", broken)
    client.raise_request_exception = False
    settings.DEBUG = True  # the technical 500 page, with frames and headers

    response = client.get(
        reverse("take:landing", args=[token]),
        headers={"referer": f"https://mail.example/?u=/take/{token}/"},
    )

    assert response.status_code == 500
    page = response.content.decode()
    assert "the database went away" in page
    assert token not in page
    assert "/take/[redacted]/" in page
    output = log_output.getvalue()
    assert "Internal Server Error: /take/[redacted]/" in output
    assert token not in output


def test_it_sends_error_emails_without_the_token(mailoutbox, settings):
    settings.ADMINS = ["ops@example.com"]
    token = "C" * 43
    request = RequestFactory().get(
        f"/take/{token}/", headers={"referer": f"https://criba.example/take/{token}/"}
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    html = email.alternatives[0].content if email.alternatives else ""
    for text in (email.subject, email.body, html):
        assert token not in text
    assert "/take/[redacted]/" in email.body


def test_it_cleanses_frame_variables_named_token():
    token = "D" * 43
    request = RequestFactory().get(f"/take/{token}/")

    def landing(token):
        raise RuntimeError("boom")

    try:
        landing(token)
    except RuntimeError:
        reporter = RedactingExceptionReporter(request, *sys.exc_info())
    text = reporter.get_traceback_text()
    html = reporter.get_traceback_html()

    assert token not in text
    assert token not in html
    assert "********************" in html


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_it_keeps_tokens_out_of_the_development_server_output():
    """``manage.py runserver`` prints an access line per request: no token in it."""
    port = _free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    if database["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    token = "E" * 43
    lines: list[str] = []
    # The access line is written after the response is sent: read the output as
    # it comes, and stop the server only once that line has arrived.
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    access_line = re.compile(r'"GET /take/\S+ HTTP/1\.1" \d{3}')
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/take/{token}/", timeout=5
                ) as answer:
                    status = answer.status
            except urllib.error.HTTPError as answer:
                status = answer.code
            except OSError:
                time.sleep(0.3)
        while time.monotonic() < deadline and not any(
            access_line.search(line) for line in list(lines)
        ):
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)

    assert status is not None, output
    assert re.search(r'"GET /take/\[redacted\]/ HTTP/1\.1" \d{3}', output), output
    assert token not in output


def test_it_keeps_tokens_out_of_gunicorns_access_log():
    token = "F" * 43
    config = Config()
    config.set("accesslog", "-")
    logger = TokenRedactingLogger(config)
    response = SimpleNamespace(status="404 Not Found", headers=[], sent=10)
    request = SimpleNamespace(
        headers=[("REFERER", f"https://mail.example/take/{token}/")]
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/take/{token}/?lang=es",
        "PATH_INFO": f"/take/{token}/",
        "QUERY_STRING": "lang=es",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://mail.example/take/{token}/",
        "REMOTE_ADDR": "192.0.2.1",
    }

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = config.access_log_format % atoms

    assert f"GET /take/{REDACTED}/?lang=es HTTP/1.1" in line
    assert token not in line
    assert token not in repr(atoms)
    assert all(
        any(isinstance(f, TokenRedactingFilter) for f in handler.filters)
        for handler in logger.access_log.handlers + logger.error_log.handlers
    )


API_KEY = "crb_1a2b3c4d_" + "K" * 43


def test_it_keeps_api_keys_out_of_gunicorns_access_log():
    # Greenhouse sends the key as the Basic user name, which the access log
    # prints; a misconfigured client may put one in the query string.
    config = Config()
    config.set("accesslog", "-")
    logger = TokenRedactingLogger(config)
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[])
    basic = base64.b64encode(f"{API_KEY}:".encode()).decode()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/integrations/greenhouse/list_tests?key={API_KEY}",
        "PATH_INFO": "/integrations/greenhouse/list_tests",
        "QUERY_STRING": f"key={API_KEY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": f"Basic {basic}",
        "REMOTE_ADDR": "192.0.2.1",
    }

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = config.access_log_format % atoms

    assert API_KEY not in line
    assert API_KEY not in repr(atoms)
    # The prefix, which names the key in the admin, stays for tracing.
    assert f"crb_1a2b3c4d_{REDACTED}" in line
    assert f"?key=crb_1a2b3c4d_{REDACTED}" in line


def test_it_keeps_api_keys_and_webhook_secrets_out_of_log_records(log_output):
    secret = "whsec_" + "c2VjcmV0" * 4
    logging.getLogger("hiring").warning(
        "Refused %s and %s", f"/api/v1/jobs/?api_key={API_KEY}", secret
    )

    output = log_output.getvalue()
    assert API_KEY not in output
    assert secret not in output
    assert f"crb_1a2b3c4d_{REDACTED}" in output
    assert f"whsec_{REDACTED}" in output
