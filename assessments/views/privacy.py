"""Pages of candidates' data rights.

Recruiter pages (login required) to see a candidate's consent and retention date,
export their data and erase it. Who may is one rule, in
``assessments.privacy.selectors``: the pages open to a role granting the
personal-data capability on a job the candidate applied to, or an administrator
(no role on any of those jobs: 404; a role without the capability: 403). Exporting,
erasing and changing the retention date reach every application of the candidate,
so they need the capability on every job the candidate applied to (or an
administrator): otherwise the pages say an administrator must handle the request
and the posts are refused (403). The privacy notice page is public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessments.forms import LANGUAGE_NAMES
from assessments.privacy.erasure import candidate_erase
from assessments.privacy.export import candidate_export
from assessments.privacy.forms import ErasureForm, RetentionForm
from assessments.privacy.retention import NOTICE_DAYS, candidate_retention_set
from assessments.privacy.selectors import (
    PersonalDataAccess,
    candidate_for_personal_data,
    notice_sections,
    other_jobs_message,
    personal_data_access,
    privacy_notice_current,
    privacy_notice_get,
)
from hiring.errors import DomainError, Invalid, NotFound
from hiring.problems import problem_status
from hiring.selectors import user_is_administrator


def _access(request: HttpRequest, pk: int, *, act: bool = False) -> PersonalDataAccess:
    """Who may see the pages; with ``act``, for the posts that export, erase or
    keep the candidate's data, who may do that. NotFound and Forbidden reach the
    error middleware: 404 and 403 pages."""
    return personal_data_access(user=request.user, candidate_id=pk, act=act)


def _render_privacy(
    request: HttpRequest,
    access: PersonalDataAccess,
    *,
    retention_form: RetentionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    candidate = access.candidate
    if retention_form is None and not candidate.is_erased and access.may_act:
        retention_form = RetentionForm(initial={"until": candidate.retention_until})
    applications = access.applications
    return render(
        request,
        "assessments/candidate_privacy.html",
        {
            "candidate": candidate,
            "applications": applications,
            "has_open_application": any(a.is_open for a in applications),
            "may_act": access.may_act,
            "other_jobs_message": "" if access.may_act else other_jobs_message(),
            "retention_form": retention_form,
            "retention_days": settings.CRIBA_RETENTION_DAYS,
            "notice_days": NOTICE_DAYS,
        },
        status=status,
    )


@require_safe
@never_cache
@login_required
def candidate_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    """Consent, retention date, export and erasure of one candidate."""
    return _render_privacy(request, _access(request, pk))


@require_POST
@never_cache
@login_required
def candidate_retention(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, act=True)
    candidate = access.candidate
    form = RetentionForm(request.POST)
    if not form.is_valid():
        return _render_privacy(request, access, retention_form=form, status=400)
    try:
        candidate_retention_set(
            candidate=candidate, until=form.cleaned_data["until"], actor=request.user
        )
    except DomainError as error:
        for message in error.fields.get("until", []) or [error.message]:
            form.add_error("until", message)
        return _render_privacy(
            request, access, retention_form=form, status=problem_status(error)
        )
    messages.success(request, _("Retention date saved."))
    return redirect("privacy:candidate", pk=candidate.pk)


@require_POST
@never_cache
@login_required
def candidate_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's data as one JSON file; the export is audited."""
    candidate = candidate_for_personal_data(user=request.user, candidate_id=pk)
    document = candidate_export(candidate=candidate, actor=request.user, via="page")
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    filename = f"criba-candidate-{candidate.pk}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render_erasure(
    request: HttpRequest,
    access: PersonalDataAccess,
    form: ErasureForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    candidate = access.candidate
    applications = access.applications
    has_open = any(a.is_open for a in applications)
    administrator = user_is_administrator(request.user)
    return render(
        request,
        "assessments/candidate_erase.html",
        {
            "candidate": candidate,
            "form": form,
            "error": error,
            "open_applications": [a for a in applications if a.is_open],
            "other_jobs_message": "" if access.may_act else other_jobs_message(),
            # A recruiter cannot force; an administrator can, with a reason.
            "can_erase": access.may_act
            and (candidate.is_erased or not has_open or administrator),
            "needs_reason": has_open and administrator and not candidate.is_erased,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def candidate_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows what an erasure does; POST with the confirmation does it."""
    if request.method != "POST":
        return _render_erasure(request, _access(request, pk), ErasureForm())
    access = _access(request, pk, act=True)
    candidate = access.candidate
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _render_erasure(request, access, form, status=400)
    try:
        erasure = candidate_erase(
            candidate=candidate,
            actor=request.user,
            answers=form.cleaned_data["answers"],
            force_reason=form.cleaned_data["reason"],
        )
    except Invalid as error:
        for name, problems in error.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        if not error.fields:
            form.add_error(None, error.message)
        return _render_erasure(request, access, form, status=400)
    except DomainError as error:
        return _render_erasure(
            request, access, form, error=error.message, status=problem_status(error)
        )
    if erasure.personal_data_erased:
        messages.success(request, _("The candidate's personal data was erased."))
    else:
        messages.success(request, _("The candidate's answers and results were erased."))
    return redirect("privacy:candidate", pk=candidate.pk)


# --- public --------------------------------------------------------------------------


@require_safe
def privacy_notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """The privacy notice candidates consent to, in the language asked for."""
    if version is None:
        notice = privacy_notice_current()
        if notice is None:
            raise Http404
    else:
        try:
            notice = privacy_notice_get(version=version)
        except NotFound:
            raise Http404 from None
    requested = request.GET.get("lang", "")
    language = (
        requested
        if requested in LANGUAGE_NAMES
        else (translation.get_language() or "en")[:2]
    )
    if language not in LANGUAGE_NAMES:
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    current = privacy_notice_current()
    return render(
        request,
        "take/privacy_notice.html",
        {
            "notice": notice,
            "sections": notice_sections(notice.text(language)),
            "is_current": current is not None and current.pk == notice.pk,
            "current": current,
            "language": language,
            "other_languages": [
                {"code": code, "name": name}
                for code, name in LANGUAGE_NAMES.items()
                if code != language
            ],
        },
    )
