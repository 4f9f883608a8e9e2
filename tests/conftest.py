"""Shared fixtures: the people of every permission test, and the instrument.

Alice is a recruiter on the job, Bob is the hiring manager on her team, Dana
interviews for it, and Charlie has no role on it at all.
"""

import os

import pytest
from django.conf import settings

from tests.factories import (
    ApplicationFactory,
    JobFactory,
    JobMemberFactory,
    UserFactory,
)
from tests.webhook_receiver import receiver_start, receiver_stop

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_web_settings(settings):
    """Plain HTTP, unhashed static names and a fast password hasher.

    The suite runs the production settings (DEBUG off): HTTPS redirects and the
    manifest storage (which needs collectstatic) would otherwise answer every page,
    and Argon2 is slow on purpose.
    """
    settings.SECURE_SSL_REDIRECT = False
    # The live server of the browser tests speaks plain HTTP too.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The candidate rate limit counts in the shared cache across tests; the tests
    # of the limit lower it again for themselves.
    settings.CRIBA_CANDIDATE_RATE_PER_ADDRESS = 1_000_000
    settings.CRIBA_CANDIDATE_RATE_PER_INVITATION = 1_000_000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """SQLite hands out the primary keys of rolled-back rows again, so counters
    kept in the in-process cache (the candidate rate limit) would carry over to
    the next test's rows. PostgreSQL never reuses a key, and its Redis cache is
    shared with the broker, so it is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def sent_emails(request, monkeypatch):
    """Outside tests/integration (which run a real worker), the invitation email is
    sent the moment it would be enqueued, as an idle worker would; the ids are
    recorded in the order they were handed over."""
    handed_over: list[int] = []
    if "integration" in request.node.path.parts:
        return handed_over
    from assessments import services

    def send_inline(invitation_id: int) -> bool:
        handed_over.append(invitation_id)
        services.invitation_email_send(invitation_id=invitation_id)
        return True

    monkeypatch.setattr(services, "invitation_email_enqueue", send_inline)
    return handed_over


@pytest.fixture(autouse=True)
def relay_wakes(request, monkeypatch):
    """Outside tests/integration, waking the webhook relay is only counted: no
    broker is at hand, and the tests that deliver call the relay themselves."""
    wakes: list[bool] = []
    if "integration" in request.node.path.parts:
        return wakes
    from hiring import events

    monkeypatch.setattr(events, "relay_wake", lambda: wakes.append(True) or True)
    return wakes


@pytest.fixture(autouse=True)
def interview_tasks(request, monkeypatch):
    """Outside tests/integration, interview emails are sent and the aggregation
    runs the moment they would be enqueued, as an idle worker would; each hand-over
    is recorded as ``(task, argument...)``."""
    handed_over: list[tuple] = []
    if "integration" in request.node.path.parts:
        return handed_over
    from assessments import interview_services

    def email_inline(panelist_id: int, kind: str) -> bool:
        handed_over.append(("email", panelist_id, kind))
        interview_services.interview_email_send(panelist_id, kind)
        return True

    def aggregate_inline(interview_id: int) -> bool:
        handed_over.append(("aggregate", interview_id))
        interview_services.interview_aggregate(interview_id=interview_id)
        return True

    monkeypatch.setattr(interview_services, "interview_email_enqueue", email_inline)
    monkeypatch.setattr(
        interview_services, "interview_aggregate_enqueue", aggregate_inline
    )
    return handed_over


def service_missing(reason: str) -> None:
    """Skip a test whose service is absent, but fail it under CI=true."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true requires this test to run: {reason}")
    pytest.skip(reason)


@pytest.fixture
def job(db):
    return JobFactory(title="Account Executive")


@pytest.fixture
def alice(job):
    user = UserFactory(username="alice", first_name="Alice")
    JobMemberFactory(job=job, user=user, role="recruiter")
    return user


@pytest.fixture
def bob(job):
    user = UserFactory(username="bob", first_name="Bob")
    JobMemberFactory(job=job, user=user, role="hiring_manager")
    return user


@pytest.fixture
def dana(job):
    user = UserFactory(username="dana", first_name="Dana")
    JobMemberFactory(job=job, user=user, role="interviewer")
    return user


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def application(job):
    return ApplicationFactory(job=job)


@pytest.fixture
def instrument_version(db):
    """The starter instrument, loaded from its YAML file like production does."""
    from assessments.definitions import instruments_load
    from assessments.models import InstrumentVersion

    instruments_load(settings.CRIBA_INSTRUMENTS_DIR)
    return InstrumentVersion.objects.get(instrument__slug="sales-drive", version=1)


# --- the API -----------------------------------------------------------------------


@pytest.fixture
def api_client(db):
    """``api_client(*scopes)``: a DRF test client holding a new key with those
    scopes (every scope when none is named); ``client.api_key`` is the key."""
    from rest_framework.test import APIClient

    from hiring.models import ApiKey
    from hiring.services import api_key_create

    def make(*scopes: str, name: str = "ATS") -> APIClient:
        api_key, raw_key = api_key_create(
            name=name, scopes=list(scopes) or list(ApiKey.Scope.values)
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        client.api_key = api_key
        client.raw_key = raw_key
        return client

    return make


@pytest.fixture
def receiver(settings):
    """A local HTTP server standing for an integration's receiver (webhooks, an
    ATS's callbacks); private addresses are allowed as targets meanwhile."""
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    server = receiver_start()
    yield server
    receiver_stop(server)
