from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AssessmentPlan,
    Instrument,
    InstrumentVersion,
    Interview,
    Invitation,
    NormSet,
    PageTiming,
    PrivacyNotice,
    QuestionnaireResult,
    Response,
    ScaleReliability,
)
from assessments.privacy.notices import privacy_notice_publish
from hiring.admin import ReadOnlyAdmin
from hiring.errors import Invalid


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "created_at"]
    search_fields = ["slug", "name"]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdmin):
    """Published versions are immutable; `manage.py load_instruments` adds new ones."""

    list_display = [
        "instrument",
        "version",
        "source_file",
        "published_at",
        "statistics_link",
    ]
    list_filter = ["instrument"]
    search_fields = ["instrument__slug", "source_file", "checksum"]
    list_select_related = ["instrument"]

    @admin.display(description=_("statistics"))
    def statistics_link(self, obj: InstrumentVersion) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("instrument_statistics", args=[obj.pk]),
            _("Scale statistics"),
        )


@admin.register(NormSet)
class NormSetAdmin(ReadOnlyAdmin):
    list_display = ["version", "source", "language", "n", "computed_at"]
    list_filter = ["source", "language", "version__instrument"]
    search_fields = ["version__instrument__slug"]
    list_select_related = ["version__instrument"]


@admin.register(ScaleReliability)
class ScaleReliabilityAdmin(ReadOnlyAdmin):
    list_display = ["version", "scale_key", "n", "alpha", "computed_at"]
    list_filter = ["version__instrument"]
    search_fields = ["scale_key", "version__instrument__slug"]
    list_select_related = ["version__instrument"]


@admin.register(AssessmentPlan)
class AssessmentPlanAdmin(admin.ModelAdmin):
    list_display = ["job", "instrument", "invitation_days", "percentiles"]
    list_filter = ["instrument", "percentiles"]
    search_fields = ["job__title"]
    list_select_related = ["job", "instrument"]
    autocomplete_fields = ["job"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations are created and revoked on the recruiter pages, which audit it."""

    list_display = [
        "id",
        "application",
        "instrument_version",
        "status",
        "language",
        "created_at",
        "expires_at",
        "submitted_at",
    ]
    list_filter = ["status", "language", "instrument_version__instrument"]
    search_fields = [
        "application__candidate__last_name",
        "application__candidate__email",
        "application__job__title",
    ]
    list_select_related = [
        "application__candidate",
        "application__job",
        "instrument_version__instrument",
    ]
    exclude = ["token_hash", "session_nonce"]
    date_hierarchy = "created_at"


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "item_key", "value", "page", "answered_at"]
    search_fields = ["item_key", "=invitation__id"]
    list_select_related = ["invitation"]


@admin.register(PageTiming)
class PageTimingAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "page", "item_count", "seconds", "first_shown_at"]
    search_fields = ["=invitation__id"]
    list_select_related = ["invitation"]


@admin.register(QuestionnaireResult)
class QuestionnaireResultAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "invitation",
        "scoring_version",
        "validity_status",
        "composite",
        "band",
        "is_current",
        "created_at",
    ]
    list_filter = ["validity_status", "band", "is_current", "scoring_version"]
    search_fields = [
        "=invitation__id",
        "invitation__application__candidate__last_name",
        "invitation__application__job__title",
    ]
    list_select_related = ["invitation"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["title", "application", "scheduled_at", "status"]
    list_filter = ["status"]
    search_fields = [
        "title",
        "application__candidate__last_name",
        "application__job__title",
    ]
    list_select_related = ["application__candidate", "application__job"]
    filter_horizontal = ["interviewers"]
    autocomplete_fields = ["application"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Saving publishes a new version; the consents given keep pointing at theirs."""

    list_display = ["version", "published_at", "published_by"]
    readonly_fields = ["version", "published_at", "published_by"]
    fields = ["version", "published_at", "published_by", "text_en", "text_es"]
    list_select_related = ["published_by"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: PrivacyNotice, form, change: bool) -> None:
        try:
            notice = privacy_notice_publish(
                text_en=obj.text_en, text_es=obj.text_es, user=request.user
            )
        except Invalid as error:  # the form's required fields stop this first
            raise ValueError(error.message) from error
        # The admin's messages and redirect then speak of the published version.
        obj.pk, obj.version, obj.published_at = (
            notice.pk,
            notice.version,
            notice.published_at,
        )
        obj.published_by = notice.published_by
