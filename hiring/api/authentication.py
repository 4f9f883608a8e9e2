"""``Authorization: Bearer <API key>``: the only way into the API.

The session login of the web pages does not authenticate API calls, so a page
open in a browser cannot be turned into an API client (and no CSRF question arises).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from hiring.models import ApiKey
from hiring.selectors import API_KEY_RECHECK_SECONDS, api_key_for
from hiring.services import api_key_touch


class ApiClient:
    """Who calls: an applicant tracking system, known by its key.

    It is no user of the site: services called on its behalf record no actor.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("The Authorization header must read 'Bearer <API key>'.")
            )
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(
                _("The API key is unknown or revoked.")
            ) from None
        api_key = api_key_for(raw_key, max_age=API_KEY_RECHECK_SECONDS)
        if api_key is None:
            raise AuthenticationFailed(_("The API key is unknown or revoked."))
        api_key_touch(api_key=api_key)
        return ApiClient(api_key), api_key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
