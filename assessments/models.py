import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    def display_name(self, language: str) -> str:
        """The questionnaire's name in ``language`` (English when it has none)."""
        names = self.definition.get("name") or {}
        return names.get(language) or names.get("en") or self.instrument.name

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


class Rubric(models.Model):
    """A structured interview guide; its content lives in immutable versions."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("interview rubric")
        verbose_name_plural = _("interview rubrics")

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> "RubricVersion | None":
        return self.versions.order_by("-version").first()

    def display_name(self, language: str) -> str:
        """The newest version's name in ``language`` (English when it has none);
        reads ``versions`` as prefetched."""
        versions = sorted(self.versions.all(), key=lambda version: version.version)
        if not versions:
            return self.name
        names = versions[-1].definition.get("name") or {}
        return names.get(language) or names.get("en") or self.name


class RubricVersion(models.Model):
    """A published rubric definition; never changed after it is stored."""

    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    source_file = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rubric__slug", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "version"], name="one_number_per_rubric_version"
            ),
            models.UniqueConstraint(
                fields=["rubric", "checksum"], name="one_rubric_version_per_definition"
            ),
        ]
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")

    def __str__(self) -> str:
        return f"{self.rubric.slug} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(
                "A published rubric version is immutable; load a new version"
            )
        super().save(*args, **kwargs)

    @property
    def competencies(self) -> list[dict]:
        return list(self.definition["competencies"])

    @property
    def competency_keys(self) -> list[str]:
        return [c["key"] for c in self.definition["competencies"]]

    @property
    def weights(self) -> list[float]:
        return [float(c["weight"]) for c in self.definition["competencies"]]


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
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("interview rubric"),
    )
    # Relative weights of the two parts in the application's overall score.
    questionnaire_weight = models.FloatField(_("questionnaire weight"), default=0.5)
    interview_weight = models.FloatField(_("interview weight"), default=0.5)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(questionnaire_weight__gte=0)
                & models.Q(interview_weight__gte=0)
                & (
                    models.Q(questionnaire_weight__gt=0)
                    | models.Q(interview_weight__gt=0)
                ),
                name="plan_part_weights_nonnegative_not_both_zero",
            )
        ]
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")

    def __str__(self) -> str:
        return f"Plan for {self.job}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("invitation status", "Created")
        SENT = "sent", pgettext_lazy("invitation status", "Sent")
        OPENED = "opened", _("Opened")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class EmailStatus(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Not emailed (link handed over)")
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", pgettext_lazy("email status", "Sent")
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
    # The most days one extension adds to a link's validity.
    EXTEND_MAX_DAYS = 90

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
        """Whole seconds to the deadline, rounded up: a countdown from this value
        reaches zero no earlier than the deadline, so the page it submits then
        arrives after the deadline and closes the attempt."""
        if self.deadline_at is None:
            return None
        now = now or timezone.now()
        return max(0, math.ceil((self.deadline_at - now).total_seconds()))


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
        COLLECTING = "collecting", _("Collecting scorecards")
        COMPLETE = "complete", _("Complete")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = frozenset({Status.SCHEDULED, Status.COLLECTING})
    # ``aggregated_version`` of an interview with a scorecard version not yet
    # aggregated; never a scoring version (those are "major.minor.patch").
    AGGREGATION_DUE = "due"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    # Null only for interviews scheduled before rubrics existed.
    rubric_version = models.ForeignKey(
        RubricVersion,
        on_delete=models.PROTECT,
        null=True,
        related_name="interviews",
        verbose_name=_("rubric version"),
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=60
    )
    location = models.CharField(_("place or video link"), max_length=300, blank=True)
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Panelist", related_name="interviews"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.SCHEDULED)
    # iCalendar SEQUENCE: bumped on every reschedule or cancellation.
    sequence = models.PositiveIntegerField(default=0)
    cancel_reason = models.TextField(blank=True)
    # The interview scoring version under which its stored result aggregates every
    # current scorecard version: "" until a scorecard is submitted, AGGREGATION_DUE
    # from a new scorecard version until the aggregation has run. The sweeper of
    # lost aggregations reads only the interviews where it is neither "" nor the
    # current version, through the index below, instead of every interview.
    aggregated_version = models.CharField(
        max_length=20, blank=True, default="", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="interview_polling"),
            models.Index(fields=["status", "scheduled_at"], name="interview_due"),
            models.Index(
                fields=["aggregated_version"], name="interview_aggregated_version"
            ),
        ]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.title} with {self.application.candidate}"

    @property
    def ends_at(self):
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class Panelist(models.Model):
    """One interviewer on one interview's panel."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="panelists"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["interview_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="one_seat_per_interviewer"
            )
        ]
        verbose_name = _("panelist")
        verbose_name_plural = _("panelists")

    def __str__(self) -> str:
        return f"{self.interviewer} on interview {self.interview_id}"


class Recommendation(models.TextChoices):
    DEFINITELY_NOT = "definitely_not", _("Definitely not")
    NO = "no", _("No")
    YES = "yes", _("Yes")
    STRONG_YES = "strong_yes", _("Strong yes")
    NO_DECISION = "no_decision", _("No decision")


class Scorecard(models.Model):
    """An interviewer's scorecard: a draft until submitted, then locked versions.

    The draft fields change while the interviewer types; submitting copies them
    into version 1 of ``ScorecardVersion`` and locks the scorecard. A later change
    is an amendment: a new version with a reason; no version is ever edited.
    """

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="scorecards"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    # {competency_key: 1..5 | None}; None is "no decision".
    draft_ratings = models.JSONField(default=dict, blank=True)
    # {competency_key: text}
    draft_notes = models.JSONField(default=dict, blank=True)
    draft_recommendation = models.CharField(
        max_length=16, choices=Recommendation, blank=True
    )
    draft_summary = models.TextField(blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    current_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["interview_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"],
                name="one_scorecard_per_interviewer",
            )
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="scorecard_polling")]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"Scorecard of {self.interviewer} on interview {self.interview_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


SCORECARD_VERSION_LOCKED = "A submitted scorecard version is locked"


class ScorecardVersionQuerySet(models.QuerySet):
    """Versions are locked in bulk too: ``update()`` refuses, like ``save()``.

    The one exception is ``erase_free_text``, for the erasure of a candidate.
    """

    def update(self, **kwargs):
        raise PermissionError(SCORECARD_VERSION_LOCKED)

    def erase_free_text(self, *, marker: str) -> int:
        """Replace what interviewers wrote about the candidate with ``marker``.

        The only change a locked version admits, made by the candidate's erasure
        (GDPR art. 17): every non-empty evidence note, the summary and the reason
        of an amendment become the marker. Ratings, recommendation, authors and
        dates stay, so the interview's result stays explainable but names no one.
        Returns the number of versions changed.
        """
        if not marker:
            raise ValueError("The erasure marker cannot be empty")
        changed = 0
        for version in self.only("pk", "evidence", "summary", "reason"):
            evidence = {
                key: marker if text else text
                for key, text in (version.evidence or {}).items()
            }
            fields = {
                "evidence": evidence,
                "summary": marker if version.summary else "",
                "reason": marker if version.reason else "",
            }
            if (evidence, fields["summary"], fields["reason"]) == (
                version.evidence,
                version.summary,
                version.reason,
            ):
                continue
            # QuerySet.update of the base class: the locked one above refuses.
            changed += models.QuerySet.update(
                ScorecardVersion.objects.filter(pk=version.pk), **fields
            )
        return changed


class ScorecardVersion(models.Model):
    """One locked version of a scorecard: the submission (1) or an amendment."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    # {competency_key: 1..5 | None}
    ratings = models.JSONField()
    # {competency_key: text}
    evidence = models.JSONField()
    recommendation = models.CharField(max_length=16, choices=Recommendation)
    summary = models.TextField(blank=True)
    # Why an amendment was made; empty for the first submission.
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScorecardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["scorecard_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "number"], name="one_scorecard_version_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(reason=""),
                name="amendment_has_a_reason",
            ),
        ]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")

    def __str__(self) -> str:
        return f"Scorecard {self.scorecard_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(SCORECARD_VERSION_LOCKED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(SCORECARD_VERSION_LOCKED)

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


class InterviewResult(models.Model):
    """The mechanical aggregate of an interview's submitted scorecards."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="results"
    )
    scoring_version = models.CharField(max_length=20)
    # InterviewAggregate.to_dict(): competencies, score, weight_covered, submitted,
    # panel_size, state, recommendations, flagged
    aggregate = models.JSONField()
    score = models.FloatField(null=True)
    state = models.CharField(max_length=10)
    # Ids of the scorecard versions aggregated, so a repeat run is a no-op.
    inputs = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="interview_result_polling")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "scoring_version"],
                name="one_interview_result_per_scoring",
            )
        ]
        verbose_name = _("interview result")
        verbose_name_plural = _("interview results")

    def __str__(self) -> str:
        return f"Result of interview {self.interview_id} ({self.scoring_version})"

    @property
    def flagged(self) -> list[str]:
        return list(self.aggregate.get("flagged", []))


class PracticeCase(models.Model):
    """A recorded sample interview with the ratings the calibrators agreed on."""

    rubric_version = models.ForeignKey(
        RubricVersion, on_delete=models.PROTECT, related_name="practice_cases"
    )
    title = models.CharField(_("title"), max_length=200)
    # {competency_key: the candidate's sample answer}
    answers = models.JSONField(_("sample answers"))
    # {competency_key: 1..5}
    agreed_ratings = models.JSONField(_("agreed ratings"))
    # {competency_key: why that rating}
    rationale = models.JSONField(_("rationale"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rubric_version_id", "title", "id"]
        verbose_name = _("practice case")
        verbose_name_plural = _("practice cases")

    def __str__(self) -> str:
        return self.title


class PracticeAttempt(models.Model):
    case = models.ForeignKey(
        PracticeCase, on_delete=models.CASCADE, related_name="attempts"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ratings = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("practice attempt")
        verbose_name_plural = _("practice attempts")

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.case}"


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


class DevelopmentPlan(models.Model):
    """A hire's first ninety days: two or three goals drawn from their lowest
    scales and interview competencies, with check-ins for the manager.

    The hire reads it through a private link (a token derived from
    ``token_salt``, as candidate links are). Their line manager sees it only once
    the hire agrees (``shared_with_manager_at``); withdrawing clears it.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="development_plan"
    )
    language = models.CharField(_("language"), max_length=2, default="en")
    token_hash = models.CharField(max_length=64, unique=True)
    token_salt = models.CharField(max_length=32)
    shared_with_manager_at = models.DateTimeField(
        _("shared with the manager at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")

    def __str__(self) -> str:
        return f"Development plan for {self.application}"

    @property
    def is_shared_with_manager(self) -> bool:
        return self.shared_with_manager_at is not None


class DevelopmentGoal(models.Model):
    """One goal of a plan, its text copied from the definition it came from so
    the plan reads the same after the definition moves on."""

    class Source(models.TextChoices):
        SCALE = "scale", _("Questionnaire scale")
        COMPETENCY = "competency", _("Interview competency")

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=20, choices=Source)
    key = models.CharField(max_length=60)
    title = models.CharField(_("goal"), max_length=300)
    text = models.TextField(_("what to work on"))
    check_in_text = models.TextField(
        _("what the manager can do at check-ins"), blank=True
    )
    basis = models.CharField(_("why this goal"), max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"], name="one_goal_per_position"
            ),
            models.UniqueConstraint(
                fields=["plan", "source", "key"], name="one_goal_per_area"
            ),
        ]
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")

    def __str__(self) -> str:
        return self.title


class DevelopmentCheckIn(models.Model):
    """The manager's 30-, 60- or 90-day conversation about the plan."""

    class Day(models.IntegerChoices):
        DAY_30 = 30, _("30-day check-in")
        DAY_60 = 60, _("60-day check-in")
        DAY_90 = 90, _("90-day check-in")

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="check_ins"
    )
    day = models.PositiveSmallIntegerField(choices=Day)
    due_on = models.DateField(_("due on"))
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("held on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day"], name="one_check_in_per_day")
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"Day {self.day}"
