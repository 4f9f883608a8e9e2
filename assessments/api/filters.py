"""The filters an integrator polls invitations and results with."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from assessments.models import Interview, Invitation, QuestionnaireResult, Scorecard
from hiring.api.filters import IdFilter, TrueOrFalseFilter, UpdatedSinceFilter


class InvitationFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    application = IdFilter(
        field_name="application_id", help_text=_("Only this application's (Criba id).")
    )
    application_external_id = django_filters.CharFilter(
        field_name="application__external_id",
        help_text=_("Only this application's (your id)."),
    )
    status = django_filters.ChoiceFilter(
        choices=Invitation.Status.choices, help_text=_("Only in this status.")
    )

    class Meta:
        model = Invitation
        fields = ["updated_since", "application", "application_external_id", "status"]


class ResultFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    application = IdFilter(
        field_name="invitation__application_id",
        help_text=_("Only this application's (Criba id)."),
    )
    application_external_id = django_filters.CharFilter(
        field_name="invitation__application__external_id",
        help_text=_("Only this application's (your id)."),
    )
    job_external_id = django_filters.CharFilter(
        field_name="invitation__application__job__external_id",
        help_text=_("Only results on this job (your id)."),
    )
    invitation = IdFilter(
        field_name="invitation_id", help_text=_("Only this invitation's.")
    )
    is_current = TrueOrFalseFilter(
        help_text=_(
            "true: only current results; false: only those a rescoring replaced."
        )
    )

    class Meta:
        model = QuestionnaireResult
        fields = [
            "updated_since",
            "application",
            "application_external_id",
            "job_external_id",
            "invitation",
            "is_current",
        ]


class InterviewFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    application = IdFilter(
        field_name="application_id", help_text=_("Only this application's (Criba id).")
    )
    application_external_id = django_filters.CharFilter(
        field_name="application__external_id",
        help_text=_("Only this application's (your id)."),
    )
    status = django_filters.ChoiceFilter(
        choices=Interview.Status.choices, help_text=_("Only in this status.")
    )

    class Meta:
        model = Interview
        fields = ["updated_since", "application", "application_external_id", "status"]


class ScorecardFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()
    interview = IdFilter(
        field_name="interview_id", help_text=_("Only this interview's.")
    )
    application = IdFilter(
        field_name="interview__application_id",
        help_text=_("Only this application's (Criba id)."),
    )
    application_external_id = django_filters.CharFilter(
        field_name="interview__application__external_id",
        help_text=_("Only this application's (your id)."),
    )

    class Meta:
        model = Scorecard
        fields = [
            "updated_since",
            "interview",
            "application",
            "application_external_id",
        ]
