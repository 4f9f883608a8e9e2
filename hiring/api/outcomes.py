"""Hire outcomes over HTTP (scopes `outcomes:read`, `outcomes:write`): an HR
system reports what became of each hire, by your application id or Criba's, and
polls what others recorded. A thin translation to `hire_outcome_record`, the
service the hire's page and the CSV import call too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers

from hiring import selectors
from hiring.api.fields import ApiModelSerializer
from hiring.api.filters import OutcomeFilter
from hiring.api.serializers import (
    APPLICATION_EXTERNAL_ID_HELP,
    CANDIDATE_EXTERNAL_ID_HELP,
    CREATED_HELP,
    JOB_EXTERNAL_ID_HELP,
    UPDATED_HELP,
)
from hiring.api.views import ApiViewSet
from hiring.models import (
    ApiKey,
    HireOutcome,
    LeavingReason,
    QuotaAttainment,
)
from hiring.outcome_selectors import outcomes_for_integrations
from hiring.outcome_services import hire_outcome_record

RATING_HELP = _(
    "1 to 5 on Criba's one performance scale (1: well below expectations, 2: "
    "below, 3: meets them, 4: above, 5: well above), or null while not rated."
)
EMPLOYED_90_HELP = _(
    "Whether the hire was still employed 90 days after the start date: derived "
    "from the start and leaving dates, never sent. null until that day has come "
    "(false at once if the hire left before it)."
)
EMPLOYED_180_HELP = _(
    "Whether the hire was still employed 180 days after the start date, derived "
    "like employed_90."
)


class _BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice the model keeps as "" when absent, shown as null."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class QuotaSerializer(ApiModelSerializer):
    attainment_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        coerce_to_string=False,
        help_text=_("Sales against quota in percent (100 = quota met), 0 to 1000."),
    )

    class Meta:
        model = QuotaAttainment
        fields = ["year", "quarter", "attainment_percent"]
        read_only_fields = fields
        extra_kwargs = {
            "year": {"help_text": _("The calendar year.")},
            "quarter": {"help_text": _("The calendar quarter, 1 to 4.")},
        }


_OUTCOME_EXAMPLE = {
    "id": 7,
    "application": 57,
    "application_external_id": "ats-app-1234",
    "candidate": 31,
    "candidate_external_id": "ats-cand-99",
    "job": 12,
    "job_external_id": "ats-job-4711",
    "start_date": "2026-03-02",
    "manager_name": "Dana Reyes",
    "team": "Inside sales",
    "leaving_date": None,
    "leaving_reason": None,
    "employed_90": True,
    "employed_180": True,
    "performance_rating": 4,
    "rated_on": "2026-09-30",
    "quotas": [
        {"year": 2026, "quarter": 2, "attainment_percent": 96.5},
        {"year": 2026, "quarter": 3, "attainment_percent": 110.0},
    ],
    "created_at": "2026-06-01T09:00:00Z",
    "updated_at": "2026-10-02T08:15:00Z",
}


@extend_schema_serializer(
    examples=[OpenApiExample("A hire's outcome", value=_OUTCOME_EXAMPLE)]
)
class HireOutcomeSerializer(ApiModelSerializer):
    application_external_id = serializers.CharField(
        source="application.external_id",
        read_only=True,
        help_text=APPLICATION_EXTERNAL_ID_HELP,
    )
    candidate = serializers.IntegerField(
        source="application.candidate_id",
        read_only=True,
        help_text=_("Criba's id of the candidate."),
    )
    candidate_external_id = serializers.CharField(
        source="application.candidate.external_id",
        read_only=True,
        help_text=CANDIDATE_EXTERNAL_ID_HELP,
    )
    job = serializers.IntegerField(
        source="application.job_id",
        read_only=True,
        help_text=_("Criba's id of the job."),
    )
    job_external_id = serializers.CharField(
        source="application.job.external_id",
        read_only=True,
        help_text=JOB_EXTERNAL_ID_HELP,
    )
    leaving_reason = _BlankAsNullChoiceField(
        choices=LeavingReason.choices,
        allow_null=True,
        read_only=True,
        help_text=_(
            "voluntary, involuntary or other, with a leaving date; null while the "
            "hire stays."
        ),
    )
    employed_90 = serializers.BooleanField(
        allow_null=True, read_only=True, help_text=EMPLOYED_90_HELP
    )
    employed_180 = serializers.BooleanField(
        allow_null=True, read_only=True, help_text=EMPLOYED_180_HELP
    )
    performance_rating = serializers.IntegerField(
        allow_null=True, read_only=True, help_text=RATING_HELP
    )
    quotas = QuotaSerializer(
        many=True,
        read_only=True,
        help_text=_("Quota attainment per calendar quarter, oldest first."),
    )

    class Meta:
        model = HireOutcome
        fields = [
            "id",
            "application",
            "application_external_id",
            "candidate",
            "candidate_external_id",
            "job",
            "job_external_id",
            "start_date",
            "manager_name",
            "team",
            "leaving_date",
            "leaving_reason",
            "employed_90",
            "employed_180",
            "performance_rating",
            "rated_on",
            "quotas",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id of the outcome.")},
            "application": {"help_text": _("Criba's id of the hired application.")},
            "start_date": {"help_text": _("The hire's first day at work.")},
            "manager_name": {"help_text": _("The hire's line manager.")},
            "team": {"help_text": _("The hire's team, if given.")},
            "leaving_date": {
                "help_text": _("The hire's last day, or null while they stay.")
            },
            "rated_on": {"help_text": _("The day of the review the rating is from.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


class QuotaWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text=_("The calendar year.")
    )
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text=_("The calendar quarter, 1 to 4.")
    )
    attainment_percent = serializers.DecimalField(
        max_digits=8,
        decimal_places=3,
        allow_null=True,
        # A JSON number, as the examples send it (a string of digits is taken too).
        coerce_to_string=False,
        help_text=_(
            "Percent of quota, 0 to 1000, kept to one decimal; null removes the "
            "quarter's attainment."
        ),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Record a hire's outcome by your application id",
            value={
                "application_external_id": "ats-app-1234",
                "start_date": "2026-03-02",
                "manager_name": "Dana Reyes",
                "team": "Inside sales",
                "performance_rating": 4,
                "rated_on": "2026-09-30",
                "quotas": [
                    {"year": 2026, "quarter": 2, "attainment_percent": 96.5},
                    {"year": 2026, "quarter": 3, "attainment_percent": 110},
                ],
            },
            request_only=True,
        ),
        OpenApiExample(
            "The hire left",
            value={
                "application_external_id": "ats-app-1234",
                "start_date": "2026-03-02",
                "manager_name": "Dana Reyes",
                "leaving_date": "2026-11-30",
                "leaving_reason": "voluntary",
            },
            request_only=True,
        ),
    ]
)
class HireOutcomeWriteSerializer(serializers.Serializer):
    application = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Criba's id of the hired application (or give its external id)."),
    )
    application_external_id = serializers.CharField(
        max_length=120,
        required=False,
        help_text=_("Your id of the hired application."),
    )
    start_date = serializers.DateField(
        help_text=_("The hire's first day at work (YYYY-MM-DD).")
    )
    manager_name = serializers.CharField(
        max_length=200, help_text=_("The hire's line manager.")
    )
    team = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The hire's team."),
    )
    leaving_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The hire's last day; absent or null while they stay. Not before the "
            "start date."
        ),
    )
    leaving_reason = serializers.ChoiceField(
        choices=LeavingReason.choices,
        required=False,
        allow_null=True,
        allow_blank=True,
        default="",
        help_text=_("Required with a leaving date, and only then."),
    )
    performance_rating = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=5,
        help_text=RATING_HELP,
    )
    rated_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The day of the review the rating is from; not in the future."),
    )
    quotas = QuotaWriteSerializer(
        many=True,
        required=False,
        max_length=40,
        help_text=_(
            "Quarters to add or replace; quarters you leave out stay as they are."
        ),
    )


@extend_schema_view(
    list=extend_schema(
        summary="List hire outcomes",
        description=(
            "Oldest change first. Poll with `updated_since` (or keep following "
            "`next`); an outcome's `updated_at` moves whenever it or one of its "
            "quarters changes. `employed_90` and `employed_180` are worked out as "
            "of today. Needs `outcomes:read` or `outcomes:write`."
        ),
    ),
    retrieve=extend_schema(summary="Read a hire outcome"),
    create=extend_schema(
        summary="Record a hire's outcome",
        description=(
            "Creates the outcome of a hired application or, when it has one, "
            "replaces it (201 on creation, 200 on update; one outcome per "
            "application, however many times or at once you send it). Name the "
            "application by `application_external_id` (your id) or `application`. "
            "The body is the whole outcome: a field you leave out is cleared "
            "(no leaving date means the hire stays), except `quotas`, which are "
            "merged quarter by quarter. An application that is not hired gets 409 "
            "`not_hired`; every rule broken is named in `errors`. Sending the same "
            "outcome again changes nothing and sends no event; a change sends "
            "`hire_outcome.recorded`. Needs `outcomes:write`."
        ),
        request=HireOutcomeWriteSerializer,
        responses={
            201: OpenApiResponse(HireOutcomeSerializer, description=_("Created.")),
            200: OpenApiResponse(
                HireOutcomeSerializer, description=_("Updated (or unchanged).")
            ),
        },
    ),
)
class HireOutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = HireOutcomeSerializer
    filterset_class = OutcomeFilter
    read_scopes = (ApiKey.Scope.OUTCOMES_READ, ApiKey.Scope.OUTCOMES_WRITE)
    write_scopes = (ApiKey.Scope.OUTCOMES_WRITE,)

    def get_queryset(self):
        return outcomes_for_integrations()

    def create(self, request, *args, **kwargs):
        data = self.input(HireOutcomeWriteSerializer)
        application = selectors.application_by_reference(
            pk=data.pop("application", None),
            external_id=data.pop("application_external_id", None),
        )
        data["leaving_reason"] = data.get("leaving_reason") or ""
        data["quotas"] = [
            (q["year"], q["quarter"], q["attainment_percent"])
            for q in data.get("quotas", [])
        ]
        outcome = hire_outcome_record(application=application, by=None, **data)
        # Read back with the retention worked out and the quarters in order.
        return self.created_or_updated(
            self.get_queryset().get(pk=outcome.pk), outcome.created
        )
