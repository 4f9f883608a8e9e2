"""Jobs, candidates and applications over HTTP: thin translations to the
services and selectors the pages use."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hiring import selectors, services
from hiring.api.filters import ApplicationFilter, CandidateFilter, JobFilter
from hiring.api.idempotency import IdempotentPostMixin
from hiring.api.serializers import (
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    ApplicationWriteSerializer,
    CandidateSerializer,
    CandidateWriteSerializer,
    JobSerializer,
    JobWriteSerializer,
)
from hiring.models import ApiKey

READ, WRITE = "read", "write"


class ApiViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """The base of every resource: scopes by method, PATCH rather than PUT."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Candidates' data and results: never kept by a browser or a proxy.
        patch_cache_control(response, no_store=True, private=True)
        return response

    def input(self, serializer_class, *, partial: bool = False) -> dict:
        data = self.request.data
        serializer = serializer_class(data=data, partial=partial)
        # A misspelt field ("titel") would otherwise be dropped in silence and the
        # request answered as if it had done what was meant.
        if isinstance(data, Mapping):
            writable = {
                name for name, field in serializer.fields.items() if not field.read_only
            }
            unknown = sorted(set(data) - writable)
            if unknown:
                raise ValidationError(
                    {name: [_("This request has no such field.")] for name in unknown}
                )
            # DRF would turn 4711.0 into the text "4711.0", an id that matches
            # nothing the client meant: text fields take JSON strings only.
            not_text = sorted(
                name
                for name, field in serializer.fields.items()
                if isinstance(field, serializers.CharField)
                and data.get(name) is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise ValidationError(
                    {name: [_("Send this as a JSON string.")] for name in not_text}
                )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def created_or_updated(self, obj, created: bool) -> Response:
        data = self.get_serializer(obj).data
        if not created:
            return Response(data, status=status.HTTP_200_OK)
        location = self.reverse_action("detail", args=[obj.pk])
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )


def _upsert_docs(summary: str, noun: str, write, read):
    return extend_schema(
        summary=summary,
        description=_(
            "With an `external_id`, creates the %(noun)s or, when one with that "
            "external id exists, updates it (201 on creation, 200 on update); two "
            "concurrent requests with the same external id still make one row. "
            "Without an `external_id`, always creates."
        )
        % {"noun": noun},
        request=write,
        responses={
            201: OpenApiResponse(read, description=_("Created.")),
            200: OpenApiResponse(read, description=_("Updated (same external_id).")),
        },
    )


@extend_schema_view(
    list=extend_schema(summary="List jobs", description="Oldest change first."),
    retrieve=extend_schema(summary="Read a job"),
    create=_upsert_docs(
        "Create or update a job", "job", JobWriteSerializer, JobSerializer
    ),
    partial_update=extend_schema(
        summary="Change a job", request=JobWriteSerializer, responses=JobSerializer
    ),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = JobSerializer
    filterset_class = JobFilter
    read_scopes = (ApiKey.Scope.JOBS_READ, ApiKey.Scope.JOBS_WRITE)
    write_scopes = (ApiKey.Scope.JOBS_WRITE,)
    # The `code` of each refusal, listed in the schema (hiring.api.schema).
    problem_codes = {
        action: {"409": {"external_id_taken": "another job has that external id"}}
        for action in ("create", "partial_update")
    }

    def get_queryset(self):
        return selectors.jobs_for_integrations()

    def create(self, request, *args, **kwargs):
        data = self.input(JobWriteSerializer)
        external_id = data.pop("external_id", "")
        if external_id:
            job, created = services.job_upsert(external_id=external_id, **data)
        else:
            job, created = services.job_create(**data), True
        return self.created_or_updated(job, created)

    def partial_update(self, request, *args, **kwargs):
        job = services.job_update(
            job=self.get_object(), **self.input(JobWriteSerializer, partial=True)
        )
        return Response(self.get_serializer(job).data)


@extend_schema_view(
    list=extend_schema(summary="List candidates", description="Oldest change first."),
    retrieve=extend_schema(summary="Read a candidate"),
    create=_upsert_docs(
        "Create or update a candidate",
        "candidate",
        CandidateWriteSerializer,
        CandidateSerializer,
    ),
    partial_update=extend_schema(
        summary="Change a candidate",
        request=CandidateWriteSerializer,
        responses=CandidateSerializer,
    ),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    read_scopes = (ApiKey.Scope.APPLICATIONS_READ, ApiKey.Scope.APPLICATIONS_WRITE)
    write_scopes = (ApiKey.Scope.APPLICATIONS_WRITE,)
    problem_codes = {
        action: {
            "409": {
                "external_id_taken": "another candidate has that external id",
                "erased": "the candidate's personal data was erased",
            }
        }
        for action in ("create", "partial_update")
    }

    def get_queryset(self):
        return selectors.candidates_for_integrations()

    def create(self, request, *args, **kwargs):
        data = self.input(CandidateWriteSerializer)
        external_id = data.pop("external_id", "")
        if external_id:
            candidate, created = services.candidate_upsert(
                external_id=external_id, **data
            )
        else:
            candidate, created = services.candidate_create(**data), True
        return self.created_or_updated(candidate, created)

    def partial_update(self, request, *args, **kwargs):
        candidate = services.candidate_update(
            candidate=self.get_object(),
            **self.input(CandidateWriteSerializer, partial=True),
        )
        return Response(self.get_serializer(candidate).data)


@extend_schema_view(
    list=extend_schema(summary="List applications", description="Oldest change first."),
    retrieve=extend_schema(summary="Read an application"),
    create=_upsert_docs(
        "Create or update an application",
        "application",
        ApplicationWriteSerializer,
        ApplicationSerializer,
    ),
    partial_update=extend_schema(
        summary="Change an application's stage or external id",
        request=ApplicationUpdateSerializer,
        responses=ApplicationSerializer,
    ),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    read_scopes = (ApiKey.Scope.APPLICATIONS_READ, ApiKey.Scope.APPLICATIONS_WRITE)
    write_scopes = (ApiKey.Scope.APPLICATIONS_WRITE,)
    problem_codes = {
        "create": {
            "400": {
                "reference_required": "neither the job's (or candidate's) id nor "
                "its external id was given",
                "unknown_reference": "no such job or candidate",
                "references_disagree": "the id and the external id name different "
                "records",
            },
            "409": {
                "external_id_taken": "another application (of another candidate, "
                "or to another job: an application does not move) has that "
                "external id",
                "already_applied": "the candidate already applied to the job",
                "job_closed": "the job is closed",
            },
        },
        "partial_update": {
            "409": {"external_id_taken": "another application has that external id"}
        },
    }

    def get_queryset(self):
        return selectors.applications_for_integrations()

    def create(self, request, *args, **kwargs):
        data = self.input(ApplicationWriteSerializer)
        job = selectors.job_by_reference(
            pk=data.pop("job", None), external_id=data.pop("job_external_id", None)
        )
        candidate = selectors.candidate_by_reference(
            pk=data.pop("candidate", None),
            external_id=data.pop("candidate_external_id", None),
        )
        external_id = data.pop("external_id", "")
        if external_id:
            application, created = services.application_upsert(
                external_id=external_id, candidate=candidate, job=job, **data
            )
        else:
            application = services.application_create(
                candidate=candidate, job=job, **data
            )
            created = True
        return self.created_or_updated(application, created)

    def partial_update(self, request, *args, **kwargs):
        application = services.application_update(
            application=self.get_object(),
            **self.input(ApplicationUpdateSerializer, partial=True),
        )
        return Response(self.get_serializer(application).data)


class EndpointNotFoundView(APIView):
    """Any other path under /api/: a 404 problem rather than the site's HTML page."""

    schema = None
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound(_("There is no such endpoint; see /api/v1/docs/."))
