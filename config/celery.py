"""The Celery application; tasks live in each app's ``tasks.py``."""

import os

from celery import Celery
from celery.signals import worker_ready
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("criba")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def idempotent_task_options(
    *, retry_on: tuple[type[BaseException], ...] = (DatabaseError,)
) -> dict:
    """The options of every task that is safe to run twice, in one place.

    The message is acknowledged only after the task ran (a worker lost mid-task
    means a redelivery), and the transient errors ``retry_on`` are retried with
    jittered exponential backoff (2 s doubling, at most 2 min apart, 8 times:
    about 10 minutes of outage), after which the sweepers take over.
    """
    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": retry_on,
        "retry_backoff": 2,
        "retry_backoff_max": 120,
        "retry_jitter": True,
        "max_retries": 8,
        "ignore_result": True,
    }


@app.on_after_finalize.connect
def _schedule_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = {
        "worker-heartbeat": {
            "task": "hiring.tasks.worker_heartbeat_task",
            "schedule": float(settings.CRIBA_HEARTBEAT_EVERY_SECONDS),
        },
        "sweep-unscored-submissions": {
            "task": "assessments.tasks.submissions_sweep_task",
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
        "retention-sweep": {
            "task": "assessments.tasks.retention_sweep_task",
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
