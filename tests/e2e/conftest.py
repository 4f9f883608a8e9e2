"""Chromium (Debian's, never a downloaded one) driven by Playwright's sync API.

The pages are served by pytest-django's ``live_server``, a thread of this process:
settings changed here apply to it, and the rows a test writes must be committed
(``transactional_db``) for it to see them.
"""

from __future__ import annotations

import http.client
import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import service_missing

# Imported so that the e2e tests can ask for a real worker like the integration
# tests do.
from tests.integration.conftest import (  # noqa: F401
    celery_broker,
    postgres,
    start_worker,
    worker_env,
    worker_redis,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make beside it are synchronous and safe here. Django reads this on every call.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Explicit waits only; this is the longest any single one may take.
WAIT_MS = 10_000
# Without a manifest (collectstatic never ran), {% static %} would fail.
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = os.environ.get("CRIBA_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(executable) or shutil.which(executable)):
        service_missing(f"Chromium is not installed at {executable}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., object]]:
    """Open browser contexts (``new_context(**options)``); all are closed after."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    opened = []

    def open_context(**options):
        context = browser.new_context(locale="en-US", **options)
        context.set_default_timeout(WAIT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture(scope="session")
def plain_http_server(request):
    """pytest-django's ``live_server``, started without the redirect to HTTPS.

    The suite runs with DEBUG off, so SECURE_SSL_REDIRECT is on, and the security
    middleware reads it once, when the server builds its handler: it must be off
    while the (session-wide) server starts, not merely during a test.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    with override_settings(SECURE_SSL_REDIRECT=False, STORAGES=storages):
        server = request.getfixturevalue("live_server")
        connection = http.client.HTTPConnection(
            server.thread.host, server.thread.port, timeout=10
        )
        try:
            connection.request("HEAD", "/accounts/login/")
            location = connection.getresponse().getheader("Location") or ""
        finally:
            connection.close()
    if location.startswith("https:"):
        pytest.fail(
            "The live server redirects to HTTPS: it was started before the e2e "
            "tests could turn SECURE_SSL_REDIRECT off."
        )
    return server


@pytest.fixture
def site(settings, plain_http_server) -> str:
    """The live server's URL, with the settings a plain-HTTP test server needs."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    # Links in invitation emails and messages point at this server.
    settings.CRIBA_BASE_URL = plain_http_server.url
    return plain_http_server.url


@pytest.fixture
def quiet_broker() -> Iterator[None]:
    """Scoring enqueued during the test goes to an in-memory broker.

    Without it a submit would publish to the shell's Redis (or the file broker under
    var/), where a development worker on another database might take the task.
    """
    with celery_broker("memory://"):
        yield


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's script (installed from npm if missing), for ``assert_accessible``."""
    from tests.e2e.axe import axe_install

    script = axe_install()
    if script is None:
        service_missing("axe-core is not installed and npm is not available")
    return script
