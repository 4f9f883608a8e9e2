"""Writes of the hiring side: decisions, the audit log, worker heartbeats."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hiring.models import Application, AuditEvent, Job, Stage, WorkerHeartbeat


class DomainError(Exception):
    """A request that breaks a rule of the domain; views turn it into a 4xx."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def audit_record(
    *,
    actor,
    action: str,
    obj,
    job: Job | None = None,
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        job=job,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


_STAGE_FOR_DECISION = {
    Application.Decision.HIRE: Stage.HIRED,
    Application.Decision.REJECT: Stage.REJECTED,
}


@transaction.atomic
def application_decide(
    *, application: Application, user, decision: str, reason: str
) -> Application:
    """Record who decided what about an application, when and why; audited."""
    reason = reason.strip()
    if decision not in Application.Decision.values:
        raise DomainError(f"Unknown decision {decision!r}", code="unknown_decision")
    if not reason:
        raise DomainError("A decision needs its reason", code="reason_required")
    application = Application.objects.select_for_update().get(pk=application.pk)
    previous = application.decision
    application.decision = decision
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_reason = reason
    if decision in _STAGE_FOR_DECISION:
        application.stage = _STAGE_FOR_DECISION[decision]
    application.save()
    audit_record(
        actor=user,
        action=AuditEvent.Action.DECISION_RECORDED,
        obj=application,
        job=application.job,
        data={"decision": decision, "previous": previous, "reason": reason},
    )
    return application


def worker_heartbeat_record(*, worker: str, now=None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults={"seen_at": now or timezone.now()}
    )
