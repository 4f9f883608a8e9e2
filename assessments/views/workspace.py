"""The recruiter's workspace on the assessment side: a job's pipeline (filters,
search, sort, pages, several invited at once) and its assessment plan.

Thin: each view reads through a read model (`assessments.pipeline`,
`assessments.plans`) or calls a service, and renders. Domain errors it does not
turn into a form message are rendered by the error middleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessments import services
from assessments.forms import PlanForm
from assessments.labels import band_label
from assessments.models import InstrumentVersion, Invitation, Rubric
from assessments.pipeline import BANDS, PipelineFilters, job_pipeline_page
from assessments.plans import (
    CUT_KEYS,
    PlanValues,
    assessment_plan_save,
    plan_check,
    plan_cuts,
    plan_parts_meaning,
    plan_preview,
    plan_scales,
    plan_values,
)
from hiring.errors import DomainError, Invalid
from hiring.models import Capability, Stage
from hiring.selectors import job_for_user


def _language() -> str:
    return (translation.get_language() or "en")[:2]


@require_safe
@login_required
def job_pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's applications by stage, filtered, searched, sorted, paginated."""
    filters = PipelineFilters.from_query(request.GET)
    pipeline = job_pipeline_page(user=request.user, job_id=pk, filters=filters)
    return render(
        request,
        "assessments/job_detail.html",
        {
            "pipeline": pipeline,
            "job": pipeline.job,
            "capabilities": pipeline.capabilities,
            "applications": pipeline.applications,
            "can_view_results": pipeline.can_view_results,
            "filters": filters,
            "tab": "pipeline",
            "all_stages_query": filters.query(stage=""),
            "stage_tabs": [
                (stage, filters.query(stage=stage.value)) for stage in pipeline.stages
            ],
            "page_query": filters.query(),
            "stage_choices": Stage.choices,
            "band_choices": [(key, band_label(key)) for key in BANDS],
            "validity_choices": [
                ("valid", _("Valid")),
                ("questionable", _("Questionable")),
                ("invalid", _("Invalid")),
                ("none", _("No result yet")),
            ],
            "invitation_choices": [
                ("none", _("Not invited")),
                *Invitation.Status.choices,
            ],
            "sort_choices": [
                ("newest", _("Newest first")),
                ("oldest", _("Oldest first")),
                ("name", _("Last name")),
                ("composite", _("Composite, highest first")),
                ("stage", _("Stage")),
            ],
        },
    )


@require_POST
@login_required
def job_invite_many(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the selected applications at once; each gets its own link and email."""
    job, _capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.INVITE
    )
    raw = request.POST.getlist("application")
    if any(not (value.isascii() and value.isdigit()) for value in raw):
        raise Invalid(
            _("The selection is not valid."),
            code="bad_selection",
            fields={"application": [_("Not an application of this job.")]},
        )
    created, refused = services.invitations_create_many(
        job=job, application_ids=[int(value) for value in raw], user=request.user
    )
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)s candidate invited; each gets their own link by email.",
                "%(count)s candidates invited; each gets their own link by email.",
                len(created),
            )
            % {"count": len(created)},
        )
    for refusal in refused:
        messages.warning(
            request,
            _("%(name)s was not invited: %(reason)s")
            % {
                "name": refusal.application.candidate.full_name,
                "reason": refusal.reason,
            },
        )
    # Back to the same filters, rebuilt from their parsed values.
    try:
        back = PipelineFilters.from_query(QueryDict(request.POST.get("back", "")))
    except Invalid:
        back = PipelineFilters()
    response = redirect("results:job_detail", pk=job.pk)
    if back.query():
        response["Location"] += "?" + back.query()
    return response


def _plan_form(job, values: PlanValues, data=None) -> PlanForm:
    versions = InstrumentVersion.objects.select_related("instrument").order_by(
        "instrument__slug", "-version"
    )
    version = values.version
    raw_version = str(data.get("version", "")) if data is not None else ""
    if raw_version.isascii() and raw_version.isdigit():
        version = versions.filter(pk=int(data["version"])).first() or version
    shown = PlanValues(
        version=version,
        language=values.language,
        importances=values.importances,
        cuts=values.cuts,
        invitation_days=values.invitation_days,
    )
    initial = {
        "version": values.version.pk,
        "language": values.language,
        "invitation_days": values.invitation_days,
        "rubric": values.rubric.pk if values.rubric else None,
        "questionnaire_weight": f"{values.questionnaire_weight:.2f}",
        "interview_weight": f"{values.interview_weight:.2f}",
        **{f"weight_{k}": f"{v:.2f}" for k, v in values.importances.items()},
        **{f"cut_{k}": f"{v:.2f}" for k, v in values.cuts.items()},
    }
    return PlanForm(
        data,
        initial=initial,
        versions=versions,
        rubrics=Rubric.objects.order_by("name").prefetch_related("versions"),
        scales=plan_scales(shown, _language()),
        cut_labels=[(key, band_label(key)) for key in CUT_KEYS],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def job_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan of the job, its meaning in words and a preview of how typical
    profiles would band; Preview shows a change before Save keeps it."""
    job, capabilities = job_for_user(
        user=request.user, job_id=pk, capability=Capability.MANAGE_JOB
    )
    values = plan_values(job)
    if values is None:
        raise DomainError(
            _("No questionnaire is loaded; an administrator runs load_instruments."),
            code="no_instrument",
        )
    form = _plan_form(job, values, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = PlanValues(
                version=form.cleaned_data["version"],
                language=form.cleaned_data["language"],
                importances=form.weights(),
                cuts=form.cuts(),
                invitation_days=form.cleaned_data["invitation_days"],
                rubric=form.cleaned_data["rubric"],
                questionnaire_weight=float(form.cleaned_data["questionnaire_weight"]),
                interview_weight=float(form.cleaned_data["interview_weight"]),
            )
            problems = plan_check(values)
            if request.POST.get("action") == "save" and not problems:
                assessment_plan_save(job=job, user=request.user, values=values)
                messages.success(request, _("Assessment plan saved."))
                return redirect("results:job_plan", pk=job.pk)
            for name, texts in problems.items():
                for text in texts:
                    form.add_error(None if name in ("weights", "cuts") else name, text)
            status = 400 if problems else 200
        else:
            status = 400
    language = _language()
    return render(
        request,
        "assessments/job_plan.html",
        {
            "job": job,
            "capabilities": capabilities,
            "tab": "plan",
            "form": form,
            "scales": plan_scales(values, language),
            "cuts": plan_cuts(values),
            "previews": plan_preview(values, language),
            "parts_meaning": plan_parts_meaning(values),
            "has_plan": hasattr(job, "assessment_plan"),
        },
        status=status,
    )


@require_safe
@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    """What composite, T score, 95 % band and sten mean, in a few plain words."""
    return render(request, "assessments/glossary.html")
