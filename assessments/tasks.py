"""Thin Celery interfaces over the assessment services."""

from celery import shared_task
from django.db import DatabaseError

from assessments import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def questionnaire_score_task(invitation_id: int) -> None:
    # Idempotent: a redelivered or duplicated message finds the result already
    # stored and writes nothing more.
    services.questionnaire_score(invitation_id=invitation_id)


@shared_task(ignore_result=True)
def submissions_sweep_task() -> int:
    return services.submissions_sweep()


@shared_task(ignore_result=True)
def invitations_expire_task() -> int:
    return services.invitations_expire()
