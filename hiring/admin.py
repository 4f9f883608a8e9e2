from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hiring.models import (
    AdverseImpactAlert,
    ApiKey,
    Application,
    AtsCallback,
    AtsErrorReport,
    AuditEvent,
    Candidate,
    HireOutcome,
    IdempotencyRecord,
    Job,
    JobMember,
    OutboxEvent,
    QuotaAttainment,
    TaskRetry,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WorkerHeartbeat,
)
from hiring.selectors import audit_events_naming
from hiring.services import (
    api_key_create,
    api_key_revoke,
    job_create,
    job_member_remove,
    job_member_save,
    job_update,
    login_lockout_lift_record,
    one_line_text_problem,
    user_access,
    user_access_audit,
)
from hiring.webhooks.services import endpoint_delete


class OneLineTextForm(forms.ModelForm):
    """The services' rule for names, titles and the like, in the admin's forms
    too: a one-line field takes no line break or other control character."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea)
                and isinstance(value, str)
            ):
                problem = one_line_text_problem(value)
                if problem is not None:
                    self.add_error(name, problem)
        return cleaned


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services, loaders or scoring: looked at, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside the one they belong to, never added, changed or
    deleted here: ``fields`` are shown read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class JobMemberInline(admin.TabularInline):
    model = JobMember
    extra = 1
    autocomplete_fields = ["user"]


class AuditedTeamAdmin(admin.ModelAdmin):
    """Team changes go through the services that audit them."""

    def save_model(self, request, obj, form, change) -> None:
        if isinstance(obj, JobMember):
            job_member_save(actor=request.user, member=obj)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj) -> None:
        if isinstance(obj, JobMember):
            job_member_remove(actor=request.user, member=obj)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        if queryset.model is JobMember:
            # All or none: a refusal (a job's last recruiter) keeps every seat.
            with transaction.atomic():
                for member in queryset.select_related("user", "job"):
                    job_member_remove(actor=request.user, member=member)
        else:
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not JobMember:
            super().save_formset(request, form, formset, change)
            return
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            job_member_remove(actor=request.user, member=member)
        for member in members:
            job_member_save(actor=request.user, member=member)
        formset.save_m2m()


@admin.register(Job)
class JobAdmin(AuditedTeamAdmin):
    """A job's fields are saved through `job_create` and `job_update`, which
    check and audit them as the job's own pages do; its team through the team
    services (see `AuditedTeamAdmin`)."""

    form = OneLineTextForm
    list_display = ["title", "department", "location", "status", "created_at"]
    # When the job was opened: a record, not a setting (the form would also
    # round it to the second on every save).
    readonly_fields = ["created_at", "updated_at"]
    list_filter = ["status", "department"]
    search_fields = ["title", "department", "location", "external_id"]
    inlines = [JobMemberInline]

    def save_model(self, request, obj, form, change) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data
        }
        # A refusal the form's own checks let through (a race on an external
        # id) is a domain error, shown as the error page; the admin's
        # transaction writes nothing then.
        if change:
            # The stored row, not the form's copy of it, which already holds the
            # new values (job_update audits what differs from the row).
            saved = job_update(
                job=Job.objects.get(pk=obj.pk), actor=request.user, **fields
            )
        else:
            saved = job_create(actor=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def view_on_site(self, obj: Job) -> str:
        # The job's page shows results, so it lives on the assessments side.
        return reverse("results:job_detail", args=[obj.pk])


@admin.register(JobMember)
class JobMemberAdmin(AuditedTeamAdmin):
    list_display = ["user", "job", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "job__title"]
    list_select_related = ["user", "job"]
    autocomplete_fields = ["user", "job"]


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    """Looked at here. Candidates are added on a job's pipeline, by import or
    through the API, and changed through the API or by an ATS (`candidate_create`,
    `candidate_update`: checked and audited); their retention date is set and
    their data exported or erased on the candidate's privacy page, which keeps
    the erasure's rules and its record. An edit here would do none of that."""

    list_display = [
        "last_name",
        "first_name",
        "email",
        "preferred_language",
        "retention_until",
        "erased_at",
    ]
    list_filter = ["preferred_language", "erased_at"]
    search_fields = ["first_name", "last_name", "email", "external_id"]

    def view_on_site(self, obj: Candidate) -> str:
        return reverse("privacy:candidate", args=[obj.pk])


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Looked at here. An application is created on the job's pipeline, by
    import or through the API; its stage and decision change through
    `application_decide` on the application's page (reasoned, audited and
    announced to integrations, refused on a closed job or application) and it
    never moves to another job. An edit here would skip all of that."""

    list_display = ["candidate", "job", "stage", "decision", "decided_at"]
    list_filter = ["stage", "decision", "job"]
    search_fields = [
        "candidate__first_name",
        "candidate__last_name",
        "candidate__email",
        "job__title",
        "external_id",
    ]
    list_select_related = ["candidate", "job"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only: it can be read here, never written."""

    list_display = ["at", "action", "actor", "job", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__username", "job__title"]
    list_select_related = ["actor", "job"]
    date_hierarchy = "at"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # An id also finds the rows that list it among others (an integration's
        # read of a page of results names them all in one row).
        term = search_term.strip()
        if term.isascii() and term.isdigit():
            found |= queryset.filter(pk__in=audit_events_naming([term]).values("pk"))
        return found, may_have_duplicates


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "created_at", "relayed_at"]
    list_filter = ["type", ("relayed_at", admin.EmptyFieldListFilter)]
    search_fields = ["type"]
    readonly_fields = ["type", "created_at", "payload", "relayed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # An event not yet relayed is a webhook still owed to a subscriber. The
        # bulk delete action asks this for every selected row and refuses the
        # whole selection if one of them is not relayed.
        if obj is not None and obj.relayed_at is None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]
    search_fields = ["worker"]
    readonly_fields = ["worker", "seen_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are added, rotated and tested on the webhook settings page, which
    shows a secret once without keeping it anywhere; here they are looked up.
    ``api_key`` is the key that registered one through the API (empty: an
    administrator added it)."""

    list_display = [
        "name",
        "url",
        "api_key",
        "enabled",
        "disabled_reason",
        "failure_streak",
    ]
    list_filter = [
        "enabled",
        "disabled_reason",
        ("api_key", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["api_key"]
    search_fields = ["name", "url", "api_key__name", "api_key__prefix"]
    fields = [
        "name",
        "url",
        "events",
        "api_key",
        "enabled",
        "disabled_reason",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Deleting here goes through the service, so that it is audited too.
    def delete_model(self, request, obj) -> None:
        endpoint_delete(endpoint=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for endpoint in queryset:
            endpoint_delete(endpoint=endpoint, actor=request.user)


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "duration_ms", "error", "response_excerpt"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["message_id"]
    list_select_related = ["endpoint"]
    inlines = [WebhookAttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "delivery", "status_code", "duration_ms", "error"]
    list_filter = ["status_code"]
    list_select_related = ["delivery__endpoint"]


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    """axes' failed sign-ins; deleting one lifts its lockout, which is audited."""

    def delete_model(self, request, obj) -> None:
        login_lockout_lift_record(
            actor=request.user, username=obj.username, ip_address=obj.ip_address
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for attempt in queryset:
            login_lockout_lift_record(
                actor=request.user,
                username=attempt.username,
                ip_address=attempt.ip_address,
            )
        super().delete_queryset(request, queryset)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin; granting or taking away administrator, staff or active
    status is audited, since it decides who sees candidates' results.

    Staff allowed to edit accounts who are not administrators themselves can
    neither grant administrator status, groups or permissions (their own
    included) nor change an administrator's account (its password included):
    either would make them an administrator.
    """

    ADMINISTRATORS_ONLY = ("is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.ADMINISTRATORS_ONLY if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        previous = (
            user_access(User.objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            user_access_audit(actor=request.user, user=obj, previous=previous)


class ApiKeyCreationForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(AdverseImpactAlert)
class AdverseImpactAlertAdmin(ReadOnlyAdmin):
    """Which months' adverse impact emails went out: counts only, no figures."""

    list_display = ["month", "sent_at", "flagged", "recipients", "claimed_at"]
    fields = ["month", "claimed_at", "sent_at", "flagged", "recipients"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    """The first responses to POSTs sent with an Idempotency-Key, kept 24 hours."""

    list_display = ["created_at", "api_key", "key", "response_status"]
    search_fields = ["key", "api_key__prefix"]
    list_select_related = ["api_key"]
    fields = ["api_key", "key", "fingerprint", "response_status", "created_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created here (the secret is shown once, on the page that follows),
    listed and revoked; never edited, never deleted, so their use stays traceable."""

    list_display = [
        "name",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = [
        "name",
        "prefix",
        "scope_list",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        # A key reads every team's jobs and candidates its scopes cover, as the
        # webhook pages (administrators only) configure every team's deliveries:
        # a permission granted to staff does not stretch that far.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        api_key, raw_key = api_key_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        obj.pk = api_key.pk
        obj.prefix = api_key.prefix
        obj.name = api_key.name
        obj.scopes = api_key.scopes
        obj.raw_key = raw_key

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing relates to a key."""

    def response_add(self, request, obj, post_url_continue=None):
        # Shown on this response only: never put in a message (the session) or a URL.
        response = TemplateResponse(
            request,
            "admin/hiring/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("API key created"),
                "api_key": obj,
                "raw_key": obj.raw_key,
                "changelist_url": reverse("admin:hiring_apikey_changelist"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset) -> None:
        revoked = sum(
            api_key_revoke(api_key=api_key, actor=request.user) for api_key in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


@admin.register(AtsCallback)
class AtsCallbackAdmin(ReadOnlyAdmin):
    """Calls an ATS asked for when a result is ready (Greenhouse's PATCH)."""

    list_display = [
        "created_at",
        "provider",
        "reference",
        "invitation_id",
        "status",
        "attempts",
        "last_status_code",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["reference"]


@admin.register(AtsErrorReport)
class AtsErrorReportAdmin(ReadOnlyAdmin):
    """Errors an ATS reported about Criba's answers (Greenhouse's response_error)."""

    list_display = ["received_at", "provider", "reference"]
    list_filter = ["provider"]
    search_fields = ["reference"]
    readonly_fields = ["received_at", "provider", "reference", "body"]


@admin.register(TaskRetry)
class TaskRetryAdmin(admin.ModelAdmin):
    """Retries waiting for their due time; the sweeper sends and deletes them."""

    list_display = ["task", "retries", "due_at", "created_at"]
    list_filter = ["task"]
    readonly_fields = ["task", "args", "kwargs", "retries", "due_at", "error"]
    ordering = ["due_at"]

    def has_add_permission(self, request) -> bool:
        return False


class QuotaAttainmentInline(ReadOnlyInline):
    model = QuotaAttainment
    fields = ["year", "quarter", "attainment_percent"]


@admin.register(HireOutcome)
class HireOutcomeAdmin(ReadOnlyAdmin):
    """What became of each hire. Recorded on the hire's page, from a CSV file or
    through the API (one service, audited and announced), so never edited here."""

    list_display = [
        "application",
        "start_date",
        "manager_name",
        "team",
        "leaving_date",
        "performance_rating",
        "updated_at",
    ]
    list_filter = ["leaving_reason", "performance_rating"]
    search_fields = ["manager_name", "team", "application__external_id"]
    list_select_related = ["application__candidate", "application__job"]
    inlines = [QuotaAttainmentInline]


@admin.register(QuotaAttainment)
class QuotaAttainmentAdmin(ReadOnlyAdmin):
    list_display = ["outcome", "year", "quarter", "attainment_percent"]
    list_filter = ["year", "quarter"]
    list_select_related = [
        "outcome__application__candidate",
        "outcome__application__job",
    ]


admin.site.site_header = _("Criba administration")
admin.site.site_title = _("Criba")
