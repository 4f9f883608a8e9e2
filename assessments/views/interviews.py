"""Interview pages: scheduling, "My interviews", the kit, the scorecard, the debrief,
calibration and practice.

Thin: every page asks ``interview_access`` first (the independence rule lives in
``assessments.interview_selectors``), reads through the selectors and read models,
and writes through ``assessments.interview_services``. Domain errors a view does not
turn into a form message are rendered by ``hiring.problems.DomainErrorMiddleware``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessments import interview_services as services
from assessments.calibration import rubric_calibration
from assessments.interview_forms import (
    InterviewCancelForm,
    InterviewDecisionForm,
    InterviewScheduleForm,
    InterviewTimeForm,
)
from assessments.interview_reports import interview_debrief, rubric_guide
from assessments.interview_selectors import (
    MY_INTERVIEWS_PAGE_SIZE,
    InterviewAccess,
    interview_access,
    interviews_of,
    panel_scorecards,
    panel_status,
    practice_attempts_of,
    practice_cases,
)
from assessments.labels import recommendation_label
from assessments.models import PracticeCase, Recommendation, Rubric
from assessments.reports import application_overview
from hiring.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from hiring.models import Capability
from hiring.problems import problem_details, problem_status, wants_problem_json
from hiring.selectors import user_is_administrator
from hiring.services import application_decide


def _recommendations() -> list[tuple[str, str]]:
    return [(value, recommendation_label(value)) for value in Recommendation.values]


# --- My interviews -------------------------------------------------------------------


@require_safe
@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    """The interviews the user sits on, with their own scorecard state, a page at
    a time: those awaiting the user's scorecard come first."""
    page = Paginator(interviews_of(request.user), MY_INTERVIEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "interviews/my_interviews.html",
        {"interviews": page.object_list, "page": page, "now": timezone.now()},
    )


# --- scheduling ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def interview_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    overview = application_overview(
        user=request.user, application_id=pk, capability=Capability.INVITE
    )
    application = overview.application
    team = list(services.panel_candidates(application=application))
    form = InterviewScheduleForm(
        request.POST or None, application=application, team=team
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                interview = services.interview_schedule(
                    user=request.user,
                    application=application,
                    scheduled_at=data["scheduled_at"],
                    duration_minutes=data["duration_minutes"],
                    interviewers=data["interviewers"],
                    rubric_version=data["rubric_version"],
                    title=data["title"],
                    location=data["location"],
                )
            except DomainError as problem:
                _form_errors(form, problem)
                status = problem_status(problem)
            else:
                messages.success(
                    request, _("Interview scheduled; the panel has been invited.")
                )
                return redirect("results:interview_detail", pk=interview.pk)
        else:
            status = 400
    return render(
        request,
        "interviews/schedule.html",
        {"form": form, "application": application, "candidate": application.candidate},
        status=status,
    )


def _form_errors(form, problem: DomainError) -> None:
    placed = False
    for field, errors in problem.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
            placed = True
    if not placed:
        form.add_error(None, problem.message)


@require_safe
@login_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = interview_access(user=request.user, interview_id=pk)
    return _render_detail(request, access)


def _render_detail(
    request,
    access: InterviewAccess,
    *,
    time_form=None,
    cancel_form=None,
    status: int = 200,
) -> HttpResponse:
    interview = access.interview
    return render(
        request,
        "interviews/detail.html",
        {
            "access": access,
            "interview": interview,
            "panel": panel_status(access=access),
            "time_form": time_form
            or InterviewTimeForm(
                initial={
                    "scheduled_at": timezone.localtime(interview.scheduled_at),
                    "duration_minutes": interview.duration_minutes,
                }
            ),
            "cancel_form": cancel_form or InterviewCancelForm(),
        },
        status=status,
    )


@require_POST
@login_required
def interview_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    access = interview_access(user=request.user, interview_id=pk)
    form = InterviewTimeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, access, time_form=form, status=400)
    try:
        services.interview_reschedule(
            access=access,
            scheduled_at=form.cleaned_data["scheduled_at"],
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
    except DomainError as problem:
        _form_errors(form, problem)
        return _render_detail(
            request, access, time_form=form, status=problem_status(problem)
        )
    messages.success(request, _("Interview moved; the panel has been told."))
    return redirect("results:interview_detail", pk=pk)


@require_POST
@login_required
def interview_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = interview_access(user=request.user, interview_id=pk)
    form = InterviewCancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, access, cancel_form=form, status=400)
    try:
        services.interview_cancel(access=access, reason=form.cleaned_data["reason"])
    except DomainError as problem:
        _form_errors(form, problem)
        return _render_detail(
            request, access, cancel_form=form, status=problem_status(problem)
        )
    messages.success(request, _("Interview cancelled; the panel has been told."))
    return redirect("results:interview_detail", pk=pk)


# --- the kit and the scorecard -------------------------------------------------------


def _require_rubric(access: InterviewAccess) -> None:
    if access.interview.rubric_version is None:
        raise Conflict(
            _("This interview was scheduled without a rubric; it has no kit."),
            code="no_rubric",
        )


def _require_panelist(access: InterviewAccess) -> None:
    _require_rubric(access)
    if not access.is_panelist:
        raise Forbidden(
            _("Only the interview's panelists use its kit and scorecard."),
            code="not_on_panel",
        )


def _draft_values(access: InterviewAccess) -> dict:
    card = access.own
    if card is None:
        return {"ratings": {}, "notes": {}, "recommendation": "", "summary": ""}
    return {
        "ratings": card.draft_ratings,
        "notes": card.draft_notes,
        "recommendation": card.draft_recommendation,
        "summary": card.draft_summary,
    }


def _competency_rows(access: InterviewAccess, values: dict, errors: dict) -> list:
    guide = rubric_guide(access.interview.rubric_version.definition)
    rows = []
    for competency in guide:
        rating = values["ratings"].get(competency.key, "")
        rows.append(
            {
                "guide": competency,
                "rating": services.NO_DECISION
                if competency.key in values["ratings"] and rating is None
                else str(rating or ""),
                "notes": values["notes"].get(competency.key, ""),
                "rating_errors": errors.get(f"rating-{competency.key}", []),
                "notes_errors": errors.get(f"notes-{competency.key}", []),
            }
        )
    return rows


def _values_from(scorecard: services.ScorecardInput) -> dict:
    return {
        "ratings": scorecard.ratings,
        "notes": scorecard.notes,
        "recommendation": scorecard.recommendation,
        "summary": scorecard.summary,
    }


def _render_scorecard_page(
    request,
    access: InterviewAccess,
    template: str,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    message: str = "",
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    values = values or _draft_values(access)
    errors = errors or {}
    mine = panel_scorecards(access=access) if access.has_submitted else []
    names = {
        c["key"]: c["name"].get(translation.get_language()[:2], c["name"]["en"])
        for c in access.interview.rubric_version.competencies
    }
    own = [card for card in mine if card.pk == access.own.pk]
    for card in own:
        for version in card.versions.all():
            version.rows = [
                (names.get(key, key), rating, version.evidence.get(key, ""))
                for key, rating in version.ratings.items()
            ]
    context = {
        "access": access,
        "interview": access.interview,
        "instructions": rubric_instructions(access),
        "rows": _competency_rows(access, values, errors),
        "recommendation": values["recommendation"],
        "summary": values["summary"],
        "recommendations": _recommendations(),
        "errors": errors,
        "message": message,
        "mine": own,
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def rubric_instructions(access: InterviewAccess) -> str:
    texts = access.interview.rubric_version.definition["instructions"]
    language = (translation.get_language() or "en")[:2]
    return texts.get(language) or texts["en"]


def _wants_json(request: HttpRequest) -> bool:
    return wants_problem_json(request)


@require_http_methods(["GET", "POST"])
@login_required
def interview_kit(request: HttpRequest, pk: int) -> HttpResponse:
    """Questions, anchors beside each rating and notes per competency; POST saves
    the draft (the page's script posts as the interviewer types)."""
    access = interview_access(user=request.user, interview_id=pk)
    _require_panelist(access)
    if request.method == "GET":
        if access.has_submitted:
            return redirect("results:scorecard", pk=pk)
        return _render_scorecard_page(request, access, "interviews/kit.html")
    scorecard, errors = services.scorecard_input_parse(
        rubric_version=access.interview.rubric_version, data=request.POST
    )
    if errors:
        if _wants_json(request):
            problem = Invalid(_("Some values were refused."), fields=errors)
            return JsonResponse(problem_details(problem), status=400)
        return _render_scorecard_page(
            request,
            access,
            "interviews/kit.html",
            values=_values_from(scorecard),
            errors=errors,
            status=400,
        )
    try:
        card = services.scorecard_draft_save(access=access, scorecard=scorecard)
    except DomainError as problem:
        if _wants_json(request):
            return JsonResponse(
                problem_details(problem, instance=request.path),
                status=problem_status(problem),
            )
        raise
    if _wants_json(request):
        return JsonResponse(
            {"saved_at": timezone.localtime(card.draft_saved_at).isoformat()}
        )
    messages.success(request, _("Draft saved."))
    return redirect("results:interview_kit", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """The panelist's scorecard: submit the draft, or after submitting, every
    version and the form for an amendment."""
    access = interview_access(user=request.user, interview_id=pk)
    _require_panelist(access)
    if request.method == "GET":
        return _render_scorecard_page(request, access, "interviews/scorecard.html")
    parsed, errors = services.scorecard_input_parse(
        rubric_version=access.interview.rubric_version, data=request.POST
    )
    values = _values_from(parsed)
    if errors:
        return _render_scorecard_page(
            request,
            access,
            "interviews/scorecard.html",
            values=values,
            errors=errors,
            message=_("Some values were refused; see below."),
            status=400,
        )
    try:
        if access.has_submitted:
            services.scorecard_amend(
                access=access,
                scorecard=parsed,
                reason=request.POST.get("reason", ""),
            )
            done = _("Amendment recorded; the earlier version is kept.")
        else:
            services.scorecard_submit(access=access, scorecard=parsed)
            done = _("Scorecard submitted and locked.")
    except DomainError as problem:
        return _render_scorecard_page(
            request,
            access,
            "interviews/scorecard.html",
            values=values,
            errors=problem.fields,
            message=problem.message,
            status=problem_status(problem),
            extra={"reason": request.POST.get("reason", "")},
        )
    messages.success(request, done)
    return redirect("results:scorecard", pk=pk)


# --- the debrief ---------------------------------------------------------------------


def _render_debrief(request, access, *, form=None, status=200) -> HttpResponse:
    if not access.sees_panel:
        raise Forbidden(
            _(
                "The debrief opens to you once you have submitted your own "
                "scorecard, so that every rating stays independent."
            ),
            code="scorecard_first",
        )
    _require_rubric(access)
    debrief = interview_debrief(access=access)
    application = access.interview.application
    # A closed application or job takes no decision: the reason replaces the form,
    # and stands out when it answers a form sent from an older page.
    decision_closed = application.closed_to_decisions if access.can_decide else ""
    return render(
        request,
        "interviews/debrief.html",
        {
            "debrief": debrief,
            "interview": access.interview,
            "application": application,
            "form": None if decision_closed else form or InterviewDecisionForm(),
            "decision_closed": decision_closed,
            "decision_refused": bool(decision_closed and form is not None),
        },
        status=status,
    )


@require_safe
@login_required
def interview_debrief_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = interview_access(user=request.user, interview_id=pk)
    return _render_debrief(request, access)


@require_POST
@login_required
def interview_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision form of the debrief: advance, reject or hold, with a reason."""
    access = interview_access(user=request.user, interview_id=pk)
    if not access.can_decide:
        raise Forbidden(
            _("Your role on this job does not allow this."), code="not_allowed"
        )
    form = InterviewDecisionForm(request.POST)
    if not form.is_valid():
        return _render_debrief(request, access, form=form, status=400)
    try:
        application_decide(
            application=access.interview.application,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            seen_stage=form.cleaned_data["stage"] or None,
        )
    except DomainError as problem:
        if isinstance(problem, Conflict):
            # Show the application as it is now, whatever changed it meanwhile.
            access = interview_access(user=request.user, interview_id=pk)
        _form_errors(form, problem)
        return _render_debrief(
            request, access, form=form, status=problem_status(problem)
        )
    messages.success(request, _("Decision recorded."))
    return redirect("results:interview_debrief", pk=pk)


# --- calibration and practice --------------------------------------------------------


@require_safe
@login_required
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    """Interviewer calibration of one rubric, for administrators."""
    if not user_is_administrator(request.user):
        raise NotFound(_("There is no such page."), code="not_found")
    rubric = Rubric.objects.prefetch_related("versions").filter(pk=pk).first()
    if rubric is None:
        raise NotFound(_("There is no such page."), code="not_found")
    return render(
        request,
        "interviews/calibration.html",
        {
            "rubric": rubric,
            "rubric_name": rubric.display_name(
                (translation.get_language() or "en")[:2]
            ),
            "calibration": rubric_calibration(rubric=rubric),
        },
    )


@require_safe
@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "interviews/practice_list.html", {"cases": practice_cases()})


@require_http_methods(["GET", "POST"])
@login_required
def practice_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate a sample interview, then see the distance from the agreed ratings."""
    case = practice_cases().filter(pk=pk).first()
    if case is None:
        raise NotFound(_("There is no such page."), code="not_found")
    guide = rubric_guide(case.rubric_version.definition)
    outcome = None
    errors: dict = {}
    status = 200
    ratings: dict = {}
    if request.method == "POST":
        parsed, errors = services.scorecard_input_parse(
            rubric_version=case.rubric_version, data=request.POST
        )
        ratings = parsed.ratings
        if not errors:
            try:
                _attempt, distance = services.practice_attempt_record(
                    user=request.user, case=case, ratings=parsed.ratings
                )
            except DomainError as problem:
                errors = problem.fields
                status = problem_status(problem)
            else:
                outcome = _practice_rows(case, guide, parsed.ratings, distance)
        else:
            status = 400
    return render(
        request,
        "interviews/practice_case.html",
        {
            "case": case,
            "rows": [
                {
                    "guide": g,
                    "answer": case.answers.get(g.key, ""),
                    "rating": _rating_value(ratings, g.key),
                    "rating_errors": errors.get(f"rating-{g.key}", []),
                }
                for g in guide
            ],
            "outcome": outcome,
            "attempts": practice_attempts_of(user=request.user, case=case)[:5],
        },
        status=status,
    )


def _rating_value(ratings: dict, key: str) -> str:
    if key not in ratings:
        return ""
    return services.NO_DECISION if ratings[key] is None else str(ratings[key])


def _practice_rows(case: PracticeCase, guide, ratings: dict, distance) -> dict:
    return {
        "rows": [
            {
                "name": g.name,
                "yours": ratings.get(g.key),
                "agreed": case.agreed_ratings.get(g.key),
                "difference": difference,
                "rationale": case.rationale.get(g.key, ""),
            }
            for g, difference in zip(guide, distance.differences, strict=True)
        ],
        "distance": distance,
    }
