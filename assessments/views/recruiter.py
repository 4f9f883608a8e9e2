"""Recruiter pages that combine hiring and assessment data.

Thin: each view reads through `assessments.reports` (which checks what the user
may do on the job and audits report reads) or calls a service, and renders.
Domain errors that a view does not turn into a form message are rendered by
`hiring.problems.DomainErrorMiddleware`: 404 to someone with no role on the job
(never a hint that it exists), 403 to a team member whose role does not allow it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessments import services
from assessments.charts import ChartLabels, ChartScale, scale_profile_svg
from assessments.development import (
    development_plan_blocked,
    development_plan_shared_with,
    development_plan_summary,
)
from assessments.forms import LANGUAGE_NAMES
from assessments.interview_selectors import interviews_of_application
from assessments.models import AssessmentPlan, Invitation
from assessments.reports import (
    ApplicationOverview,
    ScaleRow,
    application_overview,
    application_report,
    application_report_build,
    questionnaire_report,
)
from assessments.tokens import invitation_link
from hiring.errors import Conflict, DomainError, Invalid, NotFound
from hiring.forms import DecisionForm, ExtendForm, InvitationForm
from hiring.models import RETENTION_CHECKPOINTS, Capability, Job, Stage
from hiring.outcome_forms import HireOutcomeForm, quota_formset, quotas_from
from hiring.outcome_selectors import outcome_of_application
from hiring.outcome_services import hire_outcome_record, outcome_require_hired
from hiring.problems import problem_status
from hiring.services import application_decide
from hiring.views.jobs import form_errors_from

# --- job ---------------------------------------------------------------------------


# --- application -------------------------------------------------------------------


def _invitation_days(job: Job) -> int:
    plan = AssessmentPlan.objects.filter(job=job).only("invitation_days").first()
    return plan.invitation_days if plan else settings.CRIBA_INVITATION_DAYS


def _back(request: HttpRequest, application_id: int) -> HttpResponse:
    """To the page the form was on (e.g. the report), else the application page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("results:application_detail", pk=application_id)


def _render_application(
    request: HttpRequest,
    overview: ApplicationOverview,
    *,
    invite_form: InvitationForm | None = None,
    decision_form: DecisionForm | None = None,
    outcome_form: HireOutcomeForm | None = None,
    quotas=None,
    quota_errors: list[str] | None = None,
    error: str = "",
    status: int = 200,
    audited: bool = False,
) -> HttpResponse:
    """``audited``: the page is read (a GET), so showing the combined report is a
    report view for the audit log; a form shown again after bad input is not."""
    application = overview.application
    report = None
    if overview.can_view_results:
        report = (
            application_report(user=request.user, application_id=application.pk)
            if audited
            else application_report_build(
                application, user=request.user, capabilities=overview.capabilities
            )
        )
    closed = overview.closed_to_new_steps
    if overview.can_invite and invite_form is None and not closed:
        invite_form = InvitationForm(
            initial={
                "language": application.candidate.preferred_language,
                "extra_time_percent": 0,
                "expires_in_days": _invitation_days(application.job),
            }
        )
    # A closed application or job takes no decision: the reason replaces the form,
    # and stands out when it answers a form sent from an older page.
    decision_closed = application.closed_to_decisions if overview.can_decide else ""
    decision_refused = bool(decision_closed and decision_form is not None)
    if decision_closed:
        decision_form = None
    elif overview.can_decide and decision_form is None:
        decision_form = DecisionForm()
    can_develop = (
        Capability.DEVELOPMENT in overview.capabilities
        and application.stage == Stage.HIRED
    )
    development_plan = (
        development_plan_summary(application=application) if can_develop else None
    )
    for invitation in application.invitations_newest_first:
        # Derived from the server's key each time: never stored, never in a session.
        invitation.link = invitation_link(invitation) if invitation.can_manage else None
    outcome_context = _outcome_context(
        overview,
        form=outcome_form,
        quotas=quotas,
        quota_errors=quota_errors or [],
    )
    return render(
        request,
        "assessments/application_detail.html",
        {
            "application": application,
            "job": application.job,
            "candidate": application.candidate,
            "invitations": application.invitations_newest_first,
            "history": overview.history,
            "can_view_results": overview.can_view_results,
            "can_manage_personal_data": (
                Capability.PERSONAL_DATA in overview.capabilities
            ),
            "invite_form": invite_form if overview.can_invite and not closed else None,
            "closed_to_new_steps": closed if overview.can_invite else "",
            "decision_form": decision_form if overview.can_decide else None,
            "decision_closed": decision_closed,
            "decision_refused": decision_refused,
            "extend_form": ExtendForm() if overview.can_invite else None,
            "error": error,
            "interviews": interviews_of_application(application_id=application.pk),
            "can_schedule": overview.can_invite and not closed,
            "report": report,
            "can_develop": can_develop,
            "development_plan": development_plan,
            # Why the button to generate one is not offered (a leaver, say).
            "development_blocked": (
                development_plan_blocked(application=application)
                if can_develop and development_plan is None
                else ""
            ),
            # The hire's line manager reaches the plan the hire shared with them.
            "shared_plan": (
                development_plan_shared_with(application=application, user=request.user)
                if not can_develop and application.stage == Stage.HIRED
                else None
            ),
            **outcome_context,
        },
        status=status,
    )


def _outcome_context(overview: ApplicationOverview, *, form, quotas, quota_errors):
    """The "Outcome" section: for holders of OUTCOMES, on a hired application (or
    one whose outcome was recorded before its stage changed)."""
    if Capability.OUTCOMES not in overview.capabilities:
        return {"show_outcome": False}
    application = overview.application
    outcome = outcome_of_application(application=application)
    hired = application.stage == Stage.HIRED
    if not hired and outcome is None:
        return {"show_outcome": False}
    if hired and form is None:
        form = HireOutcomeForm(job=application.job, outcome=outcome)
        quotas = quota_formset(outcome=outcome)
    return {
        "show_outcome": True,
        "outcome": outcome,
        "retention": (
            [
                {
                    "days": days,
                    "employed": getattr(outcome, f"employed_{days}"),
                    "on": outcome.start_date + timedelta(days=days),
                }
                for days in RETENTION_CHECKPOINTS
            ]
            if outcome
            else []
        ),
        "outcome_form": form if hired else None,
        "quota_formset": quotas if hired else None,
        "quota_errors": quota_errors,
    }


@require_safe
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    overview = application_overview(user=request.user, application_id=pk)
    return _render_application(request, overview, audited=True)


@require_POST
@login_required
def application_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Create an invitation; its link is shown on the application page and emailed."""
    overview = application_overview(
        user=request.user, application_id=pk, capability=Capability.INVITE
    )
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_application(request, overview, invite_form=form, status=400)
    try:
        services.invitation_create(
            application=overview.application,
            user=request.user,
            language=form.cleaned_data["language"],
            extra_time_percent=form.cleaned_data["extra_time_percent"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except DomainError as problem:
        form.add_error(None, problem.message)
        return _render_application(
            request, overview, invite_form=form, status=problem_status(problem)
        )
    messages.success(
        request,
        _(
            "Invitation created; the email is on its way. The candidate's link is "
            "on the application page if you want to hand it over yourself."
        ),
    )
    return _back(request, pk)


@require_POST
@login_required
def application_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    overview = application_overview(
        user=request.user, application_id=pk, capability=Capability.DECIDE
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_application(request, overview, decision_form=form, status=400)
    try:
        application_decide(
            application=overview.application,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            seen_stage=form.cleaned_data["stage"] or None,
        )
    except DomainError as problem:
        if isinstance(problem, Conflict):
            # Show the application as it is now, whatever changed it meanwhile.
            overview = application_overview(
                user=request.user, application_id=pk, capability=Capability.DECIDE
            )
        form.add_error(None, problem.message)
        return _render_application(
            request, overview, decision_form=form, status=problem_status(problem)
        )
    messages.success(request, _("Decision recorded."))
    return _back(request, pk)


@require_POST
@login_required
def application_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or change the hire's outcome (holders of OUTCOMES on the job)."""
    overview = application_overview(
        user=request.user, application_id=pk, capability=Capability.OUTCOMES
    )
    application = overview.application
    outcome_require_hired(application)
    outcome = outcome_of_application(application=application)
    form = HireOutcomeForm(request.POST, job=application.job, outcome=outcome)
    quotas = quota_formset(outcome=outcome, data=request.POST)
    forms_valid = form.is_valid() & quotas.is_valid()
    if forms_valid:
        try:
            recorded = hire_outcome_record(
                application=application,
                by=request.user,
                start_date=form.cleaned_data["start_date"],
                manager_name=form.cleaned_data["manager_name"],
                team=form.cleaned_data["team"],
                manager=form.cleaned_data["manager"],
                leaving_date=form.cleaned_data["leaving_date"],
                leaving_reason=form.cleaned_data["leaving_reason"],
                performance_rating=form.cleaned_data["performance_rating"],
                rated_on=form.cleaned_data["rated_on"],
                quotas=quotas_from(quotas, outcome=outcome),
            )
        except DomainError as problem:
            quota_errors = problem.fields.pop("quotas", [])
            if problem.fields or not quota_errors:
                form_errors_from(form, problem)
            return _render_application(
                request,
                overview,
                outcome_form=form,
                quotas=quotas,
                quota_errors=quota_errors,
                status=problem_status(problem),
            )
        if recorded.created:
            messages.success(request, _("Outcome recorded."))
        elif recorded.changed:
            messages.success(request, _("Outcome updated."))
        else:
            messages.info(request, _("Nothing changed in the outcome."))
        return redirect(
            reverse("results:application_detail", args=[pk]) + "#outcome-heading"
        )
    return _render_application(
        request, overview, outcome_form=form, quotas=quotas, status=400
    )


def _invitation_for(request: HttpRequest, pk: int):
    """The invitation's application overview and the invitation, for a user who
    may invite on its job."""
    application_id = (
        Invitation.objects.filter(pk=pk)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is None:
        raise NotFound(_("There is no such page."))
    overview = application_overview(
        user=request.user, application_id=application_id, capability=Capability.INVITE
    )
    invitation = next(
        i for i in overview.application.invitations_newest_first if i.pk == pk
    )
    return overview, invitation


def _invitation_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    """Run an invitation service for a user who may invite on its job; a domain
    error is shown on the application page."""
    overview, invitation = _invitation_for(request, pk)
    try:
        message = action(invitation)
    except DomainError as problem:
        return _render_application(
            request, overview, error=problem.message, status=problem_status(problem)
        )
    messages.success(request, message)
    return redirect("results:application_detail", pk=overview.application.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke an invitation, once confirmed: its link stops working at once, so
    the GET (and a POST without ``confirm``, from an older page) only says what
    will happen and asks."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":

        def revoke(invitation: Invitation) -> str:
            services.invitation_revoke(invitation=invitation, user=request.user)
            return _("Invitation revoked; its link no longer works.")

        return _invitation_action(request, pk, revoke)
    overview, invitation = _invitation_for(request, pk)
    if not invitation.can_revoke:
        # Submitted, expired or already revoked: nothing to ask; the
        # application's page shows where it stands.
        return redirect("results:application_detail", pk=overview.application.pk)
    return render(
        request,
        "assessments/invitation_revoke.html",
        {
            "application": overview.application,
            "candidate": overview.application.candidate,
            "job": overview.application.job,
            "invitation": invitation,
        },
    )


@require_POST
@login_required
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    def resend(invitation: Invitation) -> str:
        services.invitation_resend(invitation=invitation, user=request.user)
        return _("The invitation email is on its way again.")

    return _invitation_action(request, pk, resend)


@require_POST
@login_required
def invitation_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ExtendForm(request.POST)

    def extend(invitation: Invitation) -> str:
        if not form.is_valid():
            raise Invalid(
                " ".join(e for errors in form.errors.values() for e in errors)
            )
        invitation = services.invitation_extend(
            invitation=invitation, user=request.user, days=form.cleaned_data["days"]
        )
        return _("The link now works until %(date)s.") % {
            "date": invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        }

    return _invitation_action(request, pk, extend)


# --- result ------------------------------------------------------------------------


def _chart(rows: list[ScaleRow]) -> str:
    labels = ChartLabels(
        title=_("Scale profile"),
        description=_(
            "T scores (mean 50, standard deviation 10) with their 95 % bands. The "
            "shaded area is the average range, T 40 to 60."
        ),
        missing=_("not scored (too few answers)"),
        lower_is_better=_("lower is better"),
        axis=_("T score"),
        point=_("T {t}, 95 % band {low} to {high}"),
    )
    scales = [
        ChartScale(
            key=row.key,
            name=row.name,
            t=None if row.missing else row.t,
            t_low=row.t_low,
            t_high=row.t_high,
            lower_is_better=row.lower_is_better,
        )
        for row in rows
    ]
    # Every text in the SVG is escaped by the chart function.
    return mark_safe(scale_profile_svg(scales, labels=labels))  # noqa: S308


def _report_forms(report) -> dict:
    """The decision form and "invite again" of the report's own page."""
    application = report.application
    forms = {
        "decision_form": None,
        "decision_closed": "",
        "invite_form": None,
        "invite_blocked": "",
    }
    if Capability.DECIDE in report.capabilities:
        forms["decision_closed"] = application.closed_to_decisions
        if not forms["decision_closed"]:
            forms["decision_form"] = DecisionForm()
    if Capability.INVITE in report.capabilities:
        invitation = report.result.invitation
        forms["invite_form"] = InvitationForm(
            initial={
                "language": invitation.language,
                "extra_time_percent": invitation.extra_time_percent,
                "expires_in_days": _invitation_days(application.job),
            }
        )
        if application.stage in services.CLOSED_STAGES:
            forms["invite_blocked"] = _("This application is closed.")
        elif application.job.status != Job.Status.OPEN:
            forms["invite_blocked"] = _("The job is not open.")
        elif application.invitations.filter(
            status__in=Invitation.OPEN_STATUSES
        ).exists():
            forms["invite_blocked"] = _(
                "An invitation is already open; see the application page."
            )
    return forms


@require_safe
@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The recruiter's report on one questionnaire result; every view is audited.

    Plain words first: an invalid result says so, with what to do, and shows no
    band, composite or profile; a questionable one shows its caution beside the
    band. The decision and "invite again" are on the page.
    """
    report = questionnaire_report(user=request.user, result_id=pk)
    return render(
        request,
        "assessments/result_detail.html",
        {
            "report": report,
            "result": report.result,
            "application": report.application,
            "job": report.job,
            "candidate": report.candidate,
            "rows": report.rows,
            "chart": "" if report.is_invalid else _chart(report.rows),
            "flags": report.flags,
            "checks": report.checks,
            "validity_label": report.validity_label,
            "band_label": report.band_label,
            "contributions": report.contributions,
            "band_sentences": report.band_sentences,
            "nearest_cut": report.nearest_cut,
            "nearest_cut_label": report.nearest_cut_label,
            "distance_to_cut": report.distance_to_cut,
            "provisional": report.provisional,
            "judgement": report.validity_rule,
            "language_name": LANGUAGE_NAMES.get(
                report.taken_language, report.taken_language
            ),
            "back_here": request.path,
            **_report_forms(report),
        },
    )
