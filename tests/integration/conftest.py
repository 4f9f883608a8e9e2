"""A real Celery worker process against Redis and the PostgreSQL test database.

The tests here commit their rows (``django_db(transaction=True)``) so that the
worker, another process with its own connection, can see them. Each worker
listens on a Redis database of its own, flushed around every test.
"""

from __future__ import annotations

import http.client
import os
import shutil
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import service_missing
from tests.processes import (
    ROOT,
    RedisServer,
    Worker,
    careful_answers,
    celery_broker,
    free_port,
    recovery_env,
    wait_until,
    with_db,
    worker_environment,
)

__all__ = [
    "ROOT",
    "RedisServer",
    "Worker",
    "careful_answers",
    "celery_broker",
    "free_port",
    "is_scored",
    "wait_until",
]

# A Redis database of this test run's own (5..15), flushed around every test: two
# runs at once on one machine (several checkouts) neither steal nor wipe each
# other's messages, unless their process ids meet modulo 11.
WORKER_REDIS_DB = 5 + os.getpid() % 11
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# Without a manifest (collectstatic never ran), {% static %} would fail.
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Recovery within seconds rather than minutes (see recovery_env).
VISIBILITY_TIMEOUT = 5
RESTORE_EVERY = 1
RECOVERY_SECONDS = VISIBILITY_TIMEOUT + RESTORE_EVERY


@pytest.fixture
def postgres(transactional_db) -> str:
    """The URL of the test database the suite runs on (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        service_missing("integration tests need DATABASE_URL pointing at PostgreSQL")
    conf = connection.settings_dict
    credentials = quote(conf["USER"] or "", safe="")
    if conf.get("PASSWORD"):
        credentials += ":" + quote(conf["PASSWORD"], safe="")
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{conf['NAME']}"


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
def worker_redis() -> Iterator[str]:
    """A Redis database for this test alone, empty at its start and its end."""
    import redis

    url = with_db(settings.REDIS_URL or DEFAULT_REDIS, WORKER_REDIS_DB)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing(f"integration tests need Redis ({type(error).__name__})")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def worker_env(postgres, worker_redis) -> dict[str, str]:
    """The environment of a worker on the test database and this test's Redis."""
    return worker_environment(
        database_url=postgres,
        redis_url=worker_redis,
        secret_key=settings.SECRET_KEY,
        **recovery_env(VISIBILITY_TIMEOUT, RESTORE_EVERY),
        CRIBA_SWEEP_AFTER_SECONDS="1",
    )


@pytest.fixture
def start_worker(worker_env, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start workers (``start_worker(app=..., env=...)``); all are killed after."""
    started: list[Worker] = []

    def start(*, app: str = "config", env: dict[str, str] | None = None) -> Worker:
        worker = Worker(env={**worker_env, **(env or {})}, log_dir=tmp_path, app=app)
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def broker_for_tests(worker_redis) -> Iterator[str]:
    """This process publishes to the workers' Redis database during the test."""
    with celery_broker(worker_redis):
        yield worker_redis


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    server = RedisServer(tmp_path)
    yield server
    server.stop()


# --- taking a questionnaire ------------------------------------------------------


@pytest.fixture
def answered_invitation(instrument_version, application, alice):
    """An invitation started and fully answered through the services, not submitted."""
    from assessments.services import (
        answers_save,
        invitation_create,
        taking_pages,
        taking_start,
    )

    invitation = invitation_create(application=application, user=alice, send=False)
    taking_start(invitation=invitation, language="en", consent=True)
    answers = careful_answers(instrument_version.definition)
    for number, keys in enumerate(taking_pages(invitation)):
        answers_save(
            invitation=invitation,
            page=number,
            answers={key: answers[key] for key in keys},
        )
    invitation.refresh_from_db()
    return invitation


def is_scored(invitation_id: int) -> Callable[[], bool]:
    """A condition for ``wait_until``: the invitation has reached ``scored``."""
    from assessments.models import Invitation

    def check() -> bool:
        status = Invitation.objects.values_list("status", flat=True).get(
            pk=invitation_id
        )
        return status == Invitation.Status.SCORED

    return check
