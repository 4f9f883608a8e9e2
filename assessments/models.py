from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiring.models import Application, Job


class Instrument(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> "InstrumentVersion | None":
        return self.versions.order_by("-version").first()


class InstrumentVersion(models.Model):
    """A published questionnaire definition; never changed after it is stored."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    source_file = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instrument__slug", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "version"], name="one_number_per_version"
            ),
            models.UniqueConstraint(
                fields=["instrument", "checksum"], name="one_version_per_definition"
            ),
        ]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")

    def __str__(self) -> str:
        return f"{self.instrument.slug} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(
                "A published instrument version is immutable; load a new version"
            )
        super().save(*args, **kwargs)

    @property
    def languages(self) -> list[str]:
        return list(self.definition["languages"])

    @property
    def time_limit_minutes(self) -> int | None:
        return self.definition.get("time_limit_minutes")

    @property
    def items_per_page(self) -> int:
        return int(self.definition.get("items_per_page", 10))

    def scale_name(self, key: str, language: str) -> str:
        for scale in self.definition["scales"]:
            if scale["key"] == key:
                return scale["name"].get(language) or scale["name"]["en"]
        return key


class NormSet(models.Model):
    class Source(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        LOCAL = "local", _("Local")

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="norm_sets"
    )
    source = models.CharField(max_length=12, choices=Source)
    # Empty for norms that hold for every language of the version.
    language = models.CharField(max_length=2, blank=True)
    # {scale_key: {"mean": float, "sd": float, "n": int}}
    scales = models.JSONField()
    # {scale_key: [sorted scale means]} for empirical percentiles; local norms only.
    samples = models.JSONField(default=dict, blank=True)
    n = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("norm set")
        verbose_name_plural = _("norm sets")

    def __str__(self) -> str:
        return f"{self.version} {self.source} norms ({self.language or 'all'})"

    @property
    def is_provisional(self) -> bool:
        return self.source == self.Source.PROVISIONAL


class ScaleReliability(models.Model):
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="reliabilities"
    )
    scale_key = models.CharField(max_length=60)
    n = models.PositiveIntegerField()
    alpha = models.FloatField(null=True)
    alpha_low = models.FloatField(null=True)
    alpha_high = models.FloatField(null=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "scale_key"], name="one_reliability_per_scale"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.scale_key} alpha={self.alpha}"


class AssessmentPlan(models.Model):
    """What a job's candidates take, and how their results are combined."""

    job = models.OneToOneField(
        Job, on_delete=models.CASCADE, related_name="assessment_plan"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="plans"
    )
    # A version pinned by the recruiter; empty means the instrument's latest.
    instrument_version = models.ForeignKey(
        "InstrumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
    )
    # The language every invitation of the job uses unless the recruiter picks
    # another; empty means each candidate's preferred language.
    language = models.CharField(_("language"), max_length=2, blank=True)
    # {scale_key: weight}; lower-is-better scales carry a negative weight.
    scale_weights = models.JSONField(default=dict, blank=True)
    # [[lower_bound, label_key], ...] from the highest band down.
    bands = models.JSONField(default=list, blank=True)
    invitation_days = models.PositiveSmallIntegerField(default=14)
    percentiles = models.CharField(
        max_length=10,
        choices=[("normal", _("Normal")), ("empirical", _("Empirical"))],
        default="normal",
    )

    class Meta:
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")

    def __str__(self) -> str:
        return f"Plan for {self.job}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class EmailStatus(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Not emailed (link handed over)")
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    # The rules of an invitation's life, in one place.
    # Not finished and still usable: counts against a second invitation.
    OPEN_STATUSES = frozenset(
        {Status.CREATED, Status.SENT, Status.OPENED, Status.IN_PROGRESS}
    )
    # Not yet started: these expire when their link's validity ends.
    UNSTARTED_STATUSES = frozenset({Status.CREATED, Status.SENT, Status.OPENED})
    # Answers are closed: a result can be computed (again) from them.
    SCORABLE_STATUSES = frozenset({Status.SUBMITTED, Status.SCORED})
    FINISHED_STATUSES = SCORABLE_STATUSES
    # Seconds past the deadline during which a page that was open in time still
    # counts: it covers the round trip of the last save, not extra answering time.
    DEADLINE_GRACE_SECONDS = 15

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="invitations"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # With the server's key this derives the token (`assessments.tokens`); alone it
    # reveals nothing. Empty for links minted before tokens were derived.
    token_salt = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=12, choices=Status, default=Status.CREATED, db_index=True
    )
    language = models.CharField(max_length=2, default="en")
    extra_time_percent = models.PositiveSmallIntegerField(
        _("extra time (%)"), default=0
    )
    item_order_seed = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    # The privacy notice version shown on the landing page the candidate started from.
    consent_version = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Rotated on every start, so only the newest browser session may answer.
    session_nonce = models.CharField(max_length=64, blank=True)
    # Submitted past the deadline: the server closed the attempt.
    timed_out = models.BooleanField(default=False)
    email_status = models.CharField(
        _("email"),
        max_length=16,
        choices=EmailStatus,
        default=EmailStatus.NOT_REQUESTED,
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=200, blank=True)
    # When the next attempt at a pending email is due; the sweeper sends it then.
    email_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["updated_at", "id"], name="invitation_polling"),
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_status="pending"),
                name="invitation_email_pending",
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation #{self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def is_scorable(self) -> bool:
        return self.status in self.SCORABLE_STATUSES

    def is_expired(self, now=None) -> bool:
        """Expired, or past its validity without having been started."""
        now = now or timezone.now()
        return self.status == self.Status.EXPIRED or (
            self.status in self.UNSTARTED_STATUSES
            and self.started_at is None
            and now >= self.expires_at
        )

    def deadline_passed(self, now=None, *, grace: bool = True) -> bool:
        """Whether the time to answer is over; with ``grace`` the server still
        accepts the round trip of a save sent just before the deadline."""
        if self.deadline_at is None:
            return False
        now = now or timezone.now()
        limit = self.deadline_at
        if grace:
            limit += timedelta(seconds=self.DEADLINE_GRACE_SECONDS)
        return now > limit if grace else now >= limit

    def time_allowed(self) -> timedelta | None:
        minutes = self.instrument_version.time_limit_minutes
        if not minutes:
            return None
        return timedelta(minutes=minutes * (100 + self.extra_time_percent) / 100)

    def seconds_left(self, now=None) -> int | None:
        if self.deadline_at is None:
            return None
        now = now or timezone.now()
        return max(0, int((self.deadline_at - now).total_seconds()))


class Response(models.Model):
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="responses"
    )
    item_key = models.CharField(max_length=60)
    value = models.SmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)
    page = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "item_key"], name="one_answer_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class PageTiming(models.Model):
    """Time a candidate spent on one page, for the speed validity flag."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="page_timings"
    )
    page = models.PositiveSmallIntegerField()
    item_count = models.PositiveSmallIntegerField()
    first_shown_at = models.DateTimeField()
    seconds = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "page"], name="one_timing_per_page"
            )
        ]

    def __str__(self) -> str:
        return f"page {self.page}: {self.seconds}s"


class QuestionnaireResult(models.Model):
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="results"
    )
    scoring_version = models.CharField(max_length=20)
    norm_set = models.ForeignKey(NormSet, on_delete=models.PROTECT, related_name="+")
    # {scale_key: {raw_mean, prorated_sum, n_answered, z, t, t_low, t_high,
    #              percentile, sten, stanine, sem, missing}}
    scales = models.JSONField()
    # {index_name: {"value": float|None, "flag": bool}}
    validity = models.JSONField()
    validity_status = models.CharField(max_length=12)
    composite = models.FloatField(null=True)
    band = models.CharField(max_length=40, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["updated_at", "id"], name="result_polling")]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "scoring_version", "norm_set"],
                name="one_result_per_scoring",
            ),
            models.UniqueConstraint(
                fields=["invitation"],
                condition=models.Q(is_current=True),
                name="one_current_result",
            ),
        ]
        verbose_name = _("questionnaire result")
        verbose_name_plural = _("questionnaire results")

    def __str__(self) -> str:
        return f"Result of {self.invitation_id} ({self.scoring_version})"


class Interview(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COLLECTING = "collecting", _("Collecting")
        COMPLETE = "complete", _("Complete")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="interviews"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.SCHEDULED)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["updated_at", "id"], name="interview_polling")]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.title} with {self.application.candidate}"


class PrivacyNotice(models.Model):
    """The privacy notice candidates read before they consent; one row per version.

    A published version is never changed: a candidate's consent points at the text
    they saw, so an edit publishes a new version instead.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_en = models.TextField(_("text in English"))
    text_es = models.TextField(_("text in Spanish"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return f"Privacy notice v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(
                "A published privacy notice is immutable; publish a new version"
            )
        super().save(*args, **kwargs)

    def text(self, language: str) -> str:
        return self.text_es if language == "es" else self.text_en
