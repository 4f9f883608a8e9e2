"""Candidate link tokens, derived rather than stored.

Each invitation stores a random salt and the SHA-256 of its token. The token itself
is an HMAC of the salt under the server's secret key, so it can be derived again
(to show the link to the recruiter, or for the email task to put it in the email)
without ever being stored or passing through the broker, while the database alone
(a backup, a replica) yields no usable link. Rotating ``DJANGO_SECRET_KEY`` turns
every outstanding link dead, as it does every session.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

_KEY_SALT = "criba.invitation-token"


def new_token_salt() -> str:
    # 128 random bits: the HMAC output is the secret, the salt only makes it unique.
    return secrets.token_hex(16)


def token_derive(salt: str) -> str:
    """The 256-bit token for a salt: base64url of HMAC-SHA256(secret key, salt)."""
    digest = salted_hmac(_KEY_SALT, salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def row_for_token(rows, token: str):
    """The row of ``rows`` (a queryset with ``token_hash``) whose token this is,
    or None; a string no token could be is not looked up."""
    if not 20 <= len(token) <= 100:
        return None
    return rows.filter(token_hash=token_hash(token)).first()


def invitation_token(invitation) -> str | None:
    """The invitation's token, or None for a link minted without a salt."""
    return token_derive(invitation.token_salt) if invitation.token_salt else None


def token_url(token: str) -> str:
    return settings.CRIBA_BASE_URL + reverse("take:landing", args=[token])


def invitation_link(invitation) -> str | None:
    """The candidate's private link, for as long as the invitation is open."""
    if not invitation.is_open:
        return None
    token = invitation_token(invitation)
    return token_url(token) if token else None


# A hire's development plan link: the same derivation under its own key salt, so a
# plan's token can never open an invitation, nor an invitation's token a plan.
_PLAN_KEY_SALT = "criba.development-plan-token"


def plan_token_derive(salt: str) -> str:
    digest = salted_hmac(_PLAN_KEY_SALT, salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def development_plan_link(plan) -> str:
    """The hire's private link to their development plan, derived each time."""
    token = plan_token_derive(plan.token_salt)
    return settings.CRIBA_BASE_URL + reverse("my_plan:landing", args=[token])
