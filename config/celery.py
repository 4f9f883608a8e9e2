"""The Celery application; tasks live in each app's ``tasks.py``."""

import logging
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

import celery
from celery import Celery
from celery.exceptions import Ignore
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class Task(celery.Task):
    """The base of every Criba task: long retries wait in the database.

    A retry due within ``CRIBA_BROKER_RETRY_MAX_SECONDS`` is a countdown on the
    broker, as Celery does it. A later one (exponential backoff grows past that
    quickly) is written as a ``hiring.TaskRetry`` row with its due time, and this
    message is acknowledged; the sweeper sends the retry when it is due. So no
    worker holds a message longer than the broker's visibility timeout allows
    (settings.py), and a broker restarted empty loses no retry.
    """

    def retry(
        self,
        args=None,
        kwargs=None,
        exc=None,
        throw=True,
        eta=None,
        countdown=None,
        max_retries=None,
        **options,
    ):
        request = self.request
        delay = _seconds_until(eta) if eta is not None else countdown
        if delay is None:
            delay = self.default_retry_delay or 0
        limit = self.max_retries if max_retries is None else max_retries
        exhausted = limit is not None and request.retries >= limit
        if (
            request.called_directly
            or request.is_eager
            or exhausted
            or delay <= settings.CRIBA_BROKER_RETRY_MAX_SECONDS
        ):
            return super().retry(
                args=args,
                kwargs=kwargs,
                exc=exc,
                throw=throw,
                eta=eta,
                countdown=countdown,
                max_retries=max_retries,
                **options,
            )
        # Apps are loaded by the time a task runs, not when this module is.
        from hiring.services import task_retry_schedule

        try:
            task_retry_schedule(
                task=self.name,
                args=request.args if args is None else args,
                kwargs=request.kwargs if kwargs is None else kwargs,
                retries=request.retries + 1,
                due_at=timezone.now() + timedelta(seconds=delay),
                error=repr(exc) if exc is not None else "",
            )
        except DatabaseError:
            # The database is what failed: a countdown on the broker is the
            # better place for this retry than none.
            return super().retry(
                args=args,
                kwargs=kwargs,
                exc=exc,
                throw=throw,
                eta=eta,
                countdown=countdown,
                max_retries=max_retries,
                **options,
            )
        raise Ignore(f"retry {request.retries + 1} kept in the database")


def _seconds_until(eta: datetime) -> float:
    if timezone.is_naive(eta):
        eta = timezone.make_aware(eta, timezone.get_default_timezone())
    return max(0.0, (eta - timezone.now()).total_seconds())


# The messages held by `messages_coalesced`, by task name and arguments; None
# (everywhere but inside that block) sends each message at once.
_held: ContextVar[dict | None] = ContextVar("criba_held_messages", default=None)


class CeleryApp(Celery):
    """Criba's Celery app: every message, ``send_task`` or ``delay``, passes
    through ``send_task``, which `messages_coalesced` can hold back."""

    def send_task(self, name, args=None, kwargs=None, **options):
        held = _held.get()
        if held is None:
            return super().send_task(name, args, kwargs, **options)
        held.setdefault((name, repr(args), repr(kwargs)), (name, args, kwargs, options))
        return None


@contextmanager
def messages_coalesced(*, done_here: Collection[str] = ()) -> Iterator[None]:
    """Hold the task messages sent in the block; on leaving it, send each
    distinct one (same task, same arguments) once.

    For a bulk writer such as the demo seeding, whose every committed row would
    wake a worker: a thousand wakes of the webhook relay become one. Messages of
    the tasks named in ``done_here`` are not sent at all, because the caller
    does that work itself in the block; only idempotent tasks whose sweeper
    covers a miss belong there. Inside the block ``send_task`` returns None.
    The web, API and worker code paths never enter it.
    """
    held: dict = {}
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        for name, args, kwargs, options in held.values():
            if name in done_here:
                continue
            try:
                app.send_task(name, args, kwargs, **options)
            except Exception:
                # As when it was first sent: a broker outage is the sweepers' and
                # beat's to cover, not a reason to fail what was committed.
                logger.warning("Could not send the held task %s", name, exc_info=True)


app = CeleryApp("criba", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def idempotent_task_options(
    *, retry_on: tuple[type[BaseException], ...] = (DatabaseError,)
) -> dict:
    """The options of every task that is safe to run twice, in one place.

    The message is acknowledged only after the task ran (a worker lost mid-task
    means a redelivery), and the transient errors ``retry_on`` are retried with
    jittered exponential backoff (2 s doubling, at most 30 min apart, 12 times:
    about two hours of outage), after which the sweepers take over. Retries due
    later than CRIBA_BROKER_RETRY_MAX_SECONDS wait in the database (``Task``).
    """
    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": retry_on,
        "retry_backoff": 2,
        "retry_backoff_max": 1800,
        "retry_jitter": True,
        "max_retries": 12,
        "ignore_result": True,
    }


@app.on_after_finalize.connect
def _schedule_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = {
        "worker-heartbeat": {
            "task": "hiring.tasks.worker_heartbeat_task",
            "schedule": float(settings.CRIBA_HEARTBEAT_EVERY_SECONDS),
        },
        "sweep-unscored-submissions": {
            "task": "assessments.tasks.submissions_sweep_task",
            "schedule": float(settings.CRIBA_SWEEP_EVERY_SECONDS),
        },
        "close-timed-out-attempts": {
            "task": "assessments.tasks.attempts_close_timed_out_task",
            "schedule": float(settings.CRIBA_SWEEP_EVERY_SECONDS),
        },
        "relay-webhooks": {
            "task": "hiring.tasks.webhooks_send_task",
            "schedule": 5.0,
            "options": {"queue": "webhooks"},
        },
        "send-due-invitation-emails": {
            "task": "assessments.tasks.invitation_emails_sweep_task",
            "schedule": 30.0,
        },
        "remind-missing-scorecards": {
            "task": "assessments.tasks.scorecard_reminders_task",
            "schedule": 900.0,
        },
        "sweep-unaggregated-interviews": {
            "task": "assessments.tasks.interviews_aggregate_sweep_task",
            "schedule": float(settings.CRIBA_SWEEP_EVERY_SECONDS),
        },
        "send-due-retries": {
            "task": "hiring.tasks.task_retries_release_task",
            "schedule": float(settings.CRIBA_SWEEP_EVERY_SECONDS),
        },
        "expire-invitations": {
            "task": "assessments.tasks.invitations_expire_task",
            "schedule": 3600.0,
        },
        "recompute-reliabilities": {
            "task": "assessments.tasks.reliabilities_recompute_task",
            "schedule": 3600.0,
        },
        "purge-idempotency-records": {
            "task": "hiring.tasks.idempotency_records_purge_task",
            "schedule": 3600.0,
        },
        "purge-webhook-history": {
            "task": "hiring.tasks.webhook_history_purge_task",
            "schedule": 3600.0,
        },
        "purge-ats-records": {
            "task": "assessments.tasks.ats_records_purge_task",
            "schedule": 3600.0,
        },
        "retention-sweep": {
            "task": "assessments.tasks.retention_sweep_task",
            "schedule": 86400.0,
        },
        # Daily, sending at most once per calendar month: a month whose first
        # day beat missed is still reported.
        "adverse-impact-alert": {
            "task": "assessments.tasks.adverse_impact_alert_task",
            "schedule": 86400.0,
        },
        "recompute-norms": {
            "task": "assessments.tasks.norms_recompute_task",
            "schedule": 86400.0,
        },
    }


@worker_ready.connect
def _announce_worker(sender: object = None, **kwargs: object) -> None:
    # A fresh worker reports itself at once instead of waiting for beat.
    from hiring.services import worker_heartbeat_record

    worker_heartbeat_record(worker=str(getattr(sender, "hostname", "worker")))
