"""Reads of the hiring side, already scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from hiring.models import (
    ROLE_CAPABILITIES,
    Application,
    AuditEvent,
    Job,
    JobMember,
    Stage,
)


def user_is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def job_role(*, user, job: Job) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        JobMember.objects.filter(job=job, user=user)
        .values_list("role", flat=True)
        .first()
    )


def user_can(*, user, job: Job, capability: str) -> bool:
    """Whether the user's role on this job grants the capability."""
    if user_is_administrator(user):
        return True
    role = job_role(user=user, job=job)
    return role is not None and capability in ROLE_CAPABILITIES[role]


def roles_with(capability: str) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs where the user holds a role (every job for administrators)."""
    jobs = Job.objects.all()
    if not user_is_administrator(user):
        jobs = jobs.filter(members__user=user)
    return jobs.distinct()


def jobs_with_pipeline(user) -> QuerySet[Job]:
    """Visible jobs annotated with one count per stage (`stage_<name>`) and the
    user's role on each (`my_role`, None for an administrator without one)."""
    counts = {
        f"stage_{stage}": Count("applications", filter=Q(applications__stage=stage))
        for stage in Stage.values
    }
    my_role = JobMember.objects.filter(job=OuterRef("pk"), user=user).values("role")
    return (
        Job.objects.filter(pk__in=jobs_visible_to(user).values("pk"))
        .annotate(**counts, my_role=Subquery(my_role[:1]))
        .order_by("title", "id")
    )


def applications_visible_to(user, capability: str) -> QuerySet[Application]:
    """Applications on jobs where the user's role grants the capability."""
    applications = Application.objects.select_related("candidate", "job")
    if user_is_administrator(user):
        return applications
    return applications.filter(
        job__members__user=user, job__members__role__in=roles_with(capability)
    ).distinct()


def decision_history(*, application: Application) -> QuerySet[AuditEvent]:
    """Every decision recorded on the application, newest first, from the audit log."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED,
        object_type=Application._meta.label_lower,
        object_id=str(application.pk),
    ).select_related("actor")
