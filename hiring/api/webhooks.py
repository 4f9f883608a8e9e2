"""Webhook endpoints over the API (scope `webhooks:manage`), and the events they
receive, documented as OpenAPI webhooks.

An endpoint belongs to the API key that registered it: a key lists and manages
only its own, and another key's endpoint (or one an administrator added on the
settings page) answers 404 as a missing one would. Administrators see and manage
every endpoint on the settings page."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    OpenApiWebhook,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hiring.api.fields import ApiModelSerializer, UtcDateTimeField
from hiring.api.views import ApiViewSet
from hiring.errors import NotFound
from hiring.models import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_PING,
    ApiKey,
    Application,
    LeavingReason,
    OutboxEvent,
    Stage,
    WebhookDelivery,
    WebhookEndpoint,
)
from hiring.webhooks import services

# --- endpoints -----------------------------------------------------------------------


class WebhookEndpointSerializer(ApiModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=OutboxEvent.Type.choices),
        read_only=True,
        help_text="Event types sent to it; empty means all.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "name",
            "url",
            "events",
            "enabled",
            "disabled_reason",
            "failure_streak",
            "previous_secret_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Criba's id of the endpoint."},
            "name": {"help_text": "A name for people."},
            "url": {"help_text": "Where events are posted (public HTTPS)."},
            "enabled": {"help_text": "Whether events are sent to it."},
            "created_at": {"help_text": "When it was registered (ISO 8601, UTC)."},
            "updated_at": {"help_text": "When it last changed (ISO 8601, UTC)."},
            "disabled_reason": {
                "help_text": "Why it is disabled: `manual`, `gone` (it answered "
                "410) or `failing` (every attempt failed for three days)."
            },
            "failure_streak": {"help_text": "Failed attempts since the last success."},
            "previous_secret_until": {
                "help_text": "After a rotation, the old secret also signs until then."
            },
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        allow_null=True,
        help_text=(
            "The signing secret (`whsec_...`). Shown in this response only: Criba "
            "keeps it sealed and never returns it again. A request replayed with "
            "the same Idempotency-Key gets null here; if the first response was "
            "lost, rotate the secret (`rotate-secret`) to get a new one."
        ),
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, help_text="A name for people.")
    url = serializers.CharField(
        max_length=500, help_text="A public HTTPS URL that accepts POST."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=OutboxEvent.Type.choices),
        required=False,
        help_text="Event types to receive; empty or absent means all. Only events "
        "whose data this API key's scopes may read are sent (`assessment.scored` "
        "needs `results:read`, `hire_outcome.recorded` `outcomes:read` ...); naming "
        "another is refused.",
    )
    enabled = serializers.BooleanField(
        required=False,
        help_text="false stops sending; true enables it again and resets its "
        "failure count. Deliveries queued before are then sent; events that "
        "happened while it was disabled are not (read them through the API).",
    )


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new secret; shown only here.")
    previous_secret_until = UtcDateTimeField(
        help_text="Until then the old secret signs too."
    )


class DeliverySerializer(ApiModelSerializer):
    event_type = serializers.ChoiceField(
        choices=WEBHOOK_EVENT_TYPES,
        read_only=True,
        help_text="The event type (`webhook.ping` for a test).",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "next_attempt_at",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Criba's id of the delivery."},
            "message_id": {"help_text": "The `webhook-id` header of every attempt."},
            "attempts": {"help_text": "Attempts made so far."},
            "last_status_code": {"help_text": "The receiver's last HTTP status."},
            "next_attempt_at": {"help_text": "When the next attempt is due, if any."},
            "created_at": {"help_text": "When the event was queued for it."},
            "delivered_at": {"help_text": "When the receiver answered 2xx."},
        }


_OWN = (
    "An endpoint belongs to the API key that registered it: only that key reaches "
    "it through the API. Another key's endpoint, or one an administrator added on "
    "the webhook settings page, answers 404 like a missing one."
)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints",
        description="The endpoints this API key registered, and no others. " + _OWN,
    ),
    retrieve=extend_schema(summary="Read a webhook endpoint", description=_OWN),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description=(
            "The new endpoint belongs to this API key: only this key lists and "
            "manages it through the API (administrators see every endpoint on the "
            "webhook settings page). Revoking the key disables its endpoints."
        ),
        request=WebhookEndpointWriteSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint (enable it again after fixing it)",
        description=_OWN,
        request=WebhookEndpointWriteSerializer,
        responses=WebhookEndpointSerializer,
    ),
    destroy=extend_schema(summary="Remove a webhook endpoint", description=_OWN),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = WebhookEndpointSerializer
    read_scopes = (ApiKey.Scope.WEBHOOKS_MANAGE,)
    write_scopes = (ApiKey.Scope.WEBHOOKS_MANAGE,)
    # The `code` of each refusal, listed in the schema (hiring.api.schema).
    _WRITE_CODES = {
        "400": {
            "target_refused": "the URL is not public HTTPS, or resolves to a "
            "private address",
            "event_out_of_scope": "this API key's scopes may not read that "
            "event's data",
        }
    }
    problem_codes = {
        "create": _WRITE_CODES,
        "partial_update": _WRITE_CODES,
        "ping": {"409": {"disabled": "the endpoint is disabled; enable it first"}},
        "redeliver": {
            "404": {
                "not_found": "no such delivery of this endpoint (or it was "
                "deleted by the history's retention)"
            },
            "403": {
                "event_out_of_scope": "this API key's scopes no longer let it read "
                "that delivery's event"
            },
            "409": {"pending": "the delivery is still being tried"},
        },
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = None

    def get_queryset(self):
        # Only the requesting key's own endpoints, for every action: any other
        # id is a 404. A key revoked a moment ago (which another process may
        # still trust for a few seconds) reaches none.
        api_key = self.request.auth
        if not isinstance(api_key, ApiKey):  # the schema generator
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(
            api_key=api_key, api_key__revoked_at__isnull=True
        )

    def create(self, request, *args, **kwargs):
        data = self.input(WebhookEndpointWriteSerializer)
        data.pop("enabled", None)
        endpoint, secret = services.endpoint_create(
            actor=None, api_key=request.auth, **data
        )
        body = {**WebhookEndpointSerializer(endpoint).data, "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)

    def idempotency_redact(self, data):
        # A replayed request gets the endpoint, never the secret again: the
        # idempotency store keeps no secret.
        return {**data, "secret": None} if "secret" in data else data

    def partial_update(self, request, *args, **kwargs):
        endpoint = services.endpoint_update(
            endpoint=self.get_object(),
            actor=None,
            api_key=self.request.auth,
            **self.input(WebhookEndpointWriteSerializer, partial=True),
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    def perform_destroy(self, instance):
        services.endpoint_delete(
            endpoint=instance, actor=None, api_key=self.request.auth
        )

    @extend_schema(
        summary="Rotate the signing secret",
        request=None,
        responses={200: SecretSerializer},
        description="Both secrets sign every event for the next 24 hours. " + _OWN,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        secret = services.endpoint_rotate_secret(
            endpoint=endpoint, actor=None, api_key=request.auth
        )
        endpoint.refresh_from_db()
        response = Response(
            SecretSerializer(
                {
                    "secret": secret,
                    "previous_secret_until": endpoint.previous_secret_until,
                }
            ).data
        )
        return response

    @extend_schema(
        summary="Send a test event (`webhook.ping`)",
        description=_OWN,
        request=None,
        responses={202: DeliverySerializer},
    )
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        delivery = services.endpoint_ping(
            endpoint=self.get_object(), actor=None, api_key=request.auth
        )
        return Response(
            DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        summary="The endpoint's latest deliveries (50, newest first)",
        description=(
            "Finished deliveries are kept `CRIBA_WEBHOOK_RETENTION_DAYS` (90 by "
            "default) after their last attempt; pending ones, and the endpoint's "
            "latest delivery, are kept whatever their age. " + _OWN
        ),
        responses=DeliverySerializer(many=True),
    )
    # A fixed window of the latest 50, not a paginated list: the schema says so.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by(
            "-created_at", "-id"
        )[:50]
        return Response(DeliverySerializer(rows, many=True).data)

    @extend_schema(
        summary="Send a delivery again",
        description=(
            "Starts the delivery's retry schedule again, with the same `webhook-id` "
            "and body (deduplicate on the id). A delivery still being tried "
            "answers 409 `pending`; one of a disabled endpoint is sent once the "
            "endpoint is enabled again. " + _OWN
        ),
        request=None,
        responses={202: DeliverySerializer},
        parameters=[
            OpenApiParameter(
                "delivery_id",
                int,
                OpenApiParameter.PATH,
                description="The delivery's `id`, as the deliveries listing gives it.",
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        delivery = WebhookDelivery.objects.filter(
            endpoint=endpoint, pk=delivery_id
        ).first()
        if delivery is None:
            raise NotFound(_("No such delivery of this webhook endpoint."))
        delivery = services.delivery_redeliver(
            delivery=delivery, actor=None, api_key=request.auth
        )
        return Response(
            DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


# --- the events, as OpenAPI webhooks -------------------------------------------------


class _InvitationData(serializers.Serializer):
    invitation_id = serializers.IntegerField(help_text="Criba's id of the invitation.")
    application_id = serializers.IntegerField(
        help_text="Criba's id of the application."
    )


class _SentData(_InvitationData):
    expires_at = serializers.DateTimeField(
        help_text="When the candidate's link stops working."
    )


class _ScoredData(_InvitationData):
    scoring_version = serializers.CharField(
        help_text="The version of the scoring rules that produced the result."
    )
    validity_status = serializers.ChoiceField(
        choices=["valid", "questionable", "invalid"]
    )
    composite = serializers.FloatField(
        allow_null=True,
        help_text="The plan's composite; null when the answers were invalid.",
    )
    band = serializers.CharField(
        allow_null=True, help_text="The band of the composite, e.g. `fit`."
    )


class _DecidedData(serializers.Serializer):
    application_id = serializers.IntegerField(
        help_text="Criba's id of the application."
    )
    job_id = serializers.IntegerField(help_text="Criba's id of the job.")
    external_id = serializers.CharField(
        allow_null=True, help_text="Your id of the application; null when it has none."
    )
    decision = serializers.ChoiceField(
        choices=Application.Decision.values, help_text="The decision recorded."
    )
    stage = serializers.ChoiceField(
        choices=Stage.values,
        help_text="The application's pipeline stage after the decision.",
    )
    decided_at = serializers.DateTimeField(help_text="When the decision was recorded.")


class _ScorecardData(serializers.Serializer):
    interview_id = serializers.IntegerField(help_text="Criba's id of the interview.")
    application_id = serializers.IntegerField(
        help_text="Criba's id of the application."
    )
    scorecard_id = serializers.IntegerField(help_text="Criba's id of the scorecard.")
    version = serializers.IntegerField(help_text="1, then 2 and up for amendments.")
    amendment = serializers.BooleanField(
        help_text="Whether this version amends a submitted one."
    )
    recommendation = serializers.ChoiceField(
        choices=["definitely_not", "no", "yes", "strong_yes", "no_decision"]
    )


class _InterviewData(serializers.Serializer):
    interview_id = serializers.IntegerField(help_text="Criba's id of the interview.")
    application_id = serializers.IntegerField(
        help_text="Criba's id of the application."
    )
    score = serializers.FloatField(
        allow_null=True, help_text="The weighted interview score, 1 to 5."
    )
    flagged = serializers.ListField(
        child=serializers.CharField(),
        help_text="Competencies on which the panel disagreed.",
    )
    scorecards = serializers.IntegerField(help_text="Scorecards submitted.")


class HireOutcomeQuotaData(serializers.Serializer):
    year = serializers.IntegerField(help_text="The calendar year.")
    quarter = serializers.IntegerField(help_text="The calendar quarter, 1 to 4.")
    attainment_percent = serializers.FloatField(
        help_text="Sales against quota in percent (100 = quota met)."
    )


class _OutcomeData(serializers.Serializer):
    outcome_id = serializers.IntegerField(help_text="Criba's id of the outcome.")
    application_id = serializers.IntegerField(
        help_text="Criba's id of the hired application."
    )
    application_external_id = serializers.CharField(
        allow_null=True, help_text="Your id of the application; null when it has none."
    )
    candidate_external_id = serializers.CharField(
        allow_null=True, help_text="Your id of the candidate; null when it has none."
    )
    job_id = serializers.IntegerField(help_text="Criba's id of the job.")
    job_external_id = serializers.CharField(
        allow_null=True, help_text="Your id of the job; null when it has none."
    )
    start_date = serializers.DateField(help_text="The hire's first day at work.")
    leaving_date = serializers.DateField(
        allow_null=True, help_text="The hire's last day; null while they stay."
    )
    leaving_reason = serializers.ChoiceField(
        choices=LeavingReason.values,
        allow_null=True,
        help_text="Why the hire left; null while they stay.",
    )
    employed_90 = serializers.BooleanField(
        allow_null=True,
        help_text="Still employed 90 days after the start (derived from the dates); "
        "null until that day has come.",
    )
    employed_180 = serializers.BooleanField(
        allow_null=True,
        help_text="Still employed 180 days after the start; null until then.",
    )
    performance_rating = serializers.IntegerField(
        allow_null=True, help_text="1 to 5 on Criba's performance scale, or null."
    )
    rated_on = serializers.DateField(
        allow_null=True, help_text="The day of the review the rating is from."
    )
    quotas = HireOutcomeQuotaData(
        many=True, help_text="Quota attainment per quarter, oldest first."
    )


class _PingData(serializers.Serializer):
    endpoint_id = serializers.IntegerField(
        help_text="Criba's id of the endpoint being tested (sent by `ping` only)."
    )


def _envelope(
    name: str, event_type: str, data_serializer
) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "type": _OneEventType(
                event_type,
                help_text=f"The event type: always `{event_type}` for this event "
                "(all of them: `WebhookEventTypeEnum`).",
            ),
            "timestamp": UtcDateTimeField(
                help_text="When it happened (ISO 8601, UTC); events may arrive out "
                "of order, so compare this rather than the order of arrival."
            ),
            # Named after its event (`AssessmentScoredData`), as a generated
            # client names its classes.
            "data": type(name.removesuffix("Event") + "Data", (data_serializer,), {})(
                help_text="What happened; see each field."
            ),
        },
    )


class _OneEventType(serializers.CharField):
    """The envelope's `type`: one value per event, so a receiver can tell the
    events apart by it (a discriminator in the schema's terms)."""

    def __init__(self, event_type: str, **kwargs):
        self.event_type = event_type
        super().__init__(**kwargs)


class _OneEventTypeExtension(OpenApiSerializerFieldExtension):
    target_class = _OneEventType

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.event_type]}


_HEADERS_DOC = (
    "Signed per Standard Webhooks: headers `webhook-id` (the same on every retry: "
    "deduplicate on it), `webhook-timestamp` and `webhook-signature` "
    "(`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the endpoint's secret; "
    "two signatures during a rotation). Answer 2xx within 15 s; anything else is "
    "retried for about three days; 410 disables the endpoint, and so does revoking "
    "the API key that registered it."
)

# Each event type's envelope, data and example, keyed by the one list of types
# (`hiring.models.WEBHOOK_EVENT_TYPES`): a type added there without its entry
# here stops the schema from being built (see below).
_EVENTS = {
    OutboxEvent.Type.INVITATION_SENT: (
        "InvitationSentEvent",
        _SentData,
        {
            "invitation_id": 41,
            "application_id": 17,
            "expires_at": "2026-12-18T09:00:00Z",
        },
    ),
    OutboxEvent.Type.INVITATION_OPENED: (
        "InvitationOpenedEvent",
        _InvitationData,
        {"invitation_id": 41, "application_id": 17},
    ),
    OutboxEvent.Type.ASSESSMENT_SUBMITTED: (
        "AssessmentSubmittedEvent",
        _InvitationData,
        {"invitation_id": 41, "application_id": 17},
    ),
    OutboxEvent.Type.ASSESSMENT_SCORED: (
        "AssessmentScoredEvent",
        _ScoredData,
        {
            "invitation_id": 41,
            "application_id": 17,
            "scoring_version": "3.0.0",
            "validity_status": "valid",
            "composite": 0.34,
            "band": "fit",
        },
    ),
    OutboxEvent.Type.SCORECARD_SUBMITTED: (
        "ScorecardSubmittedEvent",
        _ScorecardData,
        {
            "interview_id": 8,
            "application_id": 17,
            "scorecard_id": 21,
            "version": 1,
            "amendment": False,
            "recommendation": "yes",
        },
    ),
    OutboxEvent.Type.INTERVIEW_COMPLETED: (
        "InterviewCompletedEvent",
        _InterviewData,
        {
            "interview_id": 8,
            "application_id": 17,
            "score": 3.6,
            "flagged": ["coachability"],
            "scorecards": 2,
        },
    ),
    OutboxEvent.Type.APPLICATION_DECIDED: (
        "ApplicationDecidedEvent",
        _DecidedData,
        {
            "application_id": 17,
            "job_id": 3,
            "external_id": "ats-app-991",
            "decision": "advance",
            "stage": "interviewing",
            "decided_at": "2026-12-05T16:20:00Z",
        },
    ),
    OutboxEvent.Type.HIRE_OUTCOME_RECORDED: (
        "HireOutcomeRecordedEvent",
        _OutcomeData,
        {
            "outcome_id": 7,
            "application_id": 17,
            "application_external_id": "ats-app-991",
            "candidate_external_id": "ats-cand-99",
            "job_id": 3,
            "job_external_id": "ats-job-4711",
            "start_date": "2026-03-02",
            "leaving_date": None,
            "leaving_reason": None,
            "employed_90": True,
            "employed_180": True,
            "performance_rating": 4,
            "rated_on": "2026-09-30",
            "quotas": [{"year": 2026, "quarter": 3, "attainment_percent": 110.0}],
        },
    ),
    WEBHOOK_PING: ("WebhookPingEvent", _PingData, {"endpoint_id": 5}),
}
if set(_EVENTS) != set(WEBHOOK_EVENT_TYPES):
    raise ImproperlyConfigured(
        "Document every webhook event type in hiring.api.webhooks._EVENTS: "
        f"{sorted(set(WEBHOOK_EVENT_TYPES) ^ set(_EVENTS))}"
    )


def _event_webhook(event_type: str) -> OpenApiWebhook:
    name, data_serializer, data = _EVENTS[event_type]
    return OpenApiWebhook(
        name=event_type,
        decorator=extend_schema(
            summary=f"`{event_type}`",
            description=_HEADERS_DOC,
            request=_envelope(name, event_type, data_serializer),
            examples=[
                OpenApiExample(
                    event_type,
                    value={
                        "type": event_type,
                        "timestamp": "2026-12-05T16:20:00Z",
                        "data": data,
                    },
                )
            ],
            responses={
                200: OpenApiResponse(description="Received."),
                410: OpenApiResponse(description="Gone: disable this endpoint."),
                429: OpenApiResponse(description="Busy: retried after Retry-After."),
            },
        ),
    )


# Every event Criba sends, in the order of the one list (`SPECTACULAR_SETTINGS`
# names this list, so the schema has no list of its own).
EVENT_WEBHOOKS = [_event_webhook(event_type) for event_type in WEBHOOK_EVENT_TYPES]


def webhooks_as_extension(result, generator, request, public):
    """OpenAPI 3.0 has no `webhooks`; Redoc and most tools read `x-webhooks`."""
    webhooks = result.pop("webhooks", None)
    if webhooks and str(result.get("openapi", "")).startswith("3.0"):
        result["x-webhooks"] = webhooks
    elif webhooks:
        result["webhooks"] = webhooks
    return result
