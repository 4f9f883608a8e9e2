"""Webhook history is kept CRIBA_WEBHOOK_RETENTION_DAYS: finished deliveries (with
their attempts) and done outbox events older than that are deleted in bounded
batches; anything pending, recent, or an endpoint's latest delivery stays."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from config.celery import app
from hiring import tasks
from hiring.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from hiring.webhooks.retention import DELIVERIES, EVENTS, webhook_history_purge
from tests.conftest import service_missing

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OLD = NOW - timedelta(days=91)
RECENT = NOW - timedelta(days=89)
SUCCEEDED = WebhookDelivery.Status.SUCCEEDED
FAILED = WebhookDelivery.Status.FAILED
PENDING = WebhookDelivery.Status.PENDING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ninety_days(settings):
    settings.CRIBA_WEBHOOK_RETENTION_DAYS = 90


@pytest.fixture
def endpoint():
    return _endpoint("Receiver")


def _endpoint(name):
    return WebhookEndpoint.objects.create(
        name=name, url="https://example.com/hook", secret_encrypted="x"
    )


def _event(at=OLD, relayed=True):
    return OutboxEvent.objects.create(
        type=OutboxEvent.Type.ASSESSMENT_SCORED,
        payload={"type": "assessment.scored", "data": {}},
        created_at=at,
        relayed_at=at if relayed else None,
    )


def _delivery(endpoint, *, at=OLD, status=SUCCEEDED, event=True, attempts=(0,)):
    """A delivery made at ``at`` with one attempt per offset (seconds after it)."""
    event = _event(at) if event is True else event
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        message_id=event.message_id if event else "msg_ping",
        event_type="assessment.scored",
        payload={},
        status=status,
        attempts=len(attempts),
        next_attempt_at=at if status == PENDING else None,
        created_at=at,
        delivered_at=at if status == SUCCEEDED else None,
    )
    for offset in attempts:
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=at + timedelta(seconds=offset),
            status_code=200 if status == SUCCEEDED else 500,
        )
    return delivery


def _exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


def _purge_all(**kwargs):
    """Every step of one purge, chained as the task chains them."""
    steps = []
    following = (DELIVERIES, 0)
    while following is not None:
        stage, after_id = following
        step = webhook_history_purge(stage=stage, after_id=after_id, now=NOW, **kwargs)
        steps.append(step)
        following = step.next
    return steps


def _deleted(steps, stage) -> int:
    return sum(step.deleted for step in steps if step.stage == stage)


def test_it_deletes_old_finished_deliveries_their_attempts_and_events(endpoint):
    delivered = _delivery(endpoint, status=SUCCEEDED)
    given_up = _delivery(endpoint, status=FAILED, attempts=(0, 5, 65))
    ping = _delivery(endpoint, event=None)
    _delivery(endpoint, at=RECENT)  # the endpoint's latest

    first = webhook_history_purge(now=NOW)
    steps = _purge_all()

    assert (first.deleted, first.next) == (3, (EVENTS, 0))
    assert (_deleted(steps, DELIVERIES), _deleted(steps, EVENTS)) == (0, 2)
    for row in (delivered, given_up, ping, delivered.event, given_up.event):
        assert not _exists(row)
    assert not WebhookAttempt.objects.filter(
        delivery_id__in=[delivered.pk, given_up.pk, ping.pk]
    ).exists()


def test_it_deletes_an_old_event_that_no_endpoint_wanted():
    unwanted = _event()

    assert _deleted(_purge_all(), EVENTS) == 1
    assert not _exists(unwanted)


def test_it_keeps_a_delivery_still_pending_and_its_event(endpoint):
    pending = _delivery(endpoint, status=PENDING, attempts=(0, 5))
    _delivery(endpoint, at=RECENT)

    _purge_all()

    assert _exists(pending)
    assert _exists(pending.event)
    assert pending.attempt_log.count() == 2


def test_it_keeps_an_event_not_relayed_yet():
    waiting = _event(relayed=False)

    _purge_all()

    assert _exists(waiting)


def test_it_keeps_an_event_one_of_whose_deliveries_is_still_pending(endpoint):
    other = _endpoint("Other")
    event = _event()
    done = _delivery(endpoint, event=event)
    pending = _delivery(other, event=event, status=PENDING)
    _delivery(endpoint, at=RECENT)
    _delivery(other, at=RECENT)

    _purge_all()

    assert not _exists(done)
    assert _exists(pending)
    assert _exists(event)


def test_it_keeps_rows_younger_than_the_retention(endpoint):
    recent = _delivery(endpoint, at=RECENT, status=FAILED)
    _delivery(endpoint, at=NOW)

    _purge_all()

    assert _exists(recent)
    assert _exists(recent.event)


def test_it_keeps_an_old_delivery_sent_again_recently(endpoint):
    # Made 100 days ago, redelivered by an administrator yesterday.
    at = NOW - timedelta(days=100)
    redelivered = _delivery(endpoint, at=at, attempts=(0, 99 * 86400))
    _delivery(endpoint, at=RECENT)

    _purge_all()

    assert _exists(redelivered)


def test_it_follows_the_setting(endpoint, settings):
    settings.CRIBA_WEBHOOK_RETENTION_DAYS = 200
    old = _delivery(endpoint)
    _delivery(endpoint, at=RECENT)
    assert _deleted(_purge_all(), DELIVERIES) == 0

    settings.CRIBA_WEBHOOK_RETENTION_DAYS = 30

    assert _deleted(_purge_all(), DELIVERIES) == 1
    assert not _exists(old)


def test_it_keeps_each_endpoint_latest_delivery_however_old(endpoint):
    quiet = _endpoint("Quiet")
    older = _delivery(quiet, at=OLD - timedelta(days=1))
    latest = _delivery(quiet, at=OLD, status=FAILED)
    # Two made in the same instant: the higher id is the latest.
    first = _delivery(endpoint, at=OLD)
    second = _delivery(endpoint, at=OLD)

    _purge_all()

    assert not _exists(older)
    assert not _exists(first)
    assert list(quiet.deliveries.all()) == [latest]
    assert list(endpoint.deliveries.all()) == [second]
    assert _exists(latest.event)
    # What the endpoint's page shows.
    assert latest.attempt_log.count() == 1


def test_each_step_reads_one_window_and_the_walk_stops_at_recent_rows(endpoint):
    old = [_delivery(endpoint) for _ in range(5)]
    recent = _delivery(endpoint, at=RECENT)

    first = webhook_history_purge(now=NOW, batch_size=2)

    assert (first.deleted, first.next) == (2, (DELIVERIES, old[1].pk))
    assert [_exists(d) for d in old] == [False, False, True, True, True]
    steps = _purge_all(batch_size=2)
    assert [(s.stage, s.deleted) for s in steps] == [
        (DELIVERIES, 2),
        (DELIVERIES, 1),  # the window reaches the recent delivery: the last step
        (EVENTS, 2),
        (EVENTS, 2),
        (EVENTS, 1),
    ]
    assert not any(_exists(d) for d in old)
    assert _exists(recent)
    assert _exists(recent.event)


def test_the_walk_goes_past_rows_it_keeps(endpoint):
    kept = [_delivery(endpoint, status=PENDING) for _ in range(5)]
    done = [_delivery(endpoint) for _ in range(3)]
    _delivery(endpoint, at=RECENT)

    steps = _purge_all(batch_size=2)

    assert _deleted(steps, DELIVERIES) == 3
    assert not any(_exists(d) for d in done)
    assert all(_exists(d) for d in kept)


def test_its_queries_do_not_grow_with_the_rows_deleted(endpoint):
    def queries_to_purge(n: int) -> int:
        for _ in range(n):
            _delivery(endpoint, status=FAILED, attempts=(0, 5, 65))
        _event()
        _delivery(endpoint, at=NOW)
        with CaptureQueriesContext(connection) as queries:
            steps = _purge_all(batch_size=100)
        assert len(steps) == 2
        assert (_deleted(steps, DELIVERIES), _deleted(steps, EVENTS)) == (n, n + 1)
        return len(queries)

    few = queries_to_purge(2)
    many = queries_to_purge(60)

    assert few == many, (few, many)
    assert many <= 15, many


@pytest.mark.django_db(transaction=True)
def test_it_skips_a_delivery_locked_by_a_redelivery(endpoint):
    if connection.vendor != "postgresql":
        service_missing("SKIP LOCKED is PostgreSQL's")
    locked = _delivery(endpoint)
    free = _delivery(endpoint)
    _delivery(endpoint, at=RECENT)
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        step = webhook_history_purge(now=NOW)
    finally:
        release.set()
        holder.join(10)

    assert step.deleted == 1
    assert _exists(locked)
    assert not _exists(free)


def test_the_task_enqueues_the_next_step_until_the_walk_is_over(endpoint, monkeypatch):
    monkeypatch.setattr(
        tasks,
        "webhook_history_purge",
        lambda **kw: webhook_history_purge(now=NOW, batch_size=2, **kw),
    )
    queued = []
    monkeypatch.setattr(
        tasks.webhook_history_purge_task, "delay", lambda *a: queued.append(a)
    )
    old = [_delivery(endpoint) for _ in range(3)]
    _delivery(endpoint, at=RECENT)

    deleted = [tasks.webhook_history_purge_task()]
    while queued and len(deleted) < 10:
        deleted.append(tasks.webhook_history_purge_task(*queued.pop()))

    assert deleted == [2, 1, 2, 1]
    assert not any(_exists(d) or _exists(d.event) for d in old)


def test_beat_runs_it_hourly():
    app.finalize()

    schedule = app.conf.beat_schedule["purge-webhook-history"]

    assert schedule["task"] == "hiring.tasks.webhook_history_purge_task"
    assert schedule["schedule"] == 3600.0
