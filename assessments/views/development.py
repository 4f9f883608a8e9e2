"""Development plan pages: the hiring team's and the line manager's, and the hire's.

Staff pages read through ``development.development_plan_page``, which decides who
may see the plan (holders of DEVELOPMENT; the hire's line manager only while the
hire consents) and raises the usual NotFound / Forbidden otherwise.

The hire's link carries a token only on its landing page, like the candidate's:
a GET only looks, a POST trades the token for a session holding the plan's id and
redirects to a token-free URL; every response says ``Referrer-Policy:
no-referrer`` and is never cached (``candidate_view``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from assessments import development
from assessments.forms import CheckInForm, DevelopmentGenerateForm, PlanShareForm
from assessments.views.candidate import candidate_view
from hiring.errors import DomainError, NotFound
from hiring.models import Capability
from hiring.problems import problem_status
from hiring.selectors import job_require

# --- the hiring team and the line manager ------------------------------------------


def _page(request: HttpRequest, pk: int) -> development.PlanPage:
    return development.development_plan_page(user=request.user, application_id=pk)


def _require_manage(request: HttpRequest, page: development.PlanPage) -> None:
    if not page.can_manage:
        job_require(
            user=request.user,
            job=page.application.job,
            capability=Capability.DEVELOPMENT,
        )


def _check_in_forms(page: development.PlanPage, bound=None) -> list:
    rows = []
    for check_in in page.check_ins:
        if bound is not None and bound[0] == check_in.day:
            form = bound[1]
        else:
            form = CheckInForm(
                day=check_in.day,
                initial={
                    "notes": check_in.notes,
                    # The day it was held where the team is, as the service
                    # stores it (local midnight), not the day of its UTC time.
                    "held_on": (
                        timezone.localtime(check_in.done_at).date()
                        if check_in.done_at
                        else None
                    ),
                },
            )
        rows.append({"check_in": check_in, "form": form})
    return rows


def _render_plan(
    request: HttpRequest,
    page: development.PlanPage,
    *,
    bound=None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/development_plan.html",
        {
            "page": page,
            "application": page.application,
            "candidate": page.application.candidate,
            "job": page.application.job,
            "plan": page.plan,
            "rows": _check_in_forms(page, bound) if page.can_keep_check_ins else [],
            "generate_form": DevelopmentGenerateForm() if page.can_manage else None,
            "link": page.link,
            "error": error,
        },
        status=status,
    )


@require_safe
@login_required
def development_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_plan(request, _page(request, pk))


@require_safe
@login_required
def development_plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan on paper: no navigation, no forms, page breaks between parts."""
    page = _page(request, pk)
    if page.plan is None:
        raise NotFound(_("There is no such page."), code="not_found")
    # One language on paper: the plan's, which is the hire's.
    with translation.override(page.plan.language):
        return render(
            request,
            "assessments/development_plan_print.html",
            {
                "page": page,
                "plan": page.plan,
                "candidate": page.application.candidate,
                "job": page.application.job,
            },
        )


@require_POST
@login_required
def development_plan_generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    _require_manage(request, page)
    form = DevelopmentGenerateForm(request.POST)
    replace = form.is_valid() and form.cleaned_data["replace"]
    try:
        development.development_plan_generate(
            application=page.application, user=request.user, replace=replace
        )
    except DomainError as problem:
        return _render_plan(
            request, page, error=problem.message, status=problem_status(problem)
        )
    messages.success(request, _("Development plan generated."))
    return redirect("results:development_plan", pk=pk)


@require_POST
@login_required
def development_check_in_view(request: HttpRequest, pk: int, day: int) -> HttpResponse:
    page = _page(request, pk)
    check_in = next((c for c in page.check_ins if c.day == day), None)
    if check_in is None:
        raise NotFound(_("There is no such page."), code="not_found")
    form = CheckInForm(request.POST, day=day)
    if not form.is_valid():
        return _render_plan(request, page, bound=(day, form), status=400)
    try:
        development.development_check_in_update(
            check_in=check_in,
            user=request.user,
            notes=form.cleaned_data["notes"],
            held_on=form.cleaned_data["held_on"],
        )
    except DomainError as problem:
        if not problem.fields:
            # The plan cannot change (the hire left): the page says why at the
            # top, and shows the check-ins to read.
            return _render_plan(
                request, page, error=problem.message, status=problem_status(problem)
            )
        for name, problems in problem.fields.items():
            for message in problems:
                form.add_error(name if name in form.fields else None, message)
        return _render_plan(
            request, page, bound=(day, form), status=problem_status(problem)
        )
    messages.success(
        request, _("%(check_in)s saved.") % {"check_in": check_in.get_day_display()}
    )
    return redirect("results:development_plan", pk=pk)


@require_POST
@login_required
def development_plan_email_view(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    _require_manage(request, page)
    if page.plan is None:
        raise NotFound(_("There is no such page."), code="not_found")
    development.development_plan_email_request(plan=page.plan, user=request.user)
    messages.success(request, _("The link is on its way to the hire."))
    return redirect("results:development_plan", pk=pk)


@require_safe
@login_required
def development_plans_shared(request: HttpRequest) -> HttpResponse:
    """The plans the user's hires agreed to share with them."""
    return render(
        request,
        "assessments/development_plans_shared.html",
        {"plans": development.development_plans_shared_with(request.user)},
    )


# --- the hire ----------------------------------------------------------------------

SESSION_KEY = "my_plan"

REASONS = {
    "unknown": (
        gettext_lazy("This link does not work"),
        gettext_lazy(
            "Check that you opened the whole link from your email. If it still "
            "does not work, ask the person who sent it for a new link."
        ),
    ),
    "closed": (
        gettext_lazy("This plan is no longer available"),
        gettext_lazy("If you think this is a mistake, contact your recruiter."),
    ),
    "no_session": (
        gettext_lazy("Your session has ended"),
        gettext_lazy("Open the link from your email again to read your plan."),
    ),
    "signed_in": (
        gettext_lazy("This link is for the hire"),
        gettext_lazy(
            "You are signed in to Criba. Send the link to the hire: the plan, and "
            "the choice to share it with their manager, are theirs."
        ),
    ),
}


def _problem(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    heading, explanation = REASONS[reason]
    return render(
        request,
        "my_plan/problem.html",
        {"reason": reason, "heading": heading, "explanation": explanation},
        status=status,
    )


@candidate_view("GET", "HEAD", "POST")
def hire_landing(request: HttpRequest, token: str) -> HttpResponse:
    """What the link opens, and one button; only the POST starts a session."""
    try:
        plan = development.development_plan_for_token(token)
    except DomainError as problem:
        return _problem(request, problem.code, problem_status(problem))
    translation.activate(plan.language)
    if request.method == "POST":
        # Staff who see the link to hand it over do not open the hire's session
        # (and so cannot give the hire's consent) from their own signed-in browser.
        if request.user.is_authenticated:
            return _problem(request, "signed_in", 403)
        development.development_plan_open(plan=plan)
        request.session[SESSION_KEY] = {"plan_id": plan.pk}
        # A new session key: whoever knew the old one does not get the hire's.
        request.session.cycle_key()
        return redirect("my_plan:plan")
    return render(
        request,
        "my_plan/landing.html",
        {"job_title": plan.application.job.title},
    )


def _session_plan(request: HttpRequest):
    data = request.session.get(SESSION_KEY)
    plan_id = data.get("plan_id") if isinstance(data, dict) else None
    plan = development.hire_plan(plan_id) if isinstance(plan_id, int) else None
    if plan is None or plan.application.candidate.is_erased:
        return None
    translation.activate(plan.language)
    return plan


@candidate_view("GET", "HEAD")
def hire_plan(request: HttpRequest) -> HttpResponse:
    plan = _session_plan(request)
    if plan is None:
        return _problem(request, "no_session", 403)
    return render(
        request,
        "my_plan/plan.html",
        {
            "plan": plan,
            "job_title": plan.application.job.title,
            "candidate": plan.application.candidate,
            "goals": development.hire_goals(plan),
            "check_ins": list(plan.check_ins.all()),
            "manager": development.plan_manager(plan),
            "read_only": development.plan_read_only(plan),
        },
    )


@candidate_view("POST")
def hire_consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent to show the plan to the line manager."""
    plan = _session_plan(request)
    if plan is None:
        return _problem(request, "no_session", 403)
    if request.user.is_authenticated:  # the consent is the hire's own (hire_landing)
        return _problem(request, "signed_in", 403)
    form = PlanShareForm(request.POST)
    if form.is_valid():
        share = form.cleaned_data["share"]
        try:
            development.development_plan_share(plan=plan, share=share)
        except DomainError:
            # The only refusal: sharing a plan kept as it was when the hire
            # left. Said to the hire in their words, not the team's.
            messages.error(
                request,
                _(
                    "Your plan is kept as it was when you left, so it can no "
                    "longer be shared."
                ),
            )
            return redirect("my_plan:plan")
        messages.success(
            request,
            _("Your manager can now see your plan.")
            if share
            else _("Your manager can no longer see your plan."),
        )
    return redirect("my_plan:plan")
