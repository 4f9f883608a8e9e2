"""What every response under the candidate's and the hire's paths carries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Where config/urls.py mounts the pages a token opens (assessments.urls_candidate
# and assessments.urls_my_plan).
TOKEN_PATH_PREFIXES = ("/take/", "/my-plan/")


def candidate_headers(response: HttpResponse) -> HttpResponse:
    """No referrer and no caching: the landing URL holds the token, and the pages
    after it a candidate's answers.

    The one place these headers are set, for the views (``candidate_view``) and
    for whatever a middleware answers under their paths before any view runs.
    """
    response.headers["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


class CandidateHeadersMiddleware:
    """``candidate_headers`` on every response under the token paths, including
    the early answers of the middleware inside it (a 400 for ``%00``, a 404) and
    whatever header the security middleware outside it would set by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(TOKEN_PATH_PREFIXES):
            candidate_headers(response)
        return response
