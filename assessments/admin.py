from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AssessmentPlan,
    DevelopmentCheckIn,
    DevelopmentGoal,
    DevelopmentPlan,
    Instrument,
    InstrumentVersion,
    Interview,
    InterviewResult,
    Invitation,
    NormSet,
    PageTiming,
    Panelist,
    PracticeAttempt,
    PracticeCase,
    PrivacyNotice,
    QuestionnaireResult,
    Response,
    Rubric,
    RubricVersion,
    ScaleReliability,
    Scorecard,
    ScorecardVersion,
)
from assessments.privacy.notices import privacy_notice_publish
from hiring.admin import ReadOnlyAdmin, ReadOnlyInline
from hiring.errors import Invalid


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    """Written by `manage.py load_instruments` from the definition files, which
    name an instrument by its slug: a slug changed here would make the next load
    publish a second instrument beside it, under plans that point at this one."""

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
class AssessmentPlanAdmin(ReadOnlyAdmin):
    """Looked at here, set on the job's plan page (`assessment_plan_save`), which
    checks the weights, cut-offs and days together and audits the change; an
    edit here would do neither, under invitations already sent."""

    list_display = ["job", "instrument", "invitation_days", "percentiles"]
    list_filter = ["instrument", "percentiles"]
    search_fields = ["job__title"]
    list_select_related = ["job", "instrument"]


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
    # The salt and the server's key derive the candidate's link; the nonce proves
    # the session that takes it.
    exclude = ["token_hash", "token_salt", "session_nonce"]
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


class PanelistInline(ReadOnlyInline):
    """The panel as it stands: seats are set by the scheduling service and end
    only through ``panel_seats_end``, never here."""

    model = Panelist
    fields = ["interviewer", "invited_at", "reminded_at"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    """Looked at here, changed only on the recruiter pages: scheduling,
    rescheduling and cancelling go through the interview services, which keep
    their rules (the panel is set when the interview is scheduled, a seat ends
    only with its holder's place on the hiring team, a complete or cancelled
    interview is not moved) and tell the panel. An edit here would do none of
    that, and could put a second pair of eyes on ratings made independently."""

    list_display = ["title", "application", "scheduled_at", "status"]
    list_filter = ["status"]
    search_fields = [
        "title",
        "application__candidate__last_name",
        "application__job__title",
    ]
    list_select_related = ["application__candidate", "application__job"]
    inlines = [PanelistInline]


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    """Written by `manage.py load_instruments` from the rubric files, which name
    a rubric by its slug: a slug changed here would make the next load publish
    a second rubric beside it, and the demo and reports look it up by it."""

    list_display = ["slug", "name", "created_at", "calibration_link"]
    search_fields = ["slug", "name"]

    @admin.display(description=_("calibration"))
    def calibration_link(self, obj: Rubric) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("results:rubric_calibration", args=[obj.pk]),
            _("Interviewer calibration"),
        )


@admin.register(RubricVersion)
class RubricVersionAdmin(ReadOnlyAdmin):
    """Published versions are immutable; `manage.py load_instruments` adds new ones."""

    list_display = ["rubric", "version", "source_file", "published_at"]
    list_filter = ["rubric"]
    list_select_related = ["rubric"]


class ScorecardVersionInline(ReadOnlyInline):
    model = ScorecardVersion
    fields = ["number", "recommendation", "ratings", "reason", "created_at"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["interview", "interviewer", "submitted_at", "current_version"]
    list_select_related = ["interview__application__candidate", "interviewer"]
    inlines = [ScorecardVersionInline]


@admin.register(InterviewResult)
class InterviewResultAdmin(ReadOnlyAdmin):
    list_display = ["interview", "scoring_version", "state", "score", "computed_at"]
    list_filter = ["state", "scoring_version"]
    list_select_related = ["interview__application__candidate"]


class PracticeCaseForm(forms.ModelForm):
    """A practice case: its rubric version and title first; once saved, one sample
    answer, agreed rating and rationale per competency of that version."""

    class Meta:
        model = PracticeCase
        fields = ["rubric_version", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["rubric_version"].disabled = True
            for key in self.instance.rubric_version.competency_keys:
                self.initial[f"answer_{key}"] = self.instance.answers.get(key, "")
                self.initial[f"agreed_{key}"] = self.instance.agreed_ratings.get(key)
                self.initial[f"rationale_{key}"] = self.instance.rationale.get(key, "")

    def save(self, commit=True):
        case = super().save(commit=False)
        if case.pk:
            keys = case.rubric_version.competency_keys
            case.answers = {k: self.cleaned_data[f"answer_{k}"] for k in keys}
            case.agreed_ratings = {k: self.cleaned_data[f"agreed_{k}"] for k in keys}
            case.rationale = {
                k: self.cleaned_data[f"rationale_{k}"]
                for k in keys
                if self.cleaned_data[f"rationale_{k}"]
            }
        else:
            case.answers, case.agreed_ratings, case.rationale = {}, {}, {}
        if commit:
            case.save()
        return case


def _competency_fields(version: RubricVersion) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for competency in version.competencies:
        key, name = competency["key"], competency["name"]["en"]
        fields[f"answer_{key}"] = forms.CharField(
            label=_("%(name)s: sample answer") % {"name": name},
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        fields[f"agreed_{key}"] = forms.TypedChoiceField(
            label=_("%(name)s: agreed rating") % {"name": name},
            choices=[(r, str(r)) for r in range(1, 6)],
            coerce=int,
        )
        fields[f"rationale_{key}"] = forms.CharField(
            label=_("%(name)s: why that rating") % {"name": name},
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
        )
    return fields


@admin.register(PracticeCase)
class PracticeCaseAdmin(admin.ModelAdmin):
    """Written here by administrators: choose the rubric version and save, then
    write a sample answer, the agreed rating and its rationale per competency."""

    list_display = ["title", "rubric_version", "created_at"]
    list_select_related = ["rubric_version__rubric"]
    form = PracticeCaseForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return super().get_form(request, obj, change=change, **kwargs)
        extra = _competency_fields(obj.rubric_version)
        names = list(extra)  # the form's metaclass consumes the dict it is given
        form = type("PracticeCaseCompetencyForm", (PracticeCaseForm,), extra)
        kwargs["fields"] = ["rubric_version", "title", *names]
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["rubric_version", "title"]})]
        return [
            (None, {"fields": ["rubric_version", "title"]}),
            *(
                (
                    competency["name"]["en"],
                    {
                        "fields": [
                            f"answer_{competency['key']}",
                            f"agreed_{competency['key']}",
                            f"rationale_{competency['key']}",
                        ]
                    },
                )
                for competency in obj.rubric_version.competencies
            ),
        ]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PracticeAttempt)
class PracticeAttemptAdmin(ReadOnlyAdmin):
    list_display = ["case", "interviewer", "created_at"]
    list_select_related = ["case", "interviewer"]


@admin.register(Panelist)
class PanelistAdmin(ReadOnlyAdmin):
    list_display = ["interview", "interviewer", "invited_at", "reminded_at"]
    list_select_related = ["interview__application__candidate", "interviewer"]


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyAdmin):
    """Locked versions: an amendment adds a version, nothing edits one."""

    list_display = ["scorecard", "number", "recommendation", "created_at"]
    list_select_related = ["scorecard__interviewer"]


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


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ReadOnlyAdmin):
    """Written by the development services (audited); the link's salt and hash
    are left out: the salt and the server's key derive the hire's link."""

    list_display = ["application", "language", "shared_with_manager_at", "created_at"]
    list_select_related = ["application__candidate", "application__job"]
    fields = [
        "application",
        "language",
        "shared_with_manager_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields


@admin.register(DevelopmentGoal)
class DevelopmentGoalAdmin(ReadOnlyAdmin):
    list_display = ["plan", "position", "source", "key", "title"]
    list_select_related = ["plan__application__candidate", "plan__application__job"]


@admin.register(DevelopmentCheckIn)
class DevelopmentCheckInAdmin(ReadOnlyAdmin):
    list_display = ["plan", "day", "due_on", "done_at"]
    list_select_related = ["plan__application__candidate", "plan__application__job"]
