"""What the API says about jobs, candidates and applications, and what it accepts.

Input serializers check only the shape of a request (types, lengths, choices);
the rules (a title is required, an external id is unique) live in the services,
which the pages call too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from hiring.api.fields import ApiModelSerializer
from hiring.models import Application, Candidate, Job, Stage

EXTERNAL_ID_HELP = _(
    "Your system's id for this record. POSTing again with the same external_id "
    'updates the record instead of creating a second one. Empty ("") on a '
    "record made without one (on Criba's pages or by Greenhouse)."
)
# The ids of the records a response refers to: the API writes "" for none (the
# webhooks' data writes null).
JOB_EXTERNAL_ID_HELP = _(
    'Your id of the job; empty ("") when it has none (made on Criba\'s pages).'
)
CANDIDATE_EXTERNAL_ID_HELP = _(
    'Your id of the candidate; empty ("") when they have none (added on '
    "Criba's pages or by Greenhouse)."
)
APPLICATION_EXTERNAL_ID_HELP = _(
    'Your id of the application; empty ("") when it has none (made on '
    "Criba's pages or by Greenhouse)."
)
CREATED_HELP = _("When the record was created (ISO 8601, UTC).")
UPDATED_HELP = _(
    "When the record last changed (ISO 8601, UTC); lists are ordered by it and "
    "`updated_since` filters on it."
)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A job",
            value={
                "id": 12,
                "external_id": "ats-job-4711",
                "title": "Account Executive",
                "department": "Sales",
                "location": "Madrid",
                "status": "open",
                "created_at": "2026-12-01T09:30:00Z",
                "updated_at": "2026-12-01T09:30:00Z",
            },
            response_only=True,
        )
    ]
)
class JobSerializer(ApiModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "external_id",
            "title",
            "department",
            "location",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id for the job.")},
            "external_id": {"help_text": EXTERNAL_ID_HELP},
            "title": {"help_text": _("The job's title, as candidates see it.")},
            "department": {"help_text": _("The department hiring, if any.")},
            "location": {"help_text": _("Where the job is, if it matters.")},
            "status": {
                "help_text": _(
                    "draft, open or closed; a closed job takes no new applications."
                )
            },
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Create or update a job by your id",
            value={
                "external_id": "ats-job-4711",
                "title": "Account Executive",
                "department": "Sales",
                "location": "Madrid",
                "status": "open",
            },
            request_only=True,
        )
    ]
)
class JobWriteSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=120, required=False, help_text=EXTERNAL_ID_HELP
    )
    title = serializers.CharField(
        max_length=200,
        required=False,
        help_text=_("The job's title; required when the job is created."),
    )
    department = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=_("Department.")
    )
    location = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=_("Location.")
    )
    status = serializers.ChoiceField(
        choices=Job.Status.choices,
        required=False,
        help_text=_("draft, open (the default) or closed."),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A candidate",
            value={
                "id": 31,
                "external_id": "ats-cand-99",
                "first_name": "Lucía",
                "last_name": "Pérez",
                "email": "lucia@example.org",
                "phone": "",
                "preferred_language": "es",
                "retention_until": "2027-12-01",
                "erased": False,
                "created_at": "2026-12-01T09:31:00Z",
                "updated_at": "2026-12-01T09:31:00Z",
            },
            response_only=True,
        )
    ]
)
class CandidateSerializer(ApiModelSerializer):
    erased = serializers.SerializerMethodField(
        help_text=_(
            "True once the candidate's personal data was erased; the names and "
            "email are then placeholders."
        )
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "external_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "preferred_language",
            "retention_until",
            "erased",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id for the candidate.")},
            "external_id": {"help_text": EXTERNAL_ID_HELP},
            "first_name": {"help_text": _("Given name.")},
            "last_name": {"help_text": _("Family name.")},
            "email": {
                "help_text": _("Where invitations are sent, when Criba sends them.")
            },
            "phone": {"help_text": _("Phone number, if given.")},
            "preferred_language": {
                "help_text": _("en or es: the language questionnaires default to.")
            },
            "retention_until": {
                "help_text": _("The date until which the personal data is kept.")
            },
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }

    def get_erased(self, candidate: Candidate) -> bool:
        return candidate.erased_at is not None


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Create or update a candidate by your id",
            value={
                "external_id": "ats-cand-99",
                "first_name": "Lucía",
                "last_name": "Pérez",
                "email": "lucia@example.org",
                "preferred_language": "es",
            },
            request_only=True,
        )
    ]
)
class CandidateWriteSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=120, required=False, help_text=EXTERNAL_ID_HELP
    )
    first_name = serializers.CharField(
        max_length=100, required=False, help_text=_("Required on creation.")
    )
    last_name = serializers.CharField(
        max_length=100, required=False, help_text=_("Required on creation.")
    )
    email = serializers.EmailField(
        max_length=254, required=False, help_text=_("Required on creation.")
    )
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text=_("Optional.")
    )
    preferred_language = serializers.ChoiceField(
        choices=Candidate.Language.choices,
        required=False,
        help_text=_("en (the default) or es."),
    )
    retention_until = serializers.DateField(
        required=False,
        help_text=_(
            "Keep the personal data until this date (YYYY-MM-DD); by default a "
            "year from creation."
        ),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An application",
            value={
                "id": 57,
                "external_id": "ats-app-1234",
                "job": 12,
                "job_external_id": "ats-job-4711",
                "candidate": 31,
                "candidate_external_id": "ats-cand-99",
                "stage": "assessing",
                "decision": "",
                "decided_at": None,
                "created_at": "2026-12-01T09:32:00Z",
                "updated_at": "2026-12-01T09:40:00Z",
            },
            response_only=True,
        )
    ]
)
class ApplicationSerializer(ApiModelSerializer):
    decision = serializers.ChoiceField(
        choices=Application.Decision.choices,
        allow_blank=True,
        read_only=True,
        help_text=_(
            "The hiring decision recorded in Criba (advance, hire, reject, hold), "
            "or empty while none is."
        ),
    )
    job_external_id = serializers.CharField(
        source="job.external_id", read_only=True, help_text=JOB_EXTERNAL_ID_HELP
    )
    candidate_external_id = serializers.CharField(
        source="candidate.external_id",
        read_only=True,
        help_text=CANDIDATE_EXTERNAL_ID_HELP,
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "external_id",
            "job",
            "job_external_id",
            "candidate",
            "candidate_external_id",
            "stage",
            "decision",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Criba's id for the application.")},
            "external_id": {"help_text": EXTERNAL_ID_HELP},
            "job": {"help_text": _("Criba's id of the job.")},
            "candidate": {"help_text": _("Criba's id of the candidate.")},
            "stage": {"help_text": _("Where the application stands in the pipeline.")},
            "decided_at": {"help_text": _("When the decision was recorded (UTC).")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Create or update an application by your ids",
            value={
                "external_id": "ats-app-1234",
                "job_external_id": "ats-job-4711",
                "candidate_external_id": "ats-cand-99",
            },
            request_only=True,
        )
    ]
)
class ApplicationWriteSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=120, required=False, help_text=EXTERNAL_ID_HELP
    )
    job = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Criba's id of the job (or give job_external_id)."),
    )
    job_external_id = serializers.CharField(
        max_length=120, required=False, help_text=_("Your id of the job.")
    )
    candidate = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Criba's id of the candidate (or give candidate_external_id)."),
    )
    candidate_external_id = serializers.CharField(
        max_length=120, required=False, help_text=_("Your id of the candidate.")
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        help_text=_("The pipeline stage; `applied` for a new application."),
    )


class ApplicationUpdateSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=120, required=False, help_text=EXTERNAL_ID_HELP
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices, required=False, help_text=_("The pipeline stage.")
    )
