import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiring.errors import Conflict


class JobRole(models.TextChoices):
    RECRUITER = "recruiter", _("Recruiter")
    HIRING_MANAGER = "hiring_manager", _("Hiring manager")
    INTERVIEWER = "interviewer", _("Interviewer")


class Capability(models.TextChoices):
    """What a role on a job allows; administrators hold every capability."""

    VIEW_APPLICATIONS = "view_applications", _("See the job's applications")
    VIEW_RESULTS = "view_results", _("Read assessment results")
    INVITE = "invite", _("Invite candidates and revoke invitations")
    DECIDE = "decide", _("Record hiring decisions")
    MANAGE_JOB = (
        "manage_job",
        _("Edit the job, its hiring team and assessment plan, and add candidates"),
    )
    PERSONAL_DATA = (
        "personal_data",
        _("Export, erase and keep candidates' personal data"),
    )
    OUTCOMES = "outcomes", _("Record and read hire outcomes")
    DEVELOPMENT = (
        "development",
        _("Write hires' development plans and keep their check-ins"),
    )


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    JobRole.RECRUITER: frozenset(
        {
            Capability.VIEW_APPLICATIONS,
            Capability.VIEW_RESULTS,
            Capability.INVITE,
            Capability.DECIDE,
            Capability.MANAGE_JOB,
            Capability.PERSONAL_DATA,
            Capability.OUTCOMES,
            Capability.DEVELOPMENT,
        }
    ),
    JobRole.HIRING_MANAGER: frozenset(
        {
            Capability.VIEW_APPLICATIONS,
            Capability.VIEW_RESULTS,
            Capability.DECIDE,
            Capability.OUTCOMES,
        }
    ),
    # Interviewers see the interviews they sit on, and nothing of other candidates'
    # results, so their ratings stay independent of the questionnaire.
    JobRole.INTERVIEWER: frozenset(),
}


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    department = models.CharField(_("department"), max_length=120, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN
    )
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="JobMember", related_name="jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="job_external_id_unique",
            )
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="job_polling")]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("results:job_detail", args=[self.pk])


class JobMember(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=JobRole)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "user"], name="one_role_per_job")
        ]
        verbose_name = _("hiring team member")
        verbose_name_plural = _("hiring team members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.job}"


def retention_date(today: date | None = None) -> date:
    """Until when a candidate active ``today`` has their personal data kept."""
    today = today or timezone.localdate()
    return today + timedelta(days=settings.CRIBA_RETENTION_DAYS)


class Candidate(models.Model):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default="en"
    )
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # The version of the privacy notice the candidate saw when they consented.
    consent_version = models.PositiveIntegerField(
        _("privacy notice version consented to"), null=True, blank=True
    )
    # Empty only once the candidate is erased: nothing personal is left to keep.
    retention_until = models.DateField(
        _("keep personal data until"),
        null=True,
        default=retention_date,
        help_text=_(
            "After this date the personal data is erased automatically, unless an "
            "application is still open. Activity moves it forward; administrators "
            "are told a week before."
        ),
    )
    # The retention date administrators were last warned about, so each date is
    # announced once.
    retention_notified_for = models.DateField(null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="candidate_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="candidate_polling"),
            models.Index(fields=["email"], name="candidate_email"),
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return _("Erased candidate #%(id)s") % {"id": self.pk}
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ASSESSING = "assessing", _("Assessing")
    INTERVIEWING = "interviewing", _("Interviewing")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STAGES = frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN})


class Application(models.Model):
    class Decision(models.TextChoices):
        ADVANCE = "advance", _("Advance")
        HIRE = "hire", _("Hire")
        REJECT = "reject", _("Reject")
        HOLD = "hold", _("Hold")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="applications"
    )
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage, default=Stage.APPLIED
    )
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "job"], name="one_application_per_job"
            ),
            models.CheckConstraint(
                condition=models.Q(decision="")
                | (
                    models.Q(decided_by__isnull=False)
                    & models.Q(decided_at__isnull=False)
                    & ~models.Q(decision_reason="")
                ),
                name="decision_has_who_when_why",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="application_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="application_polling")
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.candidate} for {self.job}"

    @property
    def is_open(self) -> bool:
        """Still in the pipeline: its candidate's data is needed and kept."""
        return self.stage not in CLOSED_STAGES

    def decision_refusal(self) -> Conflict | None:
        """Why no decision may be recorded now, as the error ``application_decide``
        raises; None while one may. A hired, rejected or withdrawn application is
        settled, and so is every application of a closed job. None of the
        decisions reopens anything: an application is reopened by moving it back
        to an open stage (the API's stage, the admin), a job by reopening it."""
        if not self.is_open:
            return Conflict(
                _(
                    "This application is closed (%(stage)s), so no decision can be "
                    "recorded on it. Move it back to an open stage to reconsider it."
                )
                % {"stage": Stage(self.stage).label},
                code="application_closed",
            )
        if self.job.status == Job.Status.CLOSED:
            return Conflict(
                _(
                    "The job is closed, so no decision can be recorded on its "
                    "applications. Reopen the job to decide."
                ),
                code="job_closed",
            )
        return None

    @property
    def closed_to_decisions(self) -> str:
        """``decision_refusal`` in words for the pages; "" while a decision may
        be recorded."""
        refusal = self.decision_refusal()
        return refusal.message if refusal else ""


class AuditEvent(models.Model):
    """One line of the append-only audit log."""

    class Action(models.TextChoices):
        DECISION_RECORDED = "decision.recorded", _("Decision recorded")
        JOB_CREATED = "job.created", _("Job created")
        JOB_UPDATED = "job.updated", _("Job updated")
        CANDIDATE_CREATED = "candidate.created", _("Candidate created")
        CANDIDATE_UPDATED = "candidate.updated", _("Candidate updated")
        APPLICATION_CREATED = "application.created", _("Application created")
        CANDIDATES_IMPORTED = "candidates.imported", _("Candidates imported")
        PLAN_UPDATED = "plan.updated", _("Assessment plan updated")
        REPORT_VIEWED = "report.viewed", _("Report viewed")
        INVITATION_CREATED = "invitation.created", _("Invitation created")
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
        INVITATION_EXTENDED = "invitation.extended", _("Invitation extended")
        INVITATION_RESENT = "invitation.resent", _("Invitation email resent")
        WEBHOOK_ENDPOINT_CREATED = "webhook.created", _("Webhook endpoint created")
        WEBHOOK_ENDPOINT_UPDATED = "webhook.updated", _("Webhook endpoint changed")
        WEBHOOK_ENDPOINT_DELETED = "webhook.deleted", _("Webhook endpoint deleted")
        WEBHOOK_SECRET_ROTATED = "webhook.rotated", _("Webhook secret rotated")
        WEBHOOK_REDELIVERED = "webhook.redelivered", _("Webhook redelivered")
        EXPORT = "data.exported", _("Data exported")
        ERASURE = "candidate.erased", _("Candidate erased")
        LOGIN_LOCKED_OUT = "login.locked_out", _("Sign-in locked out")
        LOGIN_LOCKOUT_LIFTED = "login.lockout_lifted", _("Sign-in lockout lifted")
        TEAM_MEMBER_ADDED = "team.member_added", _("Hiring team member added")
        TEAM_MEMBER_CHANGED = "team.member_changed", _("Hiring team role changed")
        TEAM_MEMBER_REMOVED = "team.member_removed", _("Hiring team member removed")
        USER_ACCESS_CHANGED = "user.access_changed", _("Account access changed")
        # Hooks for the API keys, which do not exist yet: their create and revoke
        # services record these with audit_record, as every other action does.
        API_KEY_CREATED = "api_key.created", _("API key created")
        API_KEY_REVOKED = "api_key.revoked", _("API key revoked")
        RETENTION_CHANGED = "retention.changed", _("Retention date changed")
        SELF_IDENTIFICATION_RECORDED = (
            "self_identification.recorded",
            _("Self-identification recorded"),
        )
        OUTCOME_RECORDED = "outcome.recorded", _("Hire outcome recorded")
        OUTCOMES_IMPORTED = "outcomes.imported", _("Hire outcomes imported")
        PLAN_GENERATED = "development_plan.generated", _("Development plan generated")
        PLAN_OPENED = (
            "development_plan.opened",
            _("Development plan opened by the hire"),
        )
        PLAN_SHARED = (
            "development_plan.shared",
            _("Development plan shared with the manager"),
        )
        PLAN_UNSHARED = (
            "development_plan.unshared",
            _("Development plan no longer shared with the manager"),
        )
        PLAN_EMAILED = (
            "development_plan.emailed",
            _("Development plan link emailed to the hire"),
        )
        CHECK_IN_UPDATED = (
            "development_plan.check_in_updated",
            _("Development check-in updated"),
        )

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=40, choices=Action)
    job = models.ForeignKey(
        Job, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        # A row's history (decisions on an application) and a candidate's file
        # look rows up by what they are about. On PostgreSQL, migration 0017 also
        # indexes the result ids an integration's read names (`data["results"]`).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_about")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only")


def new_message_id() -> str:
    """A unique, sortable-enough message id; it becomes the `webhook-id` header."""
    return f"msg_{uuid.uuid4().hex}"


class OutboxEvent(models.Model):
    """An event written in the business transaction, relayed to webhooks later.

    Written only through `hiring.events.event_record`.
    """

    class Type(models.TextChoices):
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_OPENED = "invitation.opened", _("Invitation opened")
        ASSESSMENT_SUBMITTED = "assessment.submitted", _("Assessment submitted")
        ASSESSMENT_SCORED = "assessment.scored", _("Assessment scored")
        APPLICATION_DECIDED = "application.decided", _("Application decided")
        SCORECARD_SUBMITTED = "scorecard.submitted", _("Scorecard submitted")
        INTERVIEW_COMPLETED = "interview.completed", _("Interview completed")
        HIRE_OUTCOME_RECORDED = "hire_outcome.recorded", _("Hire outcome recorded")

    message_id = models.CharField(max_length=40, unique=True, default=new_message_id)
    type = models.CharField(max_length=60, choices=Type)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField()
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(relayed_at__isnull=True),
                name="outbox_not_relayed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


# The test event a ping sends to one endpoint on request; no outbox row carries it.
WEBHOOK_PING = "webhook.ping"
# Every `type` a webhook body can carry: the one list the API documents.
WEBHOOK_EVENT_TYPES = (*OutboxEvent.Type.values, WEBHOOK_PING)


class WorkerHeartbeat(models.Model):
    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.seen_at:%H:%M:%S}"


class WebhookEndpoint(models.Model):
    """A receiver of events, signed per the Standard Webhooks specification.

    The signing secret must be usable to sign, so it cannot be hashed; it is kept
    encrypted under a key derived from the server's secret key
    (`hiring.webhooks.secrets`) and shown in clear only once, when made.

    An endpoint registered through the API belongs to the key that registered it:
    that key alone reaches it through the API, and administrators reach every
    endpoint on the settings page. One an administrator added there has no key.
    """

    class DisabledReason(models.TextChoices):
        NONE = "", _("Enabled")
        MANUAL = "manual", _("Disabled by an administrator")
        GONE = "gone", _("The receiver answered 410 Gone")
        FAILING = "failing", _("Every delivery failed for too long")
        KEY_REVOKED = "revoked", _("The API key that registered it was revoked")

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    # Event types this endpoint receives; empty means every type.
    events = models.JSONField(_("events"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(
        max_length=10, choices=DisabledReason, blank=True, default=""
    )
    secret_encrypted = models.TextField()
    # After a rotation the old secret still signs until this time.
    previous_secret_encrypted = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    # Consecutive failed attempts since the last success.
    failure_streak = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    # The key that registered it through the API; none when an administrator added
    # it on the settings page. Keys are never deleted (they are revoked, which
    # disables their endpoints), and PROTECT keeps it so: an endpoint never loses
    # the record of who registered it, nor silently becomes an administrator's.
    api_key = models.ForeignKey(
        "ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("API key"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        """Subscribed to it (every event when none is ticked), and, for an endpoint
        a key registered, an event carrying what that key may read."""
        if self.events and event_type not in self.events:
            return False
        return self.may_carry(event_type)

    def may_carry(self, event_type: str) -> bool:
        """Whether the key that registered it (if one did) may read, now, what the
        event carries: checked again at every attempt, since a scope taken away
        stops the deliveries already queued too. A test ping carries nothing."""
        return (
            self.api_key is None
            or event_type == WEBHOOK_PING
            or self.api_key.may_receive(event_type)
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint; its attempts are retried until it succeeds or
    its time runs out. The next attempt's time lives here, not on the broker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        OutboxEvent, on_delete=models.PROTECT, related_name="deliveries", null=True
    )
    # A test ping carries its own body and has no outbox event.
    message_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                condition=models.Q(event__isnull=False),
                name="one_delivery_per_event_and_endpoint",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
            # An endpoint's latest deliveries (its settings page, the API) are
            # read from the top of this, not sorted out of all it ever received.
            models.Index(
                fields=["endpoint", "-created_at", "-id"],
                name="webhook_delivery_latest",
            ),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, kept for the administrators."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The first bytes of the receiver's answer, for debugging; never our secret.
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class ApiKey(models.Model):
    """A key an applicant tracking system calls the API with.

    Only the key's prefix (to find the row) and the SHA-256 of the whole key are
    stored: the key is 256 random bits, so a fast hash is as safe as a slow one.
    """

    class Scope(models.TextChoices):
        JOBS_READ = "jobs:read", _("Read jobs")
        JOBS_WRITE = "jobs:write", _("Create and update jobs")
        APPLICATIONS_READ = "applications:read", _("Read candidates and applications")
        APPLICATIONS_WRITE = (
            "applications:write",
            _("Create and update candidates and applications"),
        )
        INVITATIONS_WRITE = (
            "invitations:write",
            _("Order, extend and revoke invitations"),
        )
        RESULTS_READ = "results:read", _("Read questionnaire results and reports")
        INTERVIEWS_READ = "interviews:read", _("Read interviews and scorecards")
        WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook endpoints")
        OUTCOMES_READ = "outcomes:read", _("Read hire outcomes")
        OUTCOMES_WRITE = "outcomes:write", _("Record hire outcomes")

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def may_receive(self, event_type: str) -> bool:
        """Whether the key may read what an event carries: the endpoints it
        registers get no data that its scopes keep from it in the API."""
        return any(self.has_scope(scope) for scope in EVENT_SCOPES.get(event_type, ()))

    def scopes_to_receive(self, event_type: str) -> tuple[str, ...]:
        return EVENT_SCOPES.get(event_type, ())


# The scopes that read each event's data through the API (any one suffices).
_APPLICATIONS = (ApiKey.Scope.APPLICATIONS_READ, ApiKey.Scope.APPLICATIONS_WRITE)
_INVITATIONS = (ApiKey.Scope.INVITATIONS_WRITE, *_APPLICATIONS)
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    OutboxEvent.Type.INVITATION_SENT: _INVITATIONS,
    OutboxEvent.Type.INVITATION_OPENED: _INVITATIONS,
    OutboxEvent.Type.ASSESSMENT_SUBMITTED: _INVITATIONS,
    OutboxEvent.Type.ASSESSMENT_SCORED: (ApiKey.Scope.RESULTS_READ,),
    OutboxEvent.Type.APPLICATION_DECIDED: _APPLICATIONS,
    OutboxEvent.Type.SCORECARD_SUBMITTED: (ApiKey.Scope.INTERVIEWS_READ,),
    OutboxEvent.Type.INTERVIEW_COMPLETED: (ApiKey.Scope.INTERVIEWS_READ,),
    OutboxEvent.Type.HIRE_OUTCOME_RECORDED: (
        ApiKey.Scope.OUTCOMES_READ,
        ApiKey.Scope.OUTCOMES_WRITE,
    ),
}


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key``.

    The row is inserted before the request runs, so a concurrent duplicate finds it
    (unique per API key and key) and is refused while ``response_status`` is empty.
    """

    api_key = models.ForeignKey(
        ApiKey, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], name="one_record_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.response_status or 'running'})"


class AtsCallback(models.Model):
    """A call an applicant tracking system asked for when a result is ready (e.g.
    Greenhouse's completion PATCH). It waits until the invitation is scored, then
    is retried on the webhook schedule until the ATS answers 2xx."""

    class Provider(models.TextChoices):
        GREENHOUSE = "greenhouse", "Greenhouse"

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the result")
        PENDING = "pending", _("Being sent")
        SUCCEEDED = "succeeded", pgettext_lazy("callback status", "Sent")
        FAILED = "failed", _("Failed")

    provider = models.CharField(max_length=20, choices=Provider)
    # The ATS's own reference of the order, e.g. Greenhouse's partner_interview_id.
    reference = models.CharField(max_length=64, unique=True)
    # The invitation whose result the ATS waits for (hiring keeps no foreign key
    # into assessments).
    invitation_id = models.PositiveBigIntegerField(db_index=True)
    method = models.CharField(max_length=8, default="PATCH")
    url = models.URLField(max_length=1000)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.WAITING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="ats_callback_due",
            )
        ]
        verbose_name = _("ATS callback")
        verbose_name_plural = _("ATS callbacks")

    def __str__(self) -> str:
        return f"{self.provider} {self.reference} ({self.status})"


class AtsErrorReport(models.Model):
    """An error an applicant tracking system reported about Criba's answers."""

    provider = models.CharField(max_length=20, choices=AtsCallback.Provider)
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    body = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("ATS error report")
        verbose_name_plural = _("ATS error reports")

    def __str__(self) -> str:
        at = f"{self.received_at:%Y-%m-%d %H:%M}"
        return f"{self.provider} {self.reference or '-'} at {at}"


class TaskRetry(models.Model):
    """A task's retry that waits in the database instead of on the broker.

    On Redis a countdown is a message a worker holds unacknowledged; held past the
    visibility timeout it is handed out again, and a broker restarted empty loses
    it. So a retry due later than a short countdown is written here (see
    ``config.celery.Task.retry``) and the sweeper sends it when it is due.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # The retry count the task sees when this retry runs (its backoff and
    # max_retries go on from there).
    retries = models.PositiveIntegerField()
    due_at = models.DateTimeField(db_index=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.task} retry {self.retries} due {self.due_at:%H:%M:%S}"


class LeavingReason(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary (the hire resigned)")
    INVOLUNTARY = "involuntary", _("Involuntary (dismissed or let go)")
    OTHER = "other", _("Other (end of contract, relocation, death)")


class PerformanceRating(models.IntegerChoices):
    """The one performance scale outcomes are recorded on, defined so that two
    managers mean the same thing by the same number."""

    WELL_BELOW = 1, _("1: Well below expectations: most goals missed, needs a plan")
    BELOW = 2, _("2: Below expectations: several goals missed")
    MEETS = 3, _("3: Meets expectations: the role's goals met")
    ABOVE = 4, _("4: Above expectations: goals met and some exceeded")
    WELL_ABOVE = 5, _("5: Well above expectations: goals exceeded, a model to others")


RETENTION_CHECKPOINTS = (90, 180)


class HireOutcomeQuerySet(models.QuerySet):
    def with_retention(self, today: date) -> "HireOutcomeQuerySet":
        """Annotate ``employed_90`` and ``employed_180``: True, False, or None
        while the checkpoint has not come (the SQL twin of ``employed_at``)."""
        annotations = {}
        for days in RETENTION_CHECKPOINTS:
            # start + days <= today  <=>  start <= today - days
            annotations[f"employed_{days}"] = models.Case(
                models.When(
                    models.Q(leaving_date__isnull=False)
                    & models.Q(
                        leaving_date__lt=models.F("start_date") + timedelta(days=days)
                    ),
                    then=models.Value(False),
                ),
                models.When(
                    start_date__lte=today - timedelta(days=days),
                    then=models.Value(True),
                ),
                default=models.Value(None),
                output_field=models.BooleanField(null=True),
            )
        return self.annotate(**annotations)


class HireOutcome(models.Model):
    """What became of a hire: the criterion every validity figure is measured by.

    One row per hired application. Whether the hire was still employed at 90 and
    180 days is derived from the start and leaving dates (``employed_at``), never
    typed a second time.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="outcome"
    )
    start_date = models.DateField(_("start date"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_outcomes",
        verbose_name=_("manager's account"),
        help_text=_(
            "Set when the manager signs in to Criba; they then see the "
            "hire's development plan if the hire agrees."
        ),
    )
    manager_name = models.CharField(_("manager"), max_length=200)
    team = models.CharField(_("team"), max_length=200, blank=True)
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    leaving_reason = models.CharField(
        _("leaving reason"), max_length=20, choices=LeavingReason, blank=True
    )
    performance_rating = models.PositiveSmallIntegerField(
        _("performance rating"), choices=PerformanceRating, null=True, blank=True
    )
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=models.functions.Now())

    objects = HireOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("start_date")),
                name="outcome_leaves_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(leaving_date__isnull=True) & models.Q(leaving_reason="")
                )
                | (models.Q(leaving_date__isnull=False) & ~models.Q(leaving_reason="")),
                name="outcome_leaving_date_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(performance_rating__isnull=True)
                | models.Q(performance_rating__gte=1, performance_rating__lte=5),
                name="outcome_rating_on_scale",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="outcome_polling"),
            models.Index(fields=["manager_name", "team"], name="outcome_manager_team"),
        ]
        permissions = [
            (
                "view_outcome_reports",
                _("Read the validity and manager reports of all jobs"),
            ),
            (
                "view_selfid_aggregates",
                _("Read self-identification in aggregate (adverse impact reports)"),
            ),
        ]
        verbose_name = _("hire outcome")
        verbose_name_plural = _("hire outcomes")

    def __str__(self) -> str:
        return f"Outcome of {self.application}"

    def employed_at(self, days: int, today: date) -> bool | None:
        """Still employed ``days`` after the start: None until that day has come
        (unless the hire already left before it)."""
        checkpoint = self.start_date + timedelta(days=days)
        if self.leaving_date is not None and self.leaving_date < checkpoint:
            return False
        if today < checkpoint:
            return None
        return True

    @property
    def has_left(self) -> bool:
        return self.leaving_date is not None


class QuotaAttainment(models.Model):
    """A hire's sales against quota for one calendar quarter, in percent."""

    outcome = models.ForeignKey(
        HireOutcome, on_delete=models.CASCADE, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    attainment_percent = models.DecimalField(
        _("quota attainment (%)"), max_digits=6, decimal_places=1
    )

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "year", "quarter"], name="one_quota_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="quota_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="quota_year_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(attainment_percent__gte=0)
                & models.Q(attainment_percent__lte=1000),
                name="quota_attainment_in_range",
            ),
        ]
        verbose_name = _("quota attainment")
        verbose_name_plural = _("quota attainments")

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}: {self.attainment_percent} %"


class SelfIdentification(models.Model):
    """A candidate's voluntary answers about themselves, kept apart from every
    application and score.

    Nobody deciding on a candidate ever sees a row; the only reader is the adverse
    impact report, in aggregate, for holders of ``view_selfid_aggregates``, and it
    shows no figure for a group smaller than five. Erasing the candidate deletes it.
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "another", _("Another gender")
        PREFER_NOT = "prefer_not", _("I prefer not to say")

    class AgeBand(models.TextChoices):
        UNDER_25 = "under_25", _("Under 25")
        FROM_25 = "25_34", _("25 to 34")
        FROM_35 = "35_44", _("35 to 44")
        FROM_45 = "45_54", _("45 to 54")
        FROM_55 = "55_plus", _("55 or older")
        PREFER_NOT = "prefer_not", _("I prefer not to say")

    class Ethnicity(models.TextChoices):
        HISPANIC = "hispanic", _("Hispanic or Latino")
        WHITE = "white", _("White")
        BLACK = "black", _("Black or African American")
        ASIAN = "asian", _("Asian")
        PACIFIC = "pacific", _("Native Hawaiian or other Pacific Islander")
        NATIVE = "native", _("American Indian or Alaska Native")
        TWO_OR_MORE = "two_or_more", _("Two or more groups")
        PREFER_NOT = "prefer_not", _("I prefer not to say")

    candidate = models.OneToOneField(
        Candidate, on_delete=models.CASCADE, related_name="self_identification"
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender, blank=True)
    age_band = models.CharField(
        _("age band"), max_length=20, choices=AgeBand, blank=True
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=20, choices=Ethnicity, blank=True
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("self-identification")
        verbose_name_plural = _("self-identifications")
        default_permissions = ()

    def __str__(self) -> str:
        return f"Self-identification #{self.pk}"


class AdverseImpactAlert(models.Model):
    """The monthly adverse impact email of one calendar month: at most one is
    sent per month, whichever run of the daily check claims it first."""

    month = models.DateField(unique=True)  # the first day of the month
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # How many shown impact ratios were below four fifths, and to how many people
    # the email went: counts only, never a figure of the report itself.
    flagged = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"Adverse impact alert {self.month:%Y-%m}"
