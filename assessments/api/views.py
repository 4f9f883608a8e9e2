"""Instruments, invitations and results over HTTP: thin translations to the
services, selectors and read models the pages use."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments import interview_selectors, reports, selectors, services
from assessments.api import rendering
from assessments.api.filters import (
    InterviewFilter,
    InvitationFilter,
    ResultFilter,
    ScorecardFilter,
)
from assessments.api.serializers import (
    ApplicationReportSerializer,
    InstrumentSerializer,
    InterviewSerializer,
    InvitationCreateSerializer,
    InvitationExtendSerializer,
    InvitationSerializer,
    ResultSerializer,
    ScorecardSerializer,
)
from assessments.tokens import invitation_link
from hiring.api.views import ApiViewSet
from hiring.models import ApiKey
from hiring.selectors import application_by_reference

Scope = ApiKey.Scope


@extend_schema_view(
    list=extend_schema(
        summary="List the questionnaires you may order",
        description="Each with its published versions and languages.",
    ),
    retrieve=extend_schema(summary="Read a questionnaire"),
)
class InstrumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InstrumentSerializer
    lookup_field = "slug"
    cursor_field = "created_at"
    read_scopes = (Scope.INVITATIONS_WRITE, Scope.JOBS_READ, Scope.RESULTS_READ)

    def get_queryset(self):
        return selectors.instruments_published()


@extend_schema_view(
    list=extend_schema(summary="List invitations", description="Oldest change first."),
    retrieve=extend_schema(summary="Read an invitation"),
    create=extend_schema(
        summary="Order a questionnaire for an application",
        description=(
            "Creates an invitation and returns it with `candidate_url`, the "
            "candidate's private link, and `expires_at`. Criba emails the link "
            "only with `send_email: true`. One open invitation per application and "
            "questionnaire: a second order gets 409 `already_invited`."
        ),
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    ),
    revoke=extend_schema(
        summary="Revoke an invitation",
        description="The link stops working at once; revoking twice is harmless.",
        request=None,
        responses={200: InvitationSerializer},
    ),
    extend=extend_schema(
        summary="Extend an invitation",
        description=(
            "Adds days to the link's validity; an expired, unstarted link revives."
        ),
        request=InvitationExtendSerializer,
        responses={200: InvitationSerializer},
    ),
)
class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    read_scopes = (Scope.INVITATIONS_WRITE, Scope.APPLICATIONS_READ)
    write_scopes = (Scope.INVITATIONS_WRITE,)
    # The `code` of each refusal, listed in the schema (hiring.api.schema).
    _FINISHED = {"already_submitted": "the candidate has submitted (or it was scored)"}
    problem_codes = {
        "create": {
            "400": {
                "unknown_reference": "no such application or questionnaire",
                "reference_required": "`instrument_version` without `instrument`",
                "unsupported_language": "the questionnaire is not offered in it",
            },
            "409": {
                "already_invited": "an open invitation to that questionnaire "
                "exists for the application",
                "application_closed": "the application is hired, rejected or withdrawn",
                "job_not_open": "the job is not open",
                "candidate_erased": "the candidate's personal data was erased",
                "no_instrument": "no questionnaire is loaded on the server",
            },
        },
        "extend": {"409": {**_FINISHED, "revoked": "the invitation was revoked"}},
        "revoke": {"409": _FINISHED},
    }

    def get_queryset(self):
        return selectors.invitations_for_integrations()

    # The candidate's link is derived from the server's key and never stored: a
    # replayed order derives it again.
    def idempotency_redact(self, data):
        return {**data, "candidate_url": None}

    def idempotency_restore(self, data):
        invitation = self.get_queryset().filter(pk=data.get("id")).first()
        if invitation is None:
            return data
        return {**data, "candidate_url": invitation_link(invitation)}

    def create(self, request, *args, **kwargs):
        data = self.input(InvitationCreateSerializer)
        application = application_by_reference(
            pk=data.get("application"), external_id=data.get("application_external_id")
        )
        version = None
        if data.get("instrument") or data.get("instrument_version"):
            version = selectors.instrument_version_by_reference(
                slug=data.get("instrument"), version=data.get("instrument_version")
            )
        invitation = services.invitation_create(
            application=application,
            user=None,
            instrument_version=version,
            language=data.get("language"),
            extra_time_percent=data["extra_time_percent"],
            expires_in_days=data.get("expires_in_days"),
            send=data["send_email"],
        )
        invitation = self.get_queryset().get(pk=invitation.pk)
        location = self.reverse_action("detail", args=[invitation.pk])
        return Response(
            self.get_serializer(invitation).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        services.invitation_revoke(invitation=self.get_object(), user=None)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        data = self.input(InvitationExtendSerializer)
        services.invitation_extend(
            invitation=self.get_object(), user=None, days=data["days"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="List questionnaire results",
        description=(
            "Oldest change first. Poll with `updated_since` (or keep following "
            "`next`) to pick up new results; every read is recorded in the audit log."
        ),
    ),
    retrieve=extend_schema(summary="Read a questionnaire result"),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    read_scopes = (Scope.RESULTS_READ,)

    def get_queryset(self):
        # Stubs (dicts): the content of most results comes rendered from the cache.
        return selectors.result_stubs_for_integrations()

    def rendered(self, stubs: list[dict]) -> list[bytes]:
        reports.questionnaire_report_stub_reads_record(
            stubs=stubs, api_key=self.request.auth
        )
        return rendering.results_rendered(stubs)

    def list(self, request, *args, **kwargs):
        paginator = self.paginator
        page = paginator.page_queryset(
            self.filter_queryset(self.get_queryset()), request, view=self
        )
        # The page is read and its reads audited in one statement.
        stubs = paginator.page_rows(
            reports.questionnaire_result_stubs_read(
                page=page,
                order_by=paginator.ordering,
                shown=paginator.size,
                api_key=request.auth,
            )
        )
        body = rendering.page_of_rendered(
            paginator.next_link(), rendering.results_rendered(stubs)
        )
        return HttpResponse(body, content_type="application/json")

    def retrieve(self, request, *args, **kwargs):
        (body,) = self.rendered([self.get_object()])
        return HttpResponse(body, content_type="application/json")


class ApplicationReportViewSet(ApiViewSet):
    read_scopes = (Scope.RESULTS_READ,)
    serializer_class = ApplicationReportSerializer

    def get_queryset(self):
        return selectors.applications_for_integrations()

    @extend_schema(
        summary="Read an application's report",
        description=(
            "The application with every invitation (newest first) and the current "
            "result of its newest scored invitation. Needs `results:read`."
        ),
        responses={200: ApplicationReportSerializer},
    )
    def retrieve(self, request, pk=None):
        report = reports.application_report_for_integration(
            application_id=pk, api_key=request.auth
        )
        return Response(self.get_serializer(report).data)


@extend_schema_view(
    list=extend_schema(
        summary="List interviews",
        description=(
            "Oldest change first, with the panel and how many scorecards are in. "
            "`result` (the panel's aggregate) is null until every panelist has "
            "submitted; the interview's `updated_at` moves when it completes, so "
            "polling with `updated_since` picks the aggregate up. Needs "
            "`interviews:read`."
        ),
    ),
    retrieve=extend_schema(summary="Read an interview"),
)
class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InterviewSerializer
    filterset_class = InterviewFilter
    read_scopes = (Scope.INTERVIEWS_READ,)

    def get_queryset(self):
        return interview_selectors.interviews_for_integrations()


@extend_schema_view(
    list=extend_schema(
        summary="List submitted scorecards",
        description=(
            "Oldest change first. Only submitted scorecards: a draft is never "
            "shown. Each carries its current version (an amendment replaces the "
            "submission) and how many amendments it had. Needs `interviews:read`."
        ),
    ),
    retrieve=extend_schema(summary="Read a submitted scorecard"),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    read_scopes = (Scope.INTERVIEWS_READ,)

    def get_queryset(self):
        return interview_selectors.scorecards_for_integrations()
