"""Greenhouse's orders and error reports are kept CRIBA_ATS_RETENTION_DAYS: an
order whose invitation is done and whose callback is finished, and an error
report, go that long after their last activity, in bounded batches; an order
still in play stays whatever its age."""

import base64
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from assessments import tasks
from assessments.integrations.greenhouse_retention import (
    CALLBACKS,
    ERROR_REPORTS,
    ats_records_purge,
)
from assessments.models import Invitation
from config.celery import app
from hiring.models import ApiKey, AtsCallback, AtsErrorReport
from tests.conftest import service_missing
from tests.factories.assessments import InvitationFactory

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OLD = NOW - timedelta(days=91)
RECENT = NOW - timedelta(days=89)
WAITING = AtsCallback.Status.WAITING
PENDING = AtsCallback.Status.PENDING
SUCCEEDED = AtsCallback.Status.SUCCEEDED
FAILED = AtsCallback.Status.FAILED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ninety_days(settings):
    settings.CRIBA_ATS_RETENTION_DAYS = 90


def _invitation(*, status=Invitation.Status.SCORED, changed=OLD):
    invitation = InvitationFactory(status=status)
    Invitation.objects.filter(pk=invitation.pk).update(updated_at=changed)
    return invitation


def _order(*, at=OLD, status=SUCCEEDED, invitation=None, delivered=None):
    invitation = invitation or _invitation()
    return AtsCallback.objects.create(
        provider=AtsCallback.Provider.GREENHOUSE,
        reference=uuid.uuid4().hex,
        invitation_id=invitation.pk,
        url="https://greenhouse.example/callback",
        status=status,
        created_at=at,
        delivered_at=delivered or (at if status == SUCCEEDED else None),
        next_attempt_at=at if status == PENDING else None,
    )


def _report(at=OLD):
    return AtsErrorReport.objects.create(
        provider=AtsCallback.Provider.GREENHOUSE,
        reference="abc",
        body={"error": "boom"},
        received_at=at,
    )


def _exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


def _purge_all(**kwargs):
    steps = []
    following = (CALLBACKS, 0)
    while following is not None:
        stage, after_id = following
        step = ats_records_purge(stage=stage, after_id=after_id, now=NOW, **kwargs)
        steps.append(step)
        following = step.next
    return steps


def _deleted(steps, stage) -> int:
    return sum(step.deleted for step in steps if step.stage == stage)


def test_it_deletes_old_finished_orders_and_old_error_reports():
    delivered = _order(status=SUCCEEDED)
    given_up = _order(status=FAILED)
    expired = _order(
        status=WAITING, invitation=_invitation(status=Invitation.Status.EXPIRED)
    )
    revoked = _order(
        status=WAITING, invitation=_invitation(status=Invitation.Status.REVOKED)
    )
    report = _report()

    steps = _purge_all()

    assert (_deleted(steps, CALLBACKS), _deleted(steps, ERROR_REPORTS)) == (4, 1)
    for row in (delivered, given_up, expired, revoked, report):
        assert not _exists(row)


def test_it_deletes_an_old_order_whose_invitation_is_gone():
    invitation = _invitation()
    order = _order(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).delete()

    _purge_all()

    assert not _exists(order)


@pytest.mark.parametrize(
    "status",
    [
        Invitation.Status.SENT,
        Invitation.Status.OPENED,
        Invitation.Status.IN_PROGRESS,
        Invitation.Status.SUBMITTED,
    ],
)
def test_it_keeps_an_old_order_whose_candidate_has_not_finished(status):
    order = _order(status=WAITING, invitation=_invitation(status=status))

    _purge_all()

    assert _exists(order)


def test_it_keeps_an_old_order_whose_callback_is_being_sent():
    order = _order(status=PENDING)

    _purge_all()

    assert _exists(order)


def test_it_keeps_an_old_order_whose_invitation_changed_recently():
    # Ordered 100 days ago, the link extended and answered, scored yesterday.
    order = _order(
        status=WAITING,
        invitation=_invitation(status=Invitation.Status.EXPIRED, changed=RECENT),
    )

    _purge_all()

    assert _exists(order)


def test_it_keeps_an_old_order_delivered_recently():
    order = _order(delivered=RECENT)

    _purge_all()

    assert _exists(order)


def test_it_keeps_rows_younger_than_the_retention():
    order = _order(at=RECENT)
    report = _report(at=RECENT)

    _purge_all()

    assert _exists(order)
    assert _exists(report)


def test_it_follows_the_setting(settings):
    settings.CRIBA_ATS_RETENTION_DAYS = 200
    order, report = _order(), _report()
    assert sum(step.deleted for step in _purge_all()) == 0

    settings.CRIBA_ATS_RETENTION_DAYS = 30

    assert sum(step.deleted for step in _purge_all()) == 2
    assert not _exists(order)
    assert not _exists(report)


def test_a_deleted_order_is_an_unknown_interview(client, api_client):
    key = api_client(ApiKey.Scope.RESULTS_READ).raw_key
    order = _order()
    _purge_all()

    response = client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": order.reference},
        HTTP_AUTHORIZATION=_basic(key),
    )

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_interview"


def _basic(secret: str) -> str:
    return "Basic " + base64.b64encode(f"{secret}:".encode()).decode()


def test_each_step_reads_one_window_and_the_walk_stops_at_recent_rows():
    old = [_order() for _ in range(5)]
    recent = _order(at=RECENT)
    reports = [_report() for _ in range(3)]
    _report(at=RECENT)

    first = ats_records_purge(now=NOW, batch_size=2)

    assert (first.deleted, first.next) == (2, (CALLBACKS, old[1].pk))
    steps = _purge_all(batch_size=2)
    assert [(s.stage, s.deleted) for s in steps] == [
        (CALLBACKS, 2),
        (CALLBACKS, 1),  # the window reaches the recent order: the last step
        (ERROR_REPORTS, 2),
        (ERROR_REPORTS, 1),
    ]
    assert not any(_exists(row) for row in old + reports)
    assert _exists(recent)


def test_the_walk_goes_past_rows_it_keeps():
    kept = [_order(status=PENDING) for _ in range(5)]
    done = [_order() for _ in range(3)]
    _order(at=RECENT)

    steps = _purge_all(batch_size=2)

    assert _deleted(steps, CALLBACKS) == 3
    assert not any(_exists(row) for row in done)
    assert all(_exists(row) for row in kept)


def test_its_queries_do_not_grow_with_the_rows_deleted():
    def queries_to_purge(n: int) -> int:
        for _ in range(n):
            _order()
            _report()
        _order(at=NOW)
        _report(at=NOW)
        with CaptureQueriesContext(connection) as queries:
            steps = _purge_all(batch_size=100)
        assert len(steps) == 2
        assert (_deleted(steps, CALLBACKS), _deleted(steps, ERROR_REPORTS)) == (n, n)
        return len(queries)

    few = queries_to_purge(2)
    many = queries_to_purge(60)

    assert few == many, (few, many)
    assert many <= 12, many


@pytest.mark.django_db(transaction=True)
def test_it_skips_an_order_locked_by_its_callback_attempt():
    if connection.vendor != "postgresql":
        service_missing("SKIP LOCKED is PostgreSQL's")
    locked = _order()
    free = _order()
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                AtsCallback.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        step = ats_records_purge(now=NOW)
    finally:
        release.set()
        holder.join(10)

    assert step.deleted == 1
    assert _exists(locked)
    assert not _exists(free)


def test_the_task_enqueues_the_next_step_until_the_walk_is_over(monkeypatch):
    monkeypatch.setattr(
        tasks,
        "ats_records_purge",
        lambda **kw: ats_records_purge(now=NOW, batch_size=2, **kw),
    )
    queued = []
    monkeypatch.setattr(
        tasks.ats_records_purge_task, "delay", lambda *a: queued.append(a)
    )
    old = [_order() for _ in range(3)]
    _order(at=RECENT)
    _report()

    deleted = [tasks.ats_records_purge_task()]
    while queued and len(deleted) < 10:
        deleted.append(tasks.ats_records_purge_task(*queued.pop()))

    assert deleted == [2, 1, 1]
    assert not any(_exists(row) for row in old)


def test_beat_runs_it_hourly():
    app.finalize()

    schedule = app.conf.beat_schedule["purge-ats-records"]

    assert schedule["task"] == "assessments.tasks.ats_records_purge_task"
    assert schedule["schedule"] == 3600.0
