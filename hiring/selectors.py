"""Reads of the hiring side, already scoped to what the user may see."""

from __future__ import annotations

import hashlib
import hmac
from time import monotonic

from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from hiring.errors import Forbidden, Invalid, NotFound
from hiring.models import (
    ROLE_CAPABILITIES,
    ApiKey,
    Application,
    AuditEvent,
    Candidate,
    Capability,
    Job,
    JobMember,
    JobRole,
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


def job_capabilities(*, user, job: Job) -> frozenset[str]:
    """What the user may do on the job (one query at most); administrators may do
    everything, someone with no role on the job nothing."""
    return job_standing(user=user, job=job)[1]


def job_standing(*, user, job: Job) -> tuple[bool, frozenset[str]]:
    """Whether the user is on the job's hiring team (administrators stand on
    every team) and what they may do there, in one query at most.

    An interviewer's role grants no capability, so the capabilities alone cannot
    tell them from someone taken off the team."""
    if user_is_administrator(user):
        return True, frozenset(Capability.values)
    role = job_role(user=user, job=job)
    if role is None:
        return False, frozenset()
    return True, ROLE_CAPABILITIES.get(role, frozenset())


def job_require(*, user, job: Job, capability: str) -> frozenset[str]:
    """The user's capabilities on the job, if they include ``capability``.

    Raises NotFound for someone with no role on the job (never a hint that it
    exists) and Forbidden for a team member whose role does not allow it.
    """
    if user_is_administrator(user):
        return frozenset(Capability.values)
    role = job_role(user=user, job=job)
    if role is None:
        raise NotFound(_("There is no such page."), code="not_found")
    capabilities = ROLE_CAPABILITIES[role]
    if capability not in capabilities:
        raise Forbidden(
            _("Your role on this job does not allow this."), code="not_allowed"
        )
    return capabilities


OUTCOME_REPORTS_PERMISSION = "hiring.view_outcome_reports"
SELFID_AGGREGATES_PERMISSION = "hiring.view_selfid_aggregates"


def reports_readable(user) -> frozenset[str]:
    """Which cross-job reports the user may read: ``"outcomes"`` (validity,
    managers and teams) and ``"adverse_impact"`` (self-identification in
    aggregate). Administrators read both; anyone else needs the permission of
    each: a role on a job is not enough, since the reports compare jobs and
    teams."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user_is_administrator(user):
        return frozenset({"outcomes", "adverse_impact"})
    readable = set()
    if user.has_perm(OUTCOME_REPORTS_PERMISSION):
        readable.add("outcomes")
    if user.has_perm(SELFID_AGGREGATES_PERMISSION):
        readable.add("adverse_impact")
    return frozenset(readable)


def outcome_reports_require(*, user) -> None:
    """Administrators and holders of ``hiring.view_outcome_reports`` read the
    outcome reports of every job; anybody else is refused."""
    if not user.is_authenticated:
        raise NotFound(_("There is no such page."), code="not_found")
    if "outcomes" not in reports_readable(user):
        raise Forbidden(
            _("Reading outcome reports needs the outcome reports permission."),
            code="not_allowed",
        )


def selfid_aggregates_require(*, user) -> None:
    """Administrators and holders of ``hiring.view_selfid_aggregates`` read
    self-identification, in aggregate only; nobody else, whatever their role."""
    if "adverse_impact" not in reports_readable(user):
        raise Forbidden(
            _("Only administrators and people allowed to read fairness reports may."),
            code="not_allowed",
        )


def roles_with(capability: str) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs where the user holds a role (every job for administrators)."""
    jobs = Job.objects.all()
    if not user_is_administrator(user):
        jobs = jobs.filter(members__user=user)
    return jobs.distinct()


def jobs_with_pipeline(user) -> QuerySet[Job]:
    """Visible jobs annotated with one count per stage (`stage_<name>`), the
    user's role on each (`my_role`, None for an administrator without one) and how
    many of its interviews the user sits on (`my_interview_count`)."""
    counts = {
        f"stage_{stage}": Count("applications", filter=Q(applications__stage=stage))
        for stage in Stage.values
    }
    my_role = JobMember.objects.filter(job=OuterRef("pk"), user=user).values("role")
    # The same rule as "My interviews" (interviews whose panel includes the user),
    # so the job list never promises interviews that page does not list. Reached
    # through the reverse relation by name: hiring imports nothing of assessments.
    my_interviews = (
        Job.objects.filter(pk=OuterRef("pk"))
        .annotate(
            n=Count(
                "applications__interviews",
                filter=Q(applications__interviews__interviewers=user),
                distinct=True,
            )
        )
        .values("n")
    )
    return (
        Job.objects.filter(pk__in=jobs_visible_to(user).values("pk"))
        .annotate(
            **counts,
            my_role=Subquery(my_role[:1]),
            my_interview_count=Subquery(my_interviews[:1]),
        )
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


def audit_events_naming(ids, *, object_type: str | None = None) -> QuerySet[AuditEvent]:
    """Audit rows about any of these objects (of ``object_type``, or of any type):
    named in `object_id`, or, for a row about several (an integration's read of a
    page of results), in its `data["results"]` list of ids as strings.
    PostgreSQL finds the latter through the GIN index of hiring migration 0017
    (on `report.viewed` rows, the only ones with such a list); SQLite reads the
    lists with `json_each`."""
    ids = [str(pk) for pk in ids]
    rows = AuditEvent.objects.all()
    if object_type is not None:
        rows = rows.filter(object_type=object_type)
    if not ids:
        return rows.none()
    if connection.vendor == "postgresql":
        listed = Q(
            action=AuditEvent.Action.REPORT_VIEWED, data__results__has_any_keys=ids
        )
    else:
        listed = Q(
            pk__in=RawSQL(  # noqa: S611 (only placeholders are formatted in)
                f"""SELECT event.id FROM {AuditEvent._meta.db_table} AS event,
                    json_each(event.data, '$.results') AS listed
                    WHERE listed.value IN ({", ".join(["%s"] * len(ids))})""",  # noqa: S608
                ids,
            )
        )
    return rows.filter(listed | Q(object_id__in=ids))


def decision_history(*, application: Application) -> QuerySet[AuditEvent]:
    """Every decision recorded on the application, newest first, from the audit log."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED,
        object_type=Application._meta.label_lower,
        object_id=str(application.pk),
    ).select_related("actor")


def job_for_user(*, user, job_id: int, capability: str) -> tuple[Job, frozenset[str]]:
    """A job the user holds a role on, with their capabilities, if these include
    ``capability``; NotFound or Forbidden otherwise (see `job_require`)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("There is no such page."), code="not_found")
    return job, job_require(user=user, job=job, capability=capability)


def job_team(*, job: Job) -> QuerySet[JobMember]:
    """The job's hiring team, recruiters first."""
    order = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(JobRole.values)),
        output_field=IntegerField(),
    )
    return (
        JobMember.objects.filter(job=job)
        .select_related("user")
        .annotate(role_order=order)
        .order_by("role_order", "user__username")
    )


def user_may_create_jobs(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("hiring.add_job"))


# How long a process may go on trusting a key it looked up: a key revoked in
# another process stops working within this many seconds (at once in the process
# that revoked it), and a busy API client costs no query per call.
API_KEY_RECHECK_SECONDS = 5.0
_API_KEYS_REMEMBERED = 1000

# The keys this process looked up lately: the SHA-256 of the presented key (never
# the key itself) -> (monotonic time of the lookup, the key).
_recent_keys: dict[str, tuple[float, ApiKey]] = {}


def api_key_for(raw_key: str, *, max_age: float = 0) -> ApiKey | None:
    """The active key matching a presented secret, or None (unknown or revoked).

    With ``max_age``, a key this process found active less than that many
    seconds ago is trusted without asking the database again; unknown and
    revoked keys are always looked up.
    """
    head, separator, secret = raw_key.partition("_")
    ident, separator2, secret = secret.partition("_")
    if not (head and separator and ident and separator2 and secret):
        return None
    presented = hashlib.sha256(raw_key.encode("utf-8")).hexdigest()
    now = monotonic()
    if max_age > 0:
        remembered = _recent_keys.get(presented)
        if remembered is not None and now - remembered[0] < max_age:
            return remembered[1]
    prefix = f"{head}_{ident}"
    api_key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(presented, api_key.key_hash):
        _recent_keys.pop(presented, None)
        return None
    if len(_recent_keys) >= _API_KEYS_REMEMBERED:
        _recent_keys.clear()
    _recent_keys[presented] = (now, api_key)
    return api_key


def api_key_forget(*, api_key: ApiKey) -> None:
    """Stop trusting this key in this process without looking it up again (on
    its revocation: other processes follow within API_KEY_RECHECK_SECONDS)."""
    _recent_keys.pop(api_key.key_hash, None)


# --- applicant tracking systems (API keys are organisation-wide) ------------------


def jobs_for_integrations() -> QuerySet[Job]:
    return Job.objects.all()


def candidates_by_email(emails) -> dict[str, Candidate]:
    """The candidates already known (not erased) by these emails, by the email
    lower-cased; the first one recorded when two share an email. One query,
    none for no email."""
    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    if not wanted:
        return {}
    known: dict[str, Candidate] = {}
    for candidate in (
        Candidate.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted, erased_at__isnull=True)
        .order_by("id")
    ):
        known.setdefault(candidate.email_lower, candidate)
    return known


def candidates_for_integrations() -> QuerySet[Candidate]:
    return Candidate.objects.all()


def applications_for_integrations() -> QuerySet[Application]:
    return Application.objects.select_related("job", "candidate")


def _by_reference(model, *, field: str, pk: int | None, external_id: str | None):
    if pk is None and not external_id:
        raise Invalid(
            _("Name the %(field)s by its id or its external id.") % {"field": field},
            code="reference_required",
            fields={field: [_("This field is required.")]},
        )
    lookup = {"pk": pk} if pk is not None else {"external_id": external_id}
    obj = model.objects.filter(**lookup).first()
    # The error names the field the client sent: `job` or `job_external_id`.
    named = field if pk is not None else f"{field}_external_id"
    if obj is None:
        raise Invalid(
            _("There is no such %(field)s.") % {"field": field},
            code="unknown_reference",
            fields={named: [_("No such record.")]},
        )
    if pk is not None and external_id and obj.external_id != external_id:
        raise Invalid(
            _("The id and the external id name different records."),
            code="references_disagree",
            fields={
                field: [_("The id and the external id name different records.")],
                f"{field}_external_id": [
                    _("The id and the external id name different records.")
                ],
            },
        )
    return obj


def job_by_reference(*, pk: int | None = None, external_id: str | None = None) -> Job:
    """The job named by Criba's id or the ATS's external id; Invalid otherwise."""
    return _by_reference(Job, field="job", pk=pk, external_id=external_id)


def candidate_by_reference(
    *, pk: int | None = None, external_id: str | None = None
) -> Candidate:
    """The candidate named by Criba's id or the ATS's external id."""
    return _by_reference(Candidate, field="candidate", pk=pk, external_id=external_id)


def application_by_reference(
    *, pk: int | None = None, external_id: str | None = None
) -> Application:
    """The application named by Criba's id or the ATS's external id."""
    return _by_reference(
        Application, field="application", pk=pk, external_id=external_id
    )
