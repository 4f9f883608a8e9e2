"""The filters an integrator polls with."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from hiring.models import Application, Candidate, HireOutcome, Job, Stage

UPDATED_SINCE_HELP = _(
    "Only rows changed at or after this instant (ISO 8601, e.g. "
    "2026-12-04T13:00:00Z; without an offset, or a date alone, it is read as "
    "UTC). Poll from a few seconds before the newest "
    "`updated_at` you have seen (30 seconds is ample): a change whose transaction "
    "commits late keeps the earlier time it was made at. Rows seen twice are the "
    "same row; keep the one with the newest `updated_at`."
)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A filter by Criba's id of a row: a whole number (1.5 is refused, not
    rounded), documented as an integer."""

    field_class = forms.IntegerField


class _TrueOrFalseField(forms.Field):
    """true or false; anything else is refused rather than read as "no filter"
    (a misspelt value would otherwise return every row)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError(_("Send true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class TrueOrFalseFilter(django_filters.BooleanFilter):
    field_class = _TrueOrFalseField


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the
    view's filters: every filter passes an empty value through, and building
    the filter set's form is most of what reading an unfiltered page costs."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class _UtcIsoDateTimeField(IsoDateTimeField):
    """A value without an offset is UTC, as every timestamp of the API, not the
    server's time zone (``DJANGO_TIME_ZONE``), which an integrator cannot see."""

    def to_python(self, value):
        with timezone.override(UTC):
            return super().to_python(value)


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """``updated_at >= value``, the value brought to UTC first: an offset the
    database cannot store, or an instant UTC cannot hold, is bad input (400)."""

    field_class = _UtcIsoDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("help_text", UPDATED_SINCE_HELP)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError):
                raise ValidationError(
                    {"updated_since": [_("This instant is out of range.")]}
                ) from None
        return super().filter(qs, value)


class UpdatedSinceFilterSet(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    external_id = django_filters.CharFilter(
        field_name="external_id", help_text=_("Only the row with this external id.")
    )


class JobFilter(UpdatedSinceFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Job.Status.choices, help_text=_("Only jobs in this status.")
    )

    class Meta:
        model = Job
        fields = ["updated_since", "external_id", "status"]


class CandidateFilter(UpdatedSinceFilterSet):
    email = django_filters.CharFilter(
        field_name="email",
        lookup_expr="iexact",
        help_text=_("Only candidates with this email (case-insensitive)."),
    )

    class Meta:
        model = Candidate
        fields = ["updated_since", "external_id", "email"]


class ApplicationFilter(UpdatedSinceFilterSet):
    job = IdFilter(
        field_name="job_id", help_text=_("Only applications to this job (Criba id).")
    )
    candidate = IdFilter(
        field_name="candidate_id",
        help_text=_("Only applications of this candidate (Criba id)."),
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, help_text=_("Only applications at this stage.")
    )

    class Meta:
        model = Application
        fields = ["updated_since", "external_id", "job", "candidate", "stage"]


class OutcomeFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    application = IdFilter(
        field_name="application_id", help_text=_("Only this application's (Criba id).")
    )
    application_external_id = django_filters.CharFilter(
        field_name="application__external_id",
        help_text=_("Only this application's (your id)."),
    )
    job = IdFilter(
        field_name="application__job_id", help_text=_("Only hires of this job.")
    )
    job_external_id = django_filters.CharFilter(
        field_name="application__job__external_id",
        help_text=_("Only hires of this job (your id)."),
    )

    class Meta:
        model = HireOutcome
        fields = [
            "updated_since",
            "application",
            "application_external_id",
            "job",
            "job_external_id",
        ]
