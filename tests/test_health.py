"""/healthz tells a load balancer whether this deployment can score submissions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from hiring.models import WorkerHeartbeat

TOKEN = "a-monitor-token-of-at-least-32-characters"


@pytest.fixture
def monitor(settings):
    """The headers of a monitor holding the configured health token."""
    settings.CRIBA_HEALTH_TOKEN = TOKEN
    return {"HTTP_X_CRIBA_HEALTH_TOKEN": TOKEN}


@pytest.fixture
def fresh_heartbeat(db):
    return WorkerHeartbeat.objects.create(worker="celery@alive", seen_at=timezone.now())


@pytest.fixture
def closed_broker():
    """Point the Celery app at a port where nothing listens, then put it back."""
    import socket

    from kombu import pools

    from config.celery import app

    def reset() -> None:
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = app.conf.broker_url
    reset()
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    yield
    reset()
    app.conf.broker_url = previous


def test_it_answers_200_when_database_broker_and_worker_are_fine(
    client, fresh_heartbeat, monitor
):
    response = client.get("/healthz", **monitor)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-store" in response["Cache-Control"]


def test_it_answers_503_naming_the_worker_when_the_heartbeat_is_stale(
    client, db, monitor
):
    stale = settings.CRIBA_HEARTBEAT_STALE_SECONDS + 5
    WorkerHeartbeat.objects.create(
        worker="celery@gone", seen_at=timezone.now() - timedelta(seconds=stale)
    )

    response = client.get("/healthz", **monitor)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_answers_503_naming_the_worker_when_none_ever_reported(client, db, monitor):
    response = client.get("/healthz", **monitor)

    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_it_answers_503_naming_the_broker_when_it_is_unreachable(
    client, fresh_heartbeat, closed_broker, monitor
):
    response = client.get("/healthz", **monitor)

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False


def test_it_reveals_no_address_of_a_broken_broker(
    client, fresh_heartbeat, closed_broker, monitor
):
    text = client.get("/healthz", **monitor).content.decode()

    assert "redis://" not in text
    assert "127.0.0.1" not in text


def test_it_needs_no_login(client, fresh_heartbeat):
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200


def test_it_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_it_tells_anonymous_callers_only_up_or_down(client, db):
    stale = settings.CRIBA_HEARTBEAT_STALE_SECONDS + 5
    WorkerHeartbeat.objects.create(
        worker="celery@gone", seen_at=timezone.now() - timedelta(seconds=stale)
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}


def test_it_tells_anonymous_callers_ok_when_all_is_well(client, fresh_heartbeat):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_names_no_failing_check_to_anonymous_callers(
    client, fresh_heartbeat, closed_broker
):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}


@pytest.mark.parametrize("sent", ["wrong-token-of-at-least-32-characters!", ""])
def test_it_gives_a_wrong_token_no_details(client, fresh_heartbeat, monitor, sent):
    body = client.get("/healthz", HTTP_X_CRIBA_HEALTH_TOKEN=sent).json()

    assert body == {"status": "ok"}


def test_it_gives_no_details_for_a_token_when_none_is_configured(
    client, fresh_heartbeat, settings
):
    settings.CRIBA_HEALTH_TOKEN = None

    body = client.get("/healthz", HTTP_X_CRIBA_HEALTH_TOKEN="").json()

    assert body == {"status": "ok"}


def test_it_gives_a_monitor_with_the_token_the_details(
    client, fresh_heartbeat, closed_broker, monitor
):
    body = client.get("/healthz", **monitor).json()

    assert body["status"] == "fail"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["detail"].startswith("unreachable (")
    assert body["checks"]["worker"]["detail"].startswith("last heartbeat")


def test_it_gives_signed_in_administrators_the_details(
    client, admin_user, fresh_heartbeat, closed_broker
):
    client.force_login(admin_user)

    body = client.get("/healthz").json()

    assert body["checks"]["worker"]["detail"].startswith("last heartbeat")
    assert body["checks"]["broker"]["detail"].startswith("unreachable (")
    assert body["checks"]["database"]["detail"] == "SELECT 1 answered"


def test_it_gives_signed_in_recruiters_no_details(client, alice, fresh_heartbeat):
    client.force_login(alice)

    body = client.get("/healthz").json()

    assert body == {"status": "ok"}
