"""The candidate's pages: the private link, the pages of items, submit and done.

The token appears only in the landing URL. Starting trades it for a session that
holds ``{invitation_id, nonce}``; every later URL is token-free and checks that the
nonce is still the invitation's, so a newer start elsewhere ends this session.
GET never changes the invitation's state: link scanners follow links.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from assessments import services
from assessments.definitions import item_texts
from assessments.forms import (
    ITEM_FIELD_PREFIX,
    LANGUAGE_NAMES,
    LANGUAGE_NAMES_IN_TEXT,
    SelfIdentificationForm,
    StartForm,
    answers_from_post,
)
from assessments.middleware import candidate_headers
from assessments.models import Invitation, Response
from assessments.privacy.selectors import privacy_notice_current
from assessments.selectors import invitation_language_for_token
from assessments.tokens import token_hash
from hiring.errors import Conflict, DomainError, Gone, Invalid
from hiring.json_input import JSONTooDeepError, json_loads_bounded
from hiring.problems import problem_status
from hiring.ratelimit import Rate, client_key, rate_hit
from hiring.self_identification import (
    self_identification_questions,
    self_identification_record,
)

SESSION_KEY = "take"

# Heading and explanation of every page that stops the candidate, by reason code;
# the same titles head the problem JSON of the autosave endpoint.
REASONS = {
    "unknown": (
        gettext_lazy("This link does not work"),
        gettext_lazy(
            "Check that you opened the whole link from your email. If it still "
            "does not work, ask the person who invited you for a new link."
        ),
    ),
    "expired": (
        gettext_lazy("This link has expired"),
        gettext_lazy("Ask the person who invited you for a new link."),
    ),
    "revoked": (
        gettext_lazy("This invitation was withdrawn"),
        gettext_lazy(
            "The questionnaire can no longer be taken with this link. If you think "
            "this is a mistake, contact the person who invited you."
        ),
    ),
    "submitted": (
        gettext_lazy("Your answers were already submitted"),
        gettext_lazy("There is nothing more to do. Thank you for your time."),
    ),
    "closed": (
        gettext_lazy("This questionnaire is closed"),
        gettext_lazy("It can no longer be taken with this link."),
    ),
    "stale": (
        gettext_lazy("The questionnaire was opened somewhere else"),
        gettext_lazy(
            "It was started again in another window or on another device, so "
            "this window no longer saves answers. Your saved answers are kept: "
            "open the link from your email again to continue here."
        ),
    ),
    "no_session": (
        gettext_lazy("Your session has ended"),
        gettext_lazy(
            "Open the link from your email again to continue. Your saved answers "
            "are kept."
        ),
    ),
    "bad_page": (
        gettext_lazy("This page does not exist"),
        gettext_lazy("Go back to the questionnaire to continue."),
    ),
    "too_big": (
        gettext_lazy("The request was too large"),
        gettext_lazy(
            "Nothing was saved. Go back to the page and send your answers again."
        ),
    ),
    "malformed": (
        gettext_lazy("The request could not be read"),
        gettext_lazy("Nothing was saved. Send the answers as a JSON object."),
    ),
    "invalid": (
        gettext_lazy("The answers could not be saved"),
        gettext_lazy("Nothing on this page was saved."),
    ),
    "too_many": (
        gettext_lazy("Please slow down"),
        gettext_lazy(
            "Too many requests arrived from this connection in a short time. "
            "Your saved answers are kept: wait a minute, then continue."
        ),
    ),
    "time_up": (
        gettext_lazy("Time is up"),
        gettext_lazy("The answers saved before the time ran out were submitted."),
    ),
    "signed_in": (
        gettext_lazy("This link is for the candidate"),
        gettext_lazy(
            "You are signed in to Criba. Send the link to the candidate: agreeing "
            "to the privacy notice, and the time to answer, are theirs."
        ),
    ),
}


class _Stop(Exception):  # noqa: N818 - control flow, not an error
    """Ends a view early with a ready response (a problem page or a redirect)."""

    def __init__(self, response: HttpResponse):
        super().__init__()
        self.response = response


def _problem_page(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    heading, explanation = REASONS.get(reason, REASONS["invalid"])
    context = {"reason": reason, "heading": heading, "explanation": explanation}
    return render(request, "take/problem.html", context, status=status)


def _problem_json(reason: str, status: int, detail: str = "", **extra) -> JsonResponse:
    """An RFC 9457 problem; ``code`` and ``next`` are extension members."""
    title, explanation = REASONS.get(reason, REASONS["invalid"])
    return JsonResponse(
        {
            "title": str(title),
            "detail": detail or str(explanation),
            "status": status,
            "code": reason,
            **extra,
        },
        status=status,
        content_type="application/problem+json",
    )


class NoReferrerCsrf(CsrfViewMiddleware):
    """Django's CSRF check, fitted to pages sent with ``Referrer-Policy: no-referrer``.

    Under that policy a browser posts a form with ``Origin: null`` and no Referer,
    so Django's origin and Referer checks would refuse every candidate. The browser
    still says where the post came from in ``Sec-Fetch-Site``, a header no page can
    set: a same-origin post passes those two checks, anything else is judged as
    usual. The token check (form field against cookie) always runs.
    """

    @staticmethod
    def _same_origin_fetch(request: HttpRequest) -> bool:
        return request.headers.get("Sec-Fetch-Site") == "same-origin"

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null" and self._same_origin_fetch(
            request
        ):
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request: HttpRequest) -> None:
        if "HTTP_REFERER" not in request.META and self._same_origin_fetch(request):
            return
        super()._check_referer(request)


no_referrer_csrf_protect = decorator_from_middleware(NoReferrerCsrf)


def _throttled(request: HttpRequest, token: str | None) -> int | None:
    """Seconds to wait when this client or invitation sent too many requests.

    The invitation is the token's hash on the landing page (never the token: the
    cache is readable) and the session's invitation afterwards.
    """
    per_address = Rate(settings.CRIBA_CANDIDATE_RATE_PER_ADDRESS, 60)
    per_invitation = Rate(settings.CRIBA_CANDIDATE_RATE_PER_INVITATION, 60)
    client = client_key(request) or "unknown"
    wait = rate_hit(f"take:address:{client}", per_address)
    if token is not None:
        invitation = "token:" + token_hash(token)
    else:
        data = request.session.get(SESSION_KEY)
        invitation_id = data.get("invitation_id") if isinstance(data, dict) else None
        invitation = f"id:{invitation_id}" if isinstance(invitation_id, int) else None
    if invitation is not None:
        wait = max(wait or 0, rate_hit(f"take:{invitation}", per_invitation) or 0)
    return wait or None


def _too_many(request: HttpRequest, api: bool, wait: int) -> HttpResponse:
    response = (
        _problem_json("too_many", 429)
        if api
        else _problem_page(request, "too_many", 429)
    )
    response["Retry-After"] = str(wait)
    return response


def candidate_view(*methods: str, api: bool = False) -> Callable[[Callable], Callable]:
    """What every candidate response shares.

    - a rate limit per address and per invitation (429 with ``Retry-After``);
    - ``Referrer-Policy: no-referrer`` so the token never leaks, and no caching;
    - the language the view activates is undone after the response is rendered;
    - CSRF is checked inside the wrapper so that an oversized or unparsable post,
      which Django notices when the CSRF check first reads the body, still gets
      our own 400 page (or problem JSON) rather than the bare default one.
    """

    def decorate(view: Callable) -> Callable:
        protected = no_referrer_csrf_protect(require_http_methods(list(methods))(view))

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            with translation.override(translation.get_language()):
                wait = _throttled(request, kwargs.get("token"))
                try:
                    response = (
                        _too_many(request, api, wait)
                        if wait
                        else protected(request, *args, **kwargs)
                    )
                except _Stop as stop:
                    response = stop.response
                except (RequestDataTooBig, TooManyFieldsSent):
                    response = (
                        _problem_json("too_big", 400)
                        if api
                        else _problem_page(request, "too_big", 400)
                    )
                except MultiPartParserError:
                    response = (
                        _problem_json(
                            "malformed", 400, _("The request is not a valid form.")
                        )
                        if api
                        else _problem_page(request, "invalid", 400)
                    )
                response.headers.setdefault(
                    "Content-Language", translation.get_language()
                )
            return candidate_headers(response)

        return csrf_exempt(wrapper)

    return decorate


# --- helpers ---------------------------------------------------------------------


def _scale_points(definition: dict, language: str) -> list[tuple[int, str]]:
    """``[(value, label)]`` of the answer scale in ``language``.

    Stored definitions key the labels by the answer as a string (JSON keys are
    strings); an unsaved one may still hold integers, so both are accepted.
    """
    scale = definition["answer_scale"]
    labels = scale.get("labels") or {}
    points = []
    for value in range(int(scale["min"]), int(scale["max"]) + 1):
        label = labels.get(str(value), labels.get(value))
        if isinstance(label, dict):
            label = label.get(language) or label.get("en")
        points.append((value, label or str(value)))
    return points


def _translated(text: dict | str, language: str) -> str:
    if isinstance(text, dict):
        return text.get(language) or text.get("en") or ""
    return text


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, seconds = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def _deadline_reached(invitation: Invitation) -> bool:
    return invitation.deadline_passed(grace=False)


def _done(api: bool, reason: str = "submitted", status: int = 409) -> HttpResponse:
    if api:
        return _problem_json(reason, status, next=reverse("take:done"))
    return redirect("take:done")


def _attempt(
    request: HttpRequest, *, api: bool = False, finished_ok: bool = False
) -> Invitation:
    """The invitation this browser session is taking, or ``_Stop`` with the reason.

    Activates the candidate's language. Closes the attempt when the server-side
    deadline (plus a short grace for the last save) has passed.
    """

    def stop(reason: str, status: int) -> _Stop:
        if api:
            return _Stop(_problem_json(reason, status))
        return _Stop(_problem_page(request, reason, status))

    data = request.session.get(SESSION_KEY)
    invitation = None
    if isinstance(data, dict) and isinstance(data.get("invitation_id"), int):
        invitation = (
            Invitation.objects.select_related(
                "instrument_version__instrument", "application__job"
            )
            .filter(pk=data["invitation_id"])
            .first()
        )
    if invitation is None:
        raise stop("no_session", 403)
    translation.activate(invitation.language)
    if invitation.status == Invitation.Status.REVOKED:
        raise stop("revoked", 410)
    if invitation.is_finished:
        if finished_ok:
            return invitation
        raise _Stop(_done(api))
    nonce = data.get("nonce")
    if not nonce or nonce != invitation.session_nonce:
        raise stop("stale", 409)
    if services.submission_close_if_timed_out(invitation=invitation):
        raise _Stop(_done(api, "time_up"))
    return invitation


def _answered(invitation: Invitation) -> dict[str, int]:
    return dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )


def _shared_context(invitation: Invitation) -> dict:
    version = invitation.instrument_version
    language = invitation.language
    seconds_left = invitation.seconds_left()
    return {
        "invitation": invitation,
        "job_title": invitation.application.job.title,
        "instrument_name": _translated(version.definition["name"], language),
        "seconds_left": seconds_left,
        "clock": _clock(seconds_left),
    }


def _render_page(
    request: HttpRequest,
    invitation: Invitation,
    pages: list[list[str]],
    number: int,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    definition = invitation.instrument_version.definition
    language = invitation.language
    texts = item_texts(definition, language)
    points = _scale_points(definition, language)
    saved = _answered(invitation)
    first_number = sum(len(page) for page in pages[: number - 1]) + 1
    items = [
        {
            "key": key,
            "number": first_number + index,
            "text": texts[key],
            "field": ITEM_FIELD_PREFIX + key,
            "choices": [
                {"value": value, "label": label, "checked": saved.get(key) == value}
                for value, label in points
            ],
        }
        for index, key in enumerate(pages[number - 1])
    ]
    context = {
        **_shared_context(invitation),
        "number": number,
        "total": len(pages),
        "items": items,
        "is_first": number == 1,
        "is_last": number == len(pages),
        "error": error,
    }
    return render(request, "take/page.html", context, status=status)


# --- views -------------------------------------------------------------------------


def _holds_live_session(request: HttpRequest, invitation: Invitation) -> bool:
    """Whether this browser already takes the invitation (its nonce is current)."""
    data = request.session.get(SESSION_KEY)
    return (
        isinstance(data, dict)
        and data.get("invitation_id") == invitation.pk
        and bool(invitation.session_nonce)
        and data.get("nonce") == invitation.session_nonce
        and invitation.status == Invitation.Status.IN_PROGRESS
    )


@candidate_view("GET", "HEAD", "POST")
def landing(request: HttpRequest, token: str) -> HttpResponse:
    """What the questionnaire is, consent and Start; only POST changes anything.

    Once started, the link leads back: straight to where the candidate stopped when
    this browser still holds the session, otherwise to one Continue button (a GET
    must not take the session from the window that holds it). Consent and the
    language are asked only before the first start.
    """
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as problem:
        language = invitation_language_for_token(token)
        if language is not None:
            translation.activate(language)
        return _problem_page(request, problem.code, problem_status(problem))
    version = invitation.instrument_version
    languages = version.languages
    resuming = invitation.started_at is not None
    notice = privacy_notice_current()

    if (
        resuming
        and request.method != "POST"
        and _holds_live_session(request, invitation)
    ):
        return redirect("take:resume")

    form = None
    status = 200
    if request.method == "POST":
        # Staff who open the link to hand it over do not start it (and so give
        # the candidate's consent, and start their clock) from their own browser.
        if request.user.is_authenticated:
            return _problem_page(request, "signed_in", 403)
        if resuming:
            language = invitation.language
        else:
            chosen = request.POST.get("language")
            language = chosen if chosen in languages else invitation.language
            form = StartForm(request.POST, languages=languages)
        translation.activate(language)
        services.invitation_open(invitation=invitation)
        error = ""
        if form is None or form.is_valid():
            try:
                nonce = services.taking_start(
                    invitation=invitation,
                    language=form.cleaned_data["language"] if form else None,
                    consent=bool(form and form.cleaned_data["consent"]),
                    notice_version=form.cleaned_data["notice"] if form else None,
                )
            except (Conflict, Gone) as problem:
                return _problem_page(request, problem.code, problem_status(problem))
            except DomainError as problem:
                error = problem.message
            else:
                request.session[SESSION_KEY] = {
                    "invitation_id": invitation.pk,
                    "nonce": nonce,
                }
                # A new key: whoever knew the session id before the start (a
                # fixation attempt) does not get the candidate's session.
                request.session.cycle_key()
                # The CSRF token is kept (Django rotates it at sign-in): another
                # tab of this browser holds forms with it, and a forged post is
                # refused by the Origin check and SameSite=Lax anyway.
                return redirect("take:resume")
        if form is not None and error:
            form.add_error(None, error)
        status = 400
    else:
        requested = request.GET.get("lang")
        if resuming or requested not in languages:
            language = invitation.language
        else:
            language = requested
        translation.activate(language)
        if not resuming:
            form = StartForm(
                initial={
                    "language": language,
                    "notice": notice.version if notice else None,
                },
                languages=languages,
            )

    allowed = invitation.time_allowed()
    seconds_left = invitation.seconds_left() if resuming else None
    context = {
        "form": form,
        "job_title": invitation.application.job.title,
        "instrument_name": _translated(version.definition["name"], language),
        "instructions": _translated(version.definition["instructions"], language),
        "item_count": sum(len(page) for page in services.taking_pages(invitation)),
        "minutes": int(allowed.total_seconds() // 60) if allowed else None,
        "base_minutes": version.time_limit_minutes,
        "extra_time_percent": invitation.extra_time_percent,
        "resuming": resuming,
        "seconds_left": seconds_left,
        "clock": _clock(seconds_left),
        "answered_count": len(_answered(invitation)) if resuming else 0,
        "expires_at": invitation.expires_at,
        "privacy_notice": notice,
        "privacy_notice_url": f"{reverse('privacy:notice')}?lang={language}",
        "language": language,
        "language_name": LANGUAGE_NAMES_IN_TEXT.get(language, language),
        "other_languages": []
        if resuming
        else [
            {"code": code, "name": LANGUAGE_NAMES.get(code, code)}
            for code in languages
            if code != language
        ],
    }
    return render(request, "take/landing.html", context, status=status)


@candidate_view("GET", "HEAD")
def resume(request: HttpRequest) -> HttpResponse:
    """Back to the first page with an unanswered item, or to submit."""
    invitation = _attempt(request)
    answered = _answered(invitation)
    for index, keys in enumerate(services.taking_pages(invitation)):
        if any(key not in answered for key in keys):
            return redirect("take:page", number=index + 1)
    return redirect("take:submit")


@candidate_view("GET", "HEAD", "POST")
def page(request: HttpRequest, number: int) -> HttpResponse:
    """One page of items; POST saves the whole page, then Next or Back."""
    invitation = _attempt(request)
    pages = services.taking_pages(invitation)
    if not 1 <= number <= len(pages):
        return _problem_page(request, "bad_page", 404)

    if request.method == "POST":
        try:
            services.answers_save(
                invitation=invitation,
                page=number - 1,
                answers=answers_from_post(request.POST),
            )
        except Conflict:
            # Time ran out or the attempt closed between the checks.
            services.submission_close_if_timed_out(invitation=invitation)
            return redirect("take:done")
        except DomainError as error:
            return _render_page(
                request,
                invitation,
                pages,
                number,
                error=error.message,
                status=problem_status(error),
            )
        if _deadline_reached(invitation):
            # The page was sent as the time ran out (the countdown submits it):
            # keep what arrived and close the attempt.
            # Closed meanwhile (e.g. withdrawn)? The done page says which.
            with suppress(DomainError):
                services.submission_submit(invitation=invitation, timed_out=True)
            return redirect("take:done")
        if request.POST.get("action") == "back":
            return redirect("take:page", number=max(1, number - 1))
        if number == len(pages):
            return redirect("take:submit")
        return redirect("take:page", number=number + 1)

    services.page_shown(invitation=invitation, page=number - 1)
    return _render_page(request, invitation, pages, number)


# What ``navigator.sendBeacon`` sends when the page goes away: a form body, which
# carries the CSRF token in ``csrfmiddlewaretoken`` since a beacon sets no header.
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _autosave_payload(request: HttpRequest) -> tuple[object, object]:
    """``(page, answers)`` of a JSON body or of a beacon's form body."""
    if request.content_type in FORM_CONTENT_TYPES:
        raw = request.POST.get("page", "")
        # isdigit() alone also holds for digits int() refuses, such as "²".
        number = int(raw) if raw.isascii() and raw.isdigit() else raw
        return number, answers_from_post(request.POST)
    try:
        payload = json_loads_bounded(request.body)
    except JSONTooDeepError as error:
        raise _Stop(
            _problem_json(
                "malformed",
                400,
                _("The JSON is nested deeper than %(limit)s levels.")
                % {"limit": error.limit},
            )
        ) from None
    except ValueError:  # includes UnicodeDecodeError
        raise _Stop(
            _problem_json("malformed", 400, _("The request is not valid JSON."))
        ) from None
    if not isinstance(payload, dict):
        raise _Stop(_problem_json("malformed", 400, _("Send a JSON object.")))
    return payload.get("page"), payload.get("answers")


@candidate_view("POST", api=True)
def autosave(request: HttpRequest) -> HttpResponse:
    """Save the answers of one page sent as JSON ``{"page": n, "answers": {}}``.

    The page's script flushes what is still unsaved when the page is hidden or
    closed with a beacon, as a form body (``page``, ``item-<key>`` fields and the
    CSRF token). ``page`` counts from 1 as in the page URLs. Answers ``{"saved": k,
    "seconds_left": s}`` or a problem JSON naming what was wrong.
    """
    invitation = _attempt(request, api=True)
    number, answers = _autosave_payload(request)
    if isinstance(number, bool) or not isinstance(number, int):
        return _problem_json(
            "malformed", 400, _("“page” must be the page number, counted from 1.")
        )
    if not isinstance(answers, dict):
        return _problem_json(
            "malformed", 400, _("“answers” must map item keys to answers.")
        )
    try:
        saved = services.answers_save(
            invitation=invitation, page=number - 1, answers=answers
        )
    except DomainError as error:
        if error.code == "time_up":
            services.submission_close_if_timed_out(invitation=invitation)
            return _problem_json(
                "time_up", 409, error.message, next=reverse("take:done")
            )
        if isinstance(error, Conflict):
            return _problem_json(
                "submitted", 409, error.message, next=reverse("take:done")
            )
        return _problem_json("invalid", problem_status(error), error.message)
    return JsonResponse({"saved": saved, "seconds_left": invitation.seconds_left()})


@candidate_view("GET", "HEAD", "POST")
def submit(request: HttpRequest) -> HttpResponse:
    """Review what is unanswered, then submit; a second submit lands on done."""
    invitation = _attempt(request)
    pages = services.taking_pages(invitation)
    if request.method == "POST":
        try:
            services.submission_submit(
                invitation=invitation, timed_out=_deadline_reached(invitation)
            )
        except DomainError:
            # Closed meanwhile (submitted elsewhere or timed out): done says which.
            services.submission_close_if_timed_out(invitation=invitation)
        return redirect("take:done")

    answered = _answered(invitation)
    texts = item_texts(invitation.instrument_version.definition, invitation.language)
    unanswered_pages = []
    number = 0
    for index, keys in enumerate(pages):
        missing = []
        for key in keys:
            number += 1
            if key not in answered:
                missing.append({"key": key, "number": number, "text": texts[key]})
        if missing:
            unanswered_pages.append({"number": index + 1, "items": missing})
    item_count = sum(len(keys) for keys in pages)
    context = {
        **_shared_context(invitation),
        "total": len(pages),
        "item_count": item_count,
        "answered_count": sum(1 for keys in pages for key in keys if key in answered),
        "unanswered_pages": unanswered_pages,
    }
    return render(request, "take/submit.html", context)


def _render_done(
    request: HttpRequest,
    invitation: Invitation,
    *,
    form: SelfIdentificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "job_title": invitation.application.job.title,
        "instrument_name": _translated(
            invitation.instrument_version.definition["name"], invitation.language
        ),
        "timed_out": invitation.timed_out,
        **_self_identification_context(request, invitation, form),
    }
    return render(request, "take/done.html", context, status=status)


def _self_identification_context(
    request: HttpRequest,
    invitation: Invitation,
    form: SelfIdentificationForm | None,
) -> dict:
    """The optional questions of the done page, or what became of them.

    Offered to the browser session that took the questionnaire only: the
    candidate is the session's invitation's, never named by the request. The
    form is always blank: answers stored earlier are never shown again, not even
    to a later session of the same candidate, since whoever holds one of their
    links (a recruiter who opened it) is not necessarily the candidate. The
    session that just saved is told so, without the answers.
    """
    data = request.session.get(SESSION_KEY) or {}
    state = data.get("self_id", "")
    candidate = invitation.application.candidate
    if candidate.is_erased or not _took_it(request, invitation):
        return {"self_id_state": "closed"}
    if form is None and not state:
        form = SelfIdentificationForm(questions=self_identification_questions())
    return {"self_id_state": state, "self_id_form": form}


@candidate_view("GET", "HEAD")
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation; says so when the time ran out and the server submitted.

    Then the voluntary self-identification questions, which the candidate may
    answer or skip.
    """
    invitation = _attempt(request, finished_ok=True)
    if not invitation.is_finished:
        return redirect("take:resume")
    return _render_done(request, invitation)


def _took_it(request: HttpRequest, invitation: Invitation) -> bool:
    """Whether this browser session held the attempt when it closed.

    A window left behind when the link was started again elsewhere (a shared
    computer, say) still reaches the done page; it is not asked about the
    candidate, nor can it answer for them.
    """
    data = request.session.get(SESSION_KEY)
    nonce = data.get("nonce") if isinstance(data, dict) else None
    return bool(nonce) and nonce == invitation.session_nonce


def _remember_self_identification(request: HttpRequest, state: str) -> None:
    data = dict(request.session.get(SESSION_KEY) or {})
    data["self_id"] = state
    request.session[SESSION_KEY] = data


@candidate_view("POST")
def self_identify(request: HttpRequest) -> HttpResponse:
    """Save (or skip) the optional self-identification answers, then back to done.

    Only after the questionnaire is submitted, and only for the candidate whose
    invitation this browser session took. A second post (a double click, or
    answers changed) replaces the first; a choice that is not offered is a 400
    naming the question.
    """
    invitation = _attempt(request, finished_ok=True)
    if not invitation.is_finished:
        return redirect("take:resume")
    if not _took_it(request, invitation):
        return _render_done(request, invitation, status=409)
    if request.POST.get("action") == "skip":
        _remember_self_identification(request, "skipped")
        return redirect("take:done")
    form = SelfIdentificationForm(
        request.POST, questions=self_identification_questions()
    )
    if not form.is_valid():
        return _render_done(request, invitation, form=form, status=400)
    try:
        self_identification_record(
            candidate=invitation.application.candidate, **form.cleaned_data
        )
    except Invalid as error:
        for name, messages in error.fields.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        return _render_done(request, invitation, form=form, status=400)
    except Conflict:
        # Erased meanwhile: nothing is kept, and the form is not offered again.
        return _render_done(request, invitation, status=409)
    _remember_self_identification(request, "saved")
    return redirect("take:done")
