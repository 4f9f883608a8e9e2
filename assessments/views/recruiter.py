"""Recruiter pages that combine hiring and assessment data.

Every page needs a login. Whoever holds no role on the job gets 404 (never a hint
that it exists); a team member whose role lacks the capability gets 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from assessments.charts import ChartLabels, ChartScale, scale_profile_svg
from assessments.models import AssessmentPlan, Invitation, QuestionnaireResult
from assessments.selectors import (
    application_with_invitations,
    applications_with_latest_results,
    interviews_of,
    results_on_jobs_of,
)
from assessments.services import invitation_create, invitation_revoke, invitation_url
from assessments.statistics import (
    band_explanation_text,
    composite_sem,
    results_compare,
)
from hiring.forms import DecisionForm, InvitationForm
from hiring.models import (
    ROLE_CAPABILITIES,
    Application,
    AuditEvent,
    Capability,
    Job,
)
from hiring.selectors import (
    decision_history,
    job_role,
    jobs_visible_to,
    user_is_administrator,
)
from hiring.services import DomainError, application_decide, audit_record

# --- permissions -------------------------------------------------------------------


def _capabilities(user, job: Job) -> frozenset[str]:
    """What the user may do on the job, with one query at most."""
    if user_is_administrator(user):
        return frozenset(Capability.values)
    role = job_role(user=user, job=job)
    return ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset()


def _require(capabilities: frozenset[str], capability: str) -> None:
    if capability not in capabilities:
        raise PermissionDenied


# --- labels ------------------------------------------------------------------------


def band_label(key: str) -> str:
    labels = {
        "strong_fit": _("Strong fit"),
        "fit": _("Fit"),
        "borderline": _("Borderline"),
        "not_recommended": _("Not recommended"),
    }
    return labels.get(key) or key.replace("_", " ").capitalize()


def validity_status_label(key: str) -> str:
    labels = {
        "valid": _("Valid"),
        "questionable": _("Questionable"),
        "invalid": _("Invalid"),
    }
    return labels.get(key) or key.replace("_", " ").capitalize()


# The agreed shape says "long_string"; the engine stores "longstring".
_INDEX_ALIASES = {"longstring": "long_string"}


def validity_index_label(name: str) -> str:
    name = _INDEX_ALIASES.get(name, name)
    labels = {
        "long_string": _("Same answer in a row"),
        "irv": _("Variability of the answers"),
        "even_odd": _("Even-odd consistency"),
        "mahalanobis": _("Unusual answer pattern"),
        "speed": _("Answering speed"),
        "instructed": _("Instruction items"),
        "infrequency": _("Implausible statements"),
        "impression": _("Favourable self-description"),
        "consistency": _("Pairs of statements with the same meaning"),
    }
    return labels.get(name) or name.replace("_", " ").capitalize()


def _count(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


def validity_sentence(name: str, value) -> str:
    """One plain sentence that says what a raised validity flag means."""
    name = _INDEX_ALIASES.get(name, name)
    n = _count(value)
    if name == "long_string" and n is not None:
        return ngettext(
            "Gave the same answer to %(n)s statement in a row.",
            "Gave the same answer to %(n)s statements in a row.",
            n,
        ) % {"n": n}
    if name == "instructed" and n is not None:
        return ngettext(
            "Missed %(n)s instruction such as “choose Agree for this statement”.",
            "Missed %(n)s instructions such as “choose Agree for this statement”.",
            n,
        ) % {"n": n}
    if name == "infrequency" and n is not None:
        return ngettext(
            "Agreed with %(n)s statement that almost nobody can truthfully agree with.",
            "Agreed with %(n)s statements that almost nobody can truthfully agree "
            "with.",
            n,
        ) % {"n": n}
    if name == "impression" and n is not None:
        return ngettext(
            "Gave %(n)s extremely favourable answer to statements that detect an "
            "overly positive self-description.",
            "Gave %(n)s extremely favourable answers to statements that detect an "
            "overly positive self-description.",
            n,
        ) % {"n": n}
    sentences = {
        "long_string": _("Gave the same answer to many statements in a row."),
        "irv": _(
            "Answers varied very little across the questionnaire, as if given "
            "without reading the statements."
        ),
        "even_odd": _(
            "Answered statements of the same scale differently in the two halves "
            "of the questionnaire."
        ),
        "mahalanobis": _(
            "Gave a pattern of answers that is very unusual compared with the norm "
            "group."
        ),
        "speed": _(
            "Answered at least one page faster than 2 seconds per statement, too "
            "fast to read them."
        ),
        "instructed": _(
            "Missed instructions such as “choose Agree for this statement”."
        ),
        "infrequency": _(
            "Agreed with statements that almost nobody can truthfully agree with."
        ),
        "impression": _(
            "Gave many extremely favourable answers to statements that detect an "
            "overly positive self-description."
        ),
        "consistency": _(
            "Gave contradictory answers to pairs of statements that mean the same "
            "thing."
        ),
    }
    return sentences.get(name) or _("The “%(name)s” check was flagged.") % {
        "name": name
    }


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


# --- job ---------------------------------------------------------------------------


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's applications with their latest invitation and current result."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    capabilities = _capabilities(request.user, job)
    _require(capabilities, Capability.VIEW_APPLICATIONS)
    applications = applications_with_latest_results(job=job)
    for application in applications:
        result = application.current_result
        application.band_label = band_label(result.band) if result else ""
        application.validity_label = (
            validity_status_label(result.validity_status) if result else ""
        )
    # The SED rule: composites closer than 1.96 SED are shown as one group,
    # not ranked apart.
    by_result = {a.current_result.pk: a for a in applications if a.current_result}
    for standing in results_compare(a.current_result for a in by_result.values()):
        application = by_result[standing.key.pk]
        application.standing = standing
        application.peers = [
            by_result[other.pk].candidate.full_name
            for other in standing.indistinguishable_from
        ]
    return render(
        request,
        "assessments/job_detail.html",
        {
            "job": job,
            "applications": applications,
            "can_view_results": Capability.VIEW_RESULTS in capabilities,
        },
    )


# --- application -------------------------------------------------------------------


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    application = application_with_invitations(application_id=pk, user=request.user)
    if application is None:
        raise Http404
    return application


def _invitation_days(job: Job) -> int:
    plan = AssessmentPlan.objects.filter(job=job).only("invitation_days").first()
    return plan.invitation_days if plan else settings.CRIBA_INVITATION_DAYS


_OPEN_STATUSES = {
    Invitation.Status.CREATED,
    Invitation.Status.SENT,
    Invitation.Status.OPENED,
    Invitation.Status.IN_PROGRESS,
}


def _render_application(
    request: HttpRequest,
    application: Application,
    capabilities: frozenset[str],
    *,
    invite_form: InvitationForm | None = None,
    decision_form: DecisionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    can_invite = Capability.INVITE in capabilities
    if can_invite and invite_form is None:
        invite_form = InvitationForm(
            initial={
                "language": application.candidate.preferred_language,
                "extra_time_percent": 0,
                "expires_in_days": _invitation_days(application.job),
            }
        )
    can_decide = Capability.DECIDE in capabilities
    if can_decide and decision_form is None:
        decision_form = DecisionForm()
    for invitation in application.invitations_newest_first:
        invitation.can_revoke = can_invite and invitation.status in _OPEN_STATUSES
    decisions = dict(Application.Decision.choices)
    history = list(decision_history(application=application))
    for event in history:
        decision = event.data.get("decision", "")
        event.decision_label = decisions.get(decision, decision)
    return render(
        request,
        "assessments/application_detail.html",
        {
            "application": application,
            "job": application.job,
            "candidate": application.candidate,
            "invitations": application.invitations_newest_first,
            "history": history,
            "can_view_results": Capability.VIEW_RESULTS in capabilities,
            "invite_form": invite_form if can_invite else None,
            "decision_form": decision_form if can_decide else None,
            "error": error,
        },
        status=status,
    )


@require_safe
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    capabilities = _capabilities(request.user, application.job)
    _require(capabilities, Capability.VIEW_APPLICATIONS)
    return _render_application(request, application, capabilities)


@require_POST
@login_required
def application_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Create an invitation; its link is shown once, in a message, and emailed."""
    application = _application_or_404(request, pk)
    capabilities = _capabilities(request.user, application.job)
    _require(capabilities, Capability.INVITE)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_application(
            request, application, capabilities, invite_form=form, status=400
        )
    try:
        _invitation, token = invitation_create(
            application=application,
            user=request.user,
            language=form.cleaned_data["language"],
            extra_time_percent=form.cleaned_data["extra_time_percent"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except DomainError as problem:
        form.add_error(None, problem.message)
        return _render_application(
            request, application, capabilities, invite_form=form, status=problem.status
        )
    # The token is never stored in clear, so this message is the only place the
    # recruiter can copy the link from; the candidate also gets it by email.
    messages.success(request, invitation_url(token), extra_tags="invitation-link")
    return redirect("results:application_detail", pk=application.pk)


@require_POST
@login_required
def application_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    capabilities = _capabilities(request.user, application.job)
    _require(capabilities, Capability.DECIDE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_application(
            request, application, capabilities, decision_form=form, status=400
        )
    try:
        application_decide(
            application=application,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as problem:
        form.add_error(None, problem.message)
        return _render_application(
            request,
            application,
            capabilities,
            decision_form=form,
            status=problem.status,
        )
    messages.success(request, _("Decision recorded."))
    return redirect("results:application_detail", pk=application.pk)


@require_POST
@login_required
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("application"),
        pk=pk,
        application__job__in=jobs_visible_to(request.user).values("pk"),
    )
    application = _application_or_404(request, invitation.application_id)
    capabilities = _capabilities(request.user, application.job)
    _require(capabilities, Capability.INVITE)
    try:
        invitation_revoke(invitation=invitation, user=request.user)
    except DomainError as problem:
        return _render_application(
            request,
            application,
            capabilities,
            error=problem.message,
            status=problem.status,
        )
    messages.success(request, _("Invitation revoked; its link no longer works."))
    return redirect("results:application_detail", pk=application.pk)


# --- result ------------------------------------------------------------------------


def _scale_rows(result: QuestionnaireResult, language: str) -> list[dict]:
    version = result.invitation.instrument_version
    definitions = {s["key"]: s for s in version.definition.get("scales", [])}
    # The instrument's order first, then anything only the result knows.
    keys = [key for key in definitions if key in result.scales]
    keys += [key for key in result.scales if key not in definitions]
    rows = []
    for key in keys:
        data = result.scales[key] or {}
        rows.append(
            {
                "key": key,
                "name": version.scale_name(key, language),
                "lower_is_better": not definitions.get(key, {}).get(
                    "higher_is_better", True
                ),
                "missing": bool(data.get("missing")) or data.get("t") is None,
                "raw_mean": data.get("raw_mean"),
                "t": data.get("t"),
                "t_low": data.get("t_low"),
                "t_high": data.get("t_high"),
                "percentile": data.get("percentile"),
                "sten": data.get("sten"),
            }
        )
    return rows


def _chart(rows: list[dict]) -> str:
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
            key=row["key"],
            name=row["name"],
            t=None if row["missing"] else row["t"],
            t_low=row["t_low"],
            t_high=row["t_high"],
            lower_is_better=row["lower_is_better"],
        )
        for row in rows
    ]
    # Every text in the SVG is escaped by the chart function.
    return mark_safe(scale_profile_svg(scales, labels=labels))  # noqa: S308


def _contributions(result: QuestionnaireResult, language: str) -> list[dict]:
    version = result.invitation.instrument_version
    explanation = result.explanation or {}
    return [
        {
            "name": version.scale_name(item.get("scale", ""), language),
            "weight": item.get("weight"),
            "z": item.get("z"),
            "contribution": item.get("contribution"),
        }
        for item in explanation.get("contributions") or []
    ]


@require_safe
@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The recruiter's report on one questionnaire result; every view is audited."""
    result = get_object_or_404(results_on_jobs_of(request.user), pk=pk)
    application = result.invitation.application
    capabilities = _capabilities(request.user, application.job)
    _require(capabilities, Capability.VIEW_RESULTS)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=result,
        job=application.job,
        data={"application": application.pk, "invitation": result.invitation_id},
    )
    language = _language()
    rows = _scale_rows(result, language)
    explanation = result.explanation or {}
    validity = result.validity or {}
    checks = [
        {
            "name": name,
            "label": validity_index_label(name),
            "value": (data or {}).get("value"),
            "flag": bool((data or {}).get("flag")),
            "sentence": validity_sentence(name, (data or {}).get("value")),
        }
        for name, data in validity.items()
    ]
    version = result.invitation.instrument_version
    band_sentences = band_explanation_text(
        explanation,
        scale_name=lambda key: version.scale_name(key, language),
        band_name=band_label,
        sem=composite_sem(result.scales or {}, _contribution_weights(explanation)),
    )
    return render(
        request,
        "assessments/result_detail.html",
        {
            "result": result,
            "application": application,
            "job": application.job,
            "candidate": application.candidate,
            "rows": rows,
            "chart": _chart(rows),
            "flags": [check for check in checks if check["flag"]],
            "checks": checks,
            "validity_label": validity_status_label(result.validity_status),
            "band_label": band_label(result.band) if result.band else "",
            "contributions": _contributions(result, language),
            "band_sentences": band_sentences,
            "nearest_cut": explanation.get("nearest_cut"),
            "nearest_cut_label": band_label(explanation["nearest_cut_label"])
            if explanation.get("nearest_cut_label")
            else "",
            "distance_to_cut": explanation.get("distance_to_cut"),
            "provisional": result.norm_set.is_provisional,
            "application_url": reverse(
                "results:application_detail", args=[application.pk]
            ),
        },
    )


# --- interviews --------------------------------------------------------------------


def _contribution_weights(explanation: dict) -> dict[str, float]:
    return {
        item["scale"]: item["weight"]
        for item in explanation.get("contributions") or []
        if item.get("weight") is not None
    }


@require_safe
@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    """The interviews the user sits on: no applications, no results."""
    return render(
        request,
        "assessments/my_interviews.html",
        {"interviews": interviews_of(request.user)},
    )
