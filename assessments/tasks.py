"""Thin Celery interfaces over the assessment services."""

from celery import shared_task
from django.db import DatabaseError

from assessments import development, interview_services, services
from assessments.adverse_impact_alerts import adverse_impact_alert_send
from assessments.integrations.greenhouse_retention import CALLBACKS, ats_records_purge
from assessments.models import InstrumentVersion
from assessments.privacy.retention import retention_sweep
from assessments.results.rescore import RESCORE_BATCH_SIZE, results_rescore_batch
from assessments.statistics.norms import norms_recompute
from assessments.statistics.reliability import reliabilities_recompute
from config.celery import idempotent_task_options

# The emails sent to a person by a worker: SMTP failures (OSError and its
# subclasses) are transient, retried with backoff for about three hours. Not
# acks_late: a redelivered message would send the email twice.
EMAIL_TASK_OPTIONS = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 6,
    "ignore_result": True,
}


@shared_task(**idempotent_task_options())
def questionnaire_score_task(invitation_id: int) -> None:
    # Idempotent: a redelivered or duplicated message finds the result already
    # stored and writes nothing more.
    services.questionnaire_score(invitation_id=invitation_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def invitation_email_task(invitation_id: int) -> bool:
    # Takes only the id: the link is derived in the worker, never carried by the
    # broker. A failed send records its next due time in the database, where the
    # sweeper below picks it up; the task itself never waits on a countdown.
    return services.invitation_email_send(invitation_id=invitation_id)


@shared_task(**EMAIL_TASK_OPTIONS)
def development_plan_email_task(plan_id: int) -> bool:
    # Takes only the id: the hire's link is derived in the worker, never carried
    # by the broker. SMTP failures (OSError and its subclasses) are transient:
    # retried with backoff, like an interviewer's email. Not acks_late: a
    # redelivery would send the email twice.
    return development.development_plan_email_send(plan_id=plan_id)


@shared_task(ignore_result=True)
def invitation_emails_sweep_task() -> int:
    return services.invitation_emails_sweep()


@shared_task(ignore_result=True)
def submissions_sweep_task() -> int:
    return services.submissions_sweep()


@shared_task(ignore_result=True)
def invitations_expire_task() -> int:
    return services.invitations_expire()


@shared_task(ignore_result=True)
def attempts_close_timed_out_task() -> int:
    return services.attempts_close_timed_out()


@shared_task(**idempotent_task_options())
def rescore_task(
    version_id: int, after_id: int = 0, batch_size: int = RESCORE_BATCH_SIZE
) -> int:
    """Rescore one batch of a version, then enqueue the next one.

    Idempotent and resumable: a redelivered batch finds its results stored and
    skips them; a chain broken by a crash is restarted with ``after_id=0``, which
    skips everything already done.
    """
    version = InstrumentVersion.objects.get(pk=version_id)
    batch = results_rescore_batch(
        version=version, after_id=after_id, batch_size=batch_size
    )
    if batch.last_id is not None:
        rescore_task.delay(version_id, after_id=batch.last_id, batch_size=batch_size)
    return batch.scored


# Not acks_late (a lost run waits for the next day), so they may run longer than
# the visibility timeout allows the others.
@shared_task(ignore_result=True, soft_time_limit=1800, time_limit=1860)
def norms_recompute_task() -> int:
    """Store new local norm sets where the valid submissions allow (N >= 100)."""
    return len(norms_recompute())


@shared_task(ignore_result=True, soft_time_limit=1800, time_limit=1860)
def reliabilities_recompute_task() -> int:
    """Re-estimate alpha per version and scale; the SEM of new scores uses it."""
    return len(reliabilities_recompute())


@shared_task(**idempotent_task_options())
def interview_aggregate_task(interview_id: int) -> None:
    # Idempotent: the result is unique per interview and scoring version, and an
    # unchanged set of scorecard versions writes nothing.
    interview_services.interview_aggregate(interview_id=interview_id)


@shared_task(ignore_result=True)
def interviews_aggregate_sweep_task() -> int:
    return interview_services.interviews_aggregate_sweep()


@shared_task(**EMAIL_TASK_OPTIONS)
def interview_email_task(panelist_id: int, kind: str) -> bool:
    # SMTP failures (OSError and its subclasses) are transient: retried with
    # backoff. Takes ids only; the email is built in the worker.
    return interview_services.interview_email_send(panelist_id, kind)


@shared_task(ignore_result=True)
def scorecard_reminders_task() -> int:
    return interview_services.scorecard_reminders_send()


@shared_task(ignore_result=True)
def retention_sweep_task() -> int:
    """Warn administrators of coming erasures and erase what is past its date.

    Safe to run twice: each erasure claims its candidate under a row lock and a
    second run finds nothing left to erase.
    """
    return len(retention_sweep().erased)


@shared_task(ignore_result=True)
def ats_records_purge_task(stage: str = CALLBACKS, after_id: int = 0) -> int:
    """Delete one window of Greenhouse's callbacks and error reports past their
    retention, and enqueue the next window until the walk reaches recent rows
    (beat starts it hourly).

    Safe to run twice at once: each step claims its rows with SKIP LOCKED.
    """
    step = ats_records_purge(stage=stage, after_id=after_id)
    if step.next is not None:
        ats_records_purge_task.delay(*step.next)
    return step.deleted


@shared_task(**idempotent_task_options(retry_on=(DatabaseError, OSError)))
def adverse_impact_alert_task() -> bool:
    """Checked daily; emails the month's impact ratios below four fifths once.

    Idempotent: the month is claimed with a conditional UPDATE, so a second run
    (or a redelivered message) sends nothing more. SMTP failures are retried.
    """
    return adverse_impact_alert_send().sent
