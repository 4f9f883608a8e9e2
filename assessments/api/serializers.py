"""What the API says about instruments, invitations and results.

Results are serialized from the same read model as the report page
(`assessments.reports.QuestionnaireReport`): scale names, band labels and the
validity sentences are the page's own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from assessments import interview_selectors
from assessments.definitions import all_item_keys
from assessments.models import (
    Instrument,
    InstrumentVersion,
    Interview,
    Invitation,
    Recommendation,
    Scorecard,
)
from assessments.tokens import invitation_link
from hiring.api.fields import ApiModelSerializer, UtcDateTimeField
from hiring.api.serializers import (
    APPLICATION_EXTERNAL_ID_HELP,
    CANDIDATE_EXTERNAL_ID_HELP,
    CREATED_HELP,
    JOB_EXTERNAL_ID_HELP,
    UPDATED_HELP,
)
from hiring.models import ApiKey

# --- instruments ---------------------------------------------------------------------


class InstrumentVersionSerializer(ApiModelSerializer):
    languages = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The languages the questionnaire can be taken in (en, es)."),
    )
    time_limit_minutes = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The time limit before any extra time, or null for none."),
    )
    item_count = serializers.SerializerMethodField(
        help_text=_("How many items the candidate answers.")
    )

    class Meta:
        model = InstrumentVersion
        fields = [
            "version",
            "languages",
            "time_limit_minutes",
            "item_count",
            "published_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "version": {"help_text": _("The version number; higher is newer.")},
            "published_at": {"help_text": _("When this version was published (UTC).")},
        }

    def get_item_count(self, version: InstrumentVersion) -> int:
        # Every statement the candidate answers, attention checks included.
        return len(all_item_keys(version.definition))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An instrument",
            value={
                "slug": "sales-drive",
                "name": "Sales drive",
                "versions": [
                    {
                        "version": 1,
                        "languages": ["en", "es"],
                        "time_limit_minutes": 25,
                        "item_count": 60,
                        "published_at": "2026-11-01T08:00:00Z",
                    }
                ],
                "created_at": "2026-11-01T08:00:00Z",
            },
            response_only=True,
        )
    ]
)
class InstrumentSerializer(ApiModelSerializer):
    versions = InstrumentVersionSerializer(
        many=True,
        read_only=True,
        source="versions_newest_first",
        help_text=_("Published versions, newest first; orders use the newest."),
    )

    class Meta:
        model = Instrument
        fields = ["slug", "name", "versions", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "slug": {"help_text": _("The id to order the questionnaire by.")},
            "name": {"help_text": _("The questionnaire's name.")},
            "created_at": {"help_text": _("When it was first loaded (UTC).")},
        }


# --- invitations ---------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An open invitation",
            value={
                "id": 88,
                "application": 57,
                "application_external_id": "ats-app-1234",
                "instrument": "sales-drive",
                "instrument_version": 1,
                "language": "es",
                "status": "created",
                "candidate_url": "https://criba.example.com/take/3q2-Xk.../",
                "expires_at": "2026-12-18T09:40:00Z",
                "email_status": "not_requested",
                "extra_time_percent": 0,
                "created_at": "2026-12-04T09:40:00Z",
                "opened_at": None,
                "started_at": None,
                "submitted_at": None,
                "scored_at": None,
                "revoked_at": None,
                "updated_at": "2026-12-04T09:40:00Z",
            },
            response_only=True,
        )
    ]
)
class InvitationSerializer(ApiModelSerializer):
    application_external_id = serializers.CharField(
        source="application.external_id",
        read_only=True,
        help_text=APPLICATION_EXTERNAL_ID_HELP,
    )
    instrument = serializers.CharField(
        source="instrument_version.instrument.slug",
        read_only=True,
        help_text=_("The questionnaire's slug."),
    )
    instrument_version = serializers.IntegerField(
        source="instrument_version.version",
        read_only=True,
        help_text=_("The questionnaire's version number."),
    )
    candidate_url = serializers.SerializerMethodField(
        help_text=_(
            "The candidate's private link while the invitation is open (null once "
            "it is submitted, expired or revoked). Hand it to the candidate only. "
            "Only keys with `invitations:write` receive it; for others it is null."
        )
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "application",
            "application_external_id",
            "instrument",
            "instrument_version",
            "language",
            "status",
            "candidate_url",
            "expires_at",
            "email_status",
            "extra_time_percent",
            "created_at",
            "opened_at",
            "started_at",
            "submitted_at",
            "scored_at",
            "revoked_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id for the invitation.")},
            "application": {"help_text": _("Criba's id of the application.")},
            "language": {"help_text": _("The language the candidate answers in.")},
            "status": {
                "help_text": _(
                    "created, sent, opened, in_progress, submitted, scored, expired "
                    "or revoked."
                )
            },
            "expires_at": {
                "help_text": _("The link works until then unless started (UTC).")
            },
            "email_status": {
                "help_text": _(
                    "not_requested (you hand the link over), pending, sent or failed."
                )
            },
            "extra_time_percent": {
                "help_text": _("Extra time granted as an accommodation, in percent.")
            },
            "created_at": {"help_text": _("When the invitation was ordered (UTC).")},
            "opened_at": {"help_text": _("When the candidate first opened the link.")},
            "started_at": {"help_text": _("When the candidate started answering.")},
            "submitted_at": {"help_text": _("When the answers were submitted.")},
            "scored_at": {"help_text": _("When the result was computed.")},
            "revoked_at": {"help_text": _("When the invitation was revoked.")},
            "updated_at": {"help_text": UPDATED_HELP},
        }

    def get_candidate_url(self, invitation: Invitation) -> str | None:
        # The link lets whoever holds it answer as the candidate: only a key that
        # may order invitations (and so hand links out) is given it.
        key = getattr(self.context.get("request"), "auth", None)
        if not isinstance(key, ApiKey) or not key.has_scope(
            ApiKey.Scope.INVITATIONS_WRITE
        ):
            return None
        return invitation_link(invitation)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Order the default questionnaire; you send the link yourself",
            value={"application_external_id": "ats-app-1234", "send_email": False},
            request_only=True,
        )
    ]
)
class InvitationCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Criba's id of the application (or give application_external_id)."),
    )
    application_external_id = serializers.CharField(
        required=False, max_length=120, help_text=_("Your id of the application.")
    )
    instrument = serializers.SlugField(
        required=False,
        max_length=80,
        help_text=_(
            "The questionnaire's slug; by default the job's assessment plan's, "
            "and for a job without a plan the first questionnaire by slug."
        ),
    )
    instrument_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "A version number of that questionnaire (send `instrument` with it); "
            "by default the version the job's plan names, else the newest."
        ),
    )
    language = serializers.ChoiceField(
        choices=[("en", "en"), ("es", "es")],
        required=False,
        help_text=_(
            "By default the language the job's plan sets, else the candidate's "
            "preferred language; one the questionnaire does not offer is refused "
            "with 400 `unsupported_language`."
        ),
    )
    extra_time_percent = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=200,
        default=0,
        help_text=_("Extra time as an accommodation, 0 to 200 %."),
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        help_text=_(
            "Days the link works; by default the job's plan's validity, and "
            "`CRIBA_INVITATION_DAYS` (14 unless the server sets it) without a plan."
        ),
    )
    send_email = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Whether Criba emails the link to the candidate (false by default: "
            "many systems send their own message with `candidate_url`)."
        ),
    )


class InvitationExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=Invitation.EXTEND_MAX_DAYS,
        help_text=_("Days added to the link's validity, from now if it has expired."),
    )


# --- results -------------------------------------------------------------------------


class ScaleSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The scale's stable key."))
    name = serializers.CharField(
        help_text=_("The scale's name in the report language.")
    )
    lower_is_better = serializers.BooleanField(
        help_text=_("True for scales where a low score is the desirable one.")
    )
    missing = serializers.BooleanField(
        help_text=_("True when too few items were answered to score the scale.")
    )
    raw_mean = serializers.FloatField(
        allow_null=True, help_text=_("Mean of the answered items on the answer scale.")
    )
    t = serializers.FloatField(
        allow_null=True, help_text=_("T score (mean 50, SD 10) against the norm set.")
    )
    t_low = serializers.FloatField(
        allow_null=True, help_text=_("Lower end of the T score's error band.")
    )
    t_high = serializers.FloatField(
        allow_null=True, help_text=_("Upper end of the T score's error band.")
    )
    percentile = serializers.FloatField(
        allow_null=True, help_text=_("Percentile rank against the norm set.")
    )
    sten = serializers.IntegerField(
        allow_null=True, help_text=_("Standard ten score, 1 to 10.")
    )


class ValidityCheckSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("The index's stable key."))
    label = serializers.CharField(help_text=_("Its name in the report language."))
    value = serializers.FloatField(allow_null=True, help_text=_("The index's value."))
    flag = serializers.BooleanField(
        help_text=_("True when it casts doubt on the result.")
    )
    sentence = serializers.CharField(
        help_text=_(
            "What the check says of these answers, in a sentence: the problem when "
            "it is flagged, else that it found nothing or could not be computed."
        )
    )


class ValiditySerializer(serializers.Serializer):
    status = serializers.CharField(
        source="result.validity_status",
        help_text=_(
            "valid, questionable or invalid: whether the answers can be trusted."
        ),
    )
    label = serializers.CharField(
        source="validity_label", help_text=_("The status in the report language.")
    )
    checks = ValidityCheckSerializer(
        many=True, help_text=_("Each validity index with its value and flag.")
    )


class NormSetSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Criba's id of the norm set."))
    source = serializers.CharField(
        help_text=_("provisional (from the instrument's author) or local.")
    )
    language = serializers.CharField(
        help_text=_("The language the norms hold for; empty for every language.")
    )
    n = serializers.IntegerField(help_text=_("How many people the norms rest on."))
    computed_at = UtcDateTimeField(help_text=_("When the norms were computed (UTC)."))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A scored result",
            value={
                "id": 140,
                "invitation": 88,
                "application": 57,
                "application_external_id": "ats-app-1234",
                "candidate_external_id": "ats-cand-99",
                "job_external_id": "ats-job-4711",
                "instrument": "sales-drive",
                "instrument_version": 1,
                "language": "es",
                "scoring_version": "3.0.0",
                "norm_set": {
                    "id": 3,
                    "source": "provisional",
                    "language": "",
                    "n": 1200,
                    "computed_at": "2026-11-01T08:00:00Z",
                },
                "scales": [
                    {
                        "key": "achievement_drive",
                        "name": "Achievement drive",
                        "lower_is_better": False,
                        "missing": False,
                        "raw_mean": 3.9,
                        "t": 56.2,
                        "t_low": 51.8,
                        "t_high": 60.6,
                        "percentile": 73.0,
                        "sten": 7,
                    }
                ],
                "composite": 0.41,
                "band": "fit",
                "band_label": "Fit",
                "explanation": ["Achievement drive contributed most to the composite."],
                "validity": {
                    "status": "valid",
                    "label": "Valid",
                    "checks": [
                        {
                            "name": "infrequency",
                            "label": "Infrequency",
                            "value": 0.0,
                            "flag": False,
                            "sentence": "This check found nothing unusual.",
                        }
                    ],
                },
                "is_current": True,
                "created_at": "2026-12-04T10:05:00Z",
                "updated_at": "2026-12-04T10:05:00Z",
            },
            response_only=True,
        )
    ]
)
class ResultSerializer(serializers.Serializer):
    """One questionnaire result, read from its report."""

    id = serializers.IntegerField(source="result.id", help_text=_("Criba's id."))
    invitation = serializers.IntegerField(
        source="result.invitation_id", help_text=_("The invitation it scores.")
    )
    application = serializers.IntegerField(
        source="application.id", help_text=_("Criba's id of the application.")
    )
    application_external_id = serializers.CharField(
        source="application.external_id", help_text=APPLICATION_EXTERNAL_ID_HELP
    )
    candidate_external_id = serializers.CharField(
        source="application.candidate.external_id",
        help_text=CANDIDATE_EXTERNAL_ID_HELP,
    )
    job_external_id = serializers.CharField(
        source="application.job.external_id", help_text=JOB_EXTERNAL_ID_HELP
    )
    instrument = serializers.CharField(
        source="result.invitation.instrument_version.instrument.slug",
        help_text=_("The questionnaire's slug."),
    )
    instrument_version = serializers.IntegerField(
        source="result.invitation.instrument_version.version",
        help_text=_("The questionnaire's version number."),
    )
    language = serializers.CharField(
        source="result.invitation.language",
        help_text=_("The language the candidate answered in."),
    )
    scoring_version = serializers.CharField(
        source="result.scoring_version",
        help_text=_("The version of the scoring rules that computed this result."),
    )
    norm_set = NormSetSerializer(
        source="result.norm_set", help_text=_("The norms the scores are relative to.")
    )
    scales = ScaleSerializer(
        source="rows",
        many=True,
        help_text=_("One entry per scale, in the instrument's order."),
    )
    composite = serializers.FloatField(
        source="composite_shown",
        allow_null=True,
        help_text=_(
            "The weighted composite (z units) of the job's plan, if any; null when "
            "the answers are invalid."
        ),
    )
    band = serializers.CharField(
        source="band_shown",
        help_text=_(
            "The band's stable key, or empty (no plan, or the answers are invalid)."
        ),
    )
    band_label = serializers.CharField(
        source="band_label_shown", help_text=_("The band in the report language.")
    )
    explanation = serializers.ListField(
        source="band_sentences_shown",
        child=serializers.CharField(),
        help_text=_(
            "Why the result falls in its band, sentence by sentence; empty when "
            "the answers are invalid."
        ),
    )
    validity = ValiditySerializer(
        source="*", help_text=_("Whether the answers can be trusted, and why.")
    )
    is_current = serializers.BooleanField(
        source="result.is_current",
        help_text=_(
            "False once a rescoring (new scoring version or norms) replaced it."
        ),
    )
    created_at = UtcDateTimeField(
        source="result.created_at", help_text=_("When it was computed (UTC).")
    )
    updated_at = UtcDateTimeField(source="result.updated_at", help_text=UPDATED_HELP)


class ReportInvitationSerializer(InvitationSerializer):
    result = serializers.SerializerMethodField(
        help_text=_("The id of the invitation's current result, or null.")
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "result"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_result(self, invitation: Invitation) -> int | None:
        current = getattr(invitation, "current_result", None)
        return current.pk if current is not None else None


class ApplicationReportSerializer(serializers.Serializer):
    """An application with its invitations and its latest scored result."""

    application = serializers.IntegerField(
        source="application.id", help_text=_("Criba's id of the application.")
    )
    application_external_id = serializers.CharField(
        source="application.external_id", help_text=APPLICATION_EXTERNAL_ID_HELP
    )
    stage = serializers.CharField(
        source="application.stage", help_text=_("The pipeline stage.")
    )
    decision = serializers.CharField(
        source="application.decision",
        help_text=_("The recorded decision, or empty."),
    )
    invitations = ReportInvitationSerializer(
        source="application.invitations_newest_first",
        many=True,
        help_text=_("Every invitation of the application, newest first."),
    )
    current_result = ResultSerializer(
        source="report",
        allow_null=True,
        help_text=_("The current result of the newest scored invitation, or null."),
    )


# --- interviews and scorecards -------------------------------------------------------


class InterviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The interviewer's id."))
    name = serializers.CharField(
        source="get_full_name", read_only=True, help_text=_("The interviewer's name.")
    )


class PanelSeatSerializer(serializers.Serializer):
    interviewer = InterviewerSerializer(
        read_only=True, help_text=_("Who sits on the panel.")
    )
    submitted = serializers.BooleanField(
        read_only=True, help_text=_("Whether their scorecard is submitted.")
    )


class CompetencyScoreSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text=_("The competency's key."))
    weight = serializers.FloatField(
        read_only=True, help_text=_("Its weight in the interview score.")
    )
    n = serializers.IntegerField(
        read_only=True,
        help_text=_("How many interviewers rated it (no decision left out)."),
    )
    mean = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_("The mean rating, 1 to 5; null when nobody rated it."),
    )
    r_wg = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Agreement between the interviewers, 0 (none) to 1 (full); null below "
            "two ratings."
        ),
    )
    range = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_("Highest minus lowest rating; null when nobody rated it."),
    )
    flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Why to discuss it: low_agreement, wide_range (or none)."),
    )


class InterviewResultSerializer(serializers.Serializer):
    scoring_version = serializers.CharField(
        read_only=True, help_text=_("The version of the aggregation rules used.")
    )
    score = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_("Weighted mean of the competency means, 1 to 5 (null if none)."),
    )
    weight_covered = serializers.FloatField(
        source="aggregate.weight_covered",
        read_only=True,
        help_text=_("Share of the rubric's weight the score rests on, 0 to 1."),
    )
    competencies = CompetencyScoreSerializer(
        source="aggregate.competencies",
        many=True,
        read_only=True,
        help_text=_("Each competency of the rubric, in the rubric's order."),
    )
    flagged = serializers.ListField(
        source="aggregate.flagged",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The flagged competencies' keys, lowest agreement first."),
    )
    recommendations = serializers.DictField(
        source="aggregate.recommendations",
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("How many interviewers gave each overall recommendation."),
    )
    computed_at = UtcDateTimeField(
        read_only=True, help_text=_("When the aggregate was computed (UTC).")
    )


INTERVIEW_EXAMPLE = {
    "id": 31,
    "application": 57,
    "application_external_id": "ats-app-1234",
    "title": "Structured interview",
    "rubric": "sales-interview",
    "rubric_version": 1,
    "scheduled_at": "2026-12-03T15:00:00Z",
    "duration_minutes": 60,
    "status": "complete",
    "panel": [
        {"interviewer": {"id": 4, "name": "Dana Ruiz"}, "submitted": True},
        {"interviewer": {"id": 9, "name": "Erin Soto"}, "submitted": True},
    ],
    "panel_size": 2,
    "submitted_count": 2,
    "completion": "complete",
    "result": {
        "scoring_version": "interview-1",
        "score": 3.8,
        "weight_covered": 1.0,
        "competencies": [
            {
                "key": "prospecting_discipline",
                "weight": 2.0,
                "n": 2,
                "mean": 3.0,
                "r_wg": 0.0,
                "range": 2.0,
                "flags": ["low_agreement", "wide_range"],
            }
        ],
        "flagged": ["prospecting_discipline"],
        "recommendations": {
            "strong_yes": 0,
            "yes": 1,
            "no": 1,
            "definitely_not": 0,
            "no_decision": 0,
        },
        "computed_at": "2026-12-03T17:02:11Z",
    },
    "created_at": "2026-11-30T10:00:00Z",
    "updated_at": "2026-12-03T17:02:11Z",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A complete interview", value=INTERVIEW_EXAMPLE, response_only=True
        )
    ]
)
class InterviewSerializer(ApiModelSerializer):
    application_external_id = serializers.CharField(
        source="application.external_id",
        read_only=True,
        help_text=APPLICATION_EXTERNAL_ID_HELP,
    )
    rubric = serializers.CharField(
        source="rubric_version.rubric.slug",
        read_only=True,
        allow_null=True,
        help_text=_("The interview rubric's slug (null for an interview without one)."),
    )
    rubric_version = serializers.IntegerField(
        source="rubric_version.version",
        read_only=True,
        allow_null=True,
        help_text=_("The rubric's version number."),
    )
    panel = PanelSeatSerializer(
        many=True,
        read_only=True,
        help_text=_("The interviewers and whether each has submitted."),
    )
    panel_size = serializers.IntegerField(
        read_only=True, help_text=_("How many interviewers sit on the panel.")
    )
    submitted_count = serializers.IntegerField(
        read_only=True, help_text=_("How many scorecards are submitted.")
    )
    completion = serializers.SerializerMethodField(
        help_text=_(
            "awaiting (no scorecard yet), partial (some) or complete (every "
            "panelist's)."
        )
    )
    result = serializers.SerializerMethodField(
        help_text=_(
            "The panel's aggregate: null until the interview is complete, so it "
            "never reaches an interviewer who has still to rate."
        )
    )

    class Meta:
        model = Interview
        fields = [
            "id",
            "application",
            "application_external_id",
            "title",
            "rubric",
            "rubric_version",
            "scheduled_at",
            "duration_minutes",
            "status",
            "panel",
            "panel_size",
            "submitted_count",
            "completion",
            "result",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id of the interview.")},
            "application": {"help_text": _("Criba's id of the application.")},
            "title": {"help_text": _("The interview's title.")},
            "scheduled_at": {"help_text": _("When it starts (UTC).")},
            "duration_minutes": {"help_text": _("Its length in minutes.")},
            "status": {
                "help_text": _(
                    "scheduled, collecting (scorecards coming in), complete or "
                    "cancelled."
                )
            },
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }

    @extend_schema_field(
        serializers.ChoiceField(choices=["awaiting", "partial", "complete"])
    )
    def get_completion(self, interview: Interview) -> str:
        return interview_selectors.interview_completion(interview)

    @extend_schema_field(InterviewResultSerializer(allow_null=True))
    def get_result(self, interview: Interview) -> dict | None:
        result = interview_selectors.interview_integration_result(interview)
        if result is None:
            return None
        return InterviewResultSerializer(result).data


class CompetencyRatingSerializer(serializers.Serializer):
    competency = serializers.CharField(
        read_only=True, help_text=_("The competency's key in the rubric.")
    )
    rating = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("1 to 5; null is the interviewer's no decision."),
    )
    evidence = serializers.CharField(
        read_only=True, help_text=_("The interviewer's notes of evidence.")
    )


SCORECARD_EXAMPLE = {
    "id": 77,
    "interview": 31,
    "application": 57,
    "application_external_id": "ats-app-1234",
    "interviewer": {"id": 4, "name": "Dana Ruiz"},
    "version": 2,
    "amendments": 1,
    "ratings": [
        {
            "competency": "prospecting_discipline",
            "rating": 4,
            "evidence": "Built a list of 60 accounts and called ten a day.",
        }
    ],
    "recommendation": "yes",
    "summary": "Organised and persistent.",
    "submitted_at": "2026-12-03T16:10:00Z",
    "version_created_at": "2026-12-03T18:00:00Z",
    "updated_at": "2026-12-03T18:00:00Z",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An amended scorecard", value=SCORECARD_EXAMPLE, response_only=True
        )
    ]
)
class ScorecardSerializer(ApiModelSerializer):
    application = serializers.IntegerField(
        source="interview.application_id",
        read_only=True,
        help_text=_("Criba's id of the application."),
    )
    application_external_id = serializers.CharField(
        source="interview.application.external_id",
        read_only=True,
        help_text=APPLICATION_EXTERNAL_ID_HELP,
    )
    interviewer = InterviewerSerializer(
        read_only=True, help_text=_("Who filled it in.")
    )
    version = serializers.IntegerField(
        source="current_version",
        read_only=True,
        help_text=_("The current version: 1 is the submission, higher an amendment."),
    )
    amendments = serializers.SerializerMethodField(
        help_text=_("How many times it was amended after its submission.")
    )
    ratings = serializers.SerializerMethodField(
        help_text=_(
            "The current version's rating and evidence for each competency, in the "
            "rubric's order."
        )
    )
    recommendation = serializers.SerializerMethodField(
        help_text=_("The overall recommendation of the current version.")
    )
    summary = serializers.SerializerMethodField(
        help_text=_("The interviewer's closing summary (may be empty).")
    )
    version_created_at = serializers.SerializerMethodField(
        help_text=_("When the current version was made (UTC).")
    )

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "interview",
            "application",
            "application_external_id",
            "interviewer",
            "version",
            "amendments",
            "ratings",
            "recommendation",
            "summary",
            "submitted_at",
            "version_created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id of the scorecard.")},
            "interview": {"help_text": _("Criba's id of the interview.")},
            "submitted_at": {"help_text": _("When it was first submitted (UTC).")},
            "updated_at": {"help_text": UPDATED_HELP},
        }

    @staticmethod
    def _current(card: Scorecard):
        return card.current[0]

    def get_amendments(self, card: Scorecard) -> int:
        return max(card.current_version - 1, 0)

    @extend_schema_field(CompetencyRatingSerializer(many=True))
    def get_ratings(self, card: Scorecard) -> list[dict]:
        version = self._current(card)
        rubric = card.interview.rubric_version
        keys = rubric.competency_keys if rubric is not None else []
        keys += [k for k in version.ratings if k not in keys]
        return [
            {
                "competency": key,
                "rating": version.ratings.get(key),
                "evidence": version.evidence.get(key, ""),
            }
            for key in keys
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Recommendation.choices))
    def get_recommendation(self, card: Scorecard) -> str:
        return self._current(card).recommendation

    def get_summary(self, card: Scorecard) -> str:
        return self._current(card).summary

    @extend_schema_field(UtcDateTimeField())
    def get_version_created_at(self, card: Scorecard) -> str:
        return UtcDateTimeField().to_representation(self._current(card).created_at)
