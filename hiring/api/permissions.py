"""Scopes: a key reaches only what its scopes cover.

A view names the scopes it needs per HTTP method (``read_scopes`` for safe
methods, ``write_scopes`` for the others; any one of them suffices), or per
action in ``action_scopes``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from hiring.models import ApiKey


def required_scopes(request, view) -> tuple[str, ...]:
    action_scopes = getattr(view, "action_scopes", {})
    action = getattr(view, "action", None)
    if action in action_scopes:
        return tuple(action_scopes[action])
    if request.method in SAFE_METHODS:
        return tuple(getattr(view, "read_scopes", ()))
    return tuple(getattr(view, "write_scopes", ()))


class HasScope(BasePermission):
    """The request's key holds one of the scopes the view asks for."""

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey) or not api_key.is_active:
            return False
        if request.method not in view.allowed_methods:
            # Not a scope matter: the view answers 405 with the methods it takes.
            return True
        needed = required_scopes(request, view)
        if not needed:
            # A view that names no scope is closed, not open.
            self.message = _("This endpoint is not available to API keys.")
            return False
        if any(api_key.has_scope(scope) for scope in needed):
            return True
        self.message = _("This API key lacks the scope %(scopes)s.") % {
            "scopes": _(" or ").join(needed)
        }
        return False
