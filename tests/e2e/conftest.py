"""Chromium (Debian's, never a downloaded one) driven by Playwright's sync API.

The pages are served by pytest-django's ``live_server``, a thread of this process:
settings changed here apply to it, and the rows a test writes must be committed
(``transactional_db``) for it to see them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import service_missing

# Imported so that the e2e tests can ask for a real worker like the integration
# tests do.
from tests.integration.conftest import (  # noqa: F401
    celery_broker,
    plain_http_server,
    postgres,
    site,
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
