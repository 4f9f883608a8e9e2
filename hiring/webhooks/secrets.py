"""Signing secrets: `whsec_` + base64 of 24 random bytes, as the Standard Webhooks
specification shapes them, kept encrypted (Fernet) under a key derived from the
server's secret key, so a database copy alone cannot sign.

A secret is sealed under `SECRET_KEY` and opened under it or any of
`SECRET_KEY_FALLBACKS`, so the server's key can be rotated without losing the
endpoints: set the new key, keep the old one as a fallback, run
`manage.py reseal_webhook_secrets`, then drop the fallback."""

from __future__ import annotations

import base64
import secrets as random

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

PREFIX = "whsec_"
_SALT = "criba.webhook-secret"


def secret_new() -> str:
    return PREFIX + base64.b64encode(random.token_bytes(24)).decode("ascii")


def _fernet_for(server_key: str) -> Fernet:
    key = salted_hmac(_SALT, "fernet", secret=server_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> MultiFernet:
    """Seals with the current server key; opens with it or a fallback."""
    server_keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet_for(server_key) for server_key in server_keys])


def secret_seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def secret_open(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("ascii")


def secret_reseal(sealed: str) -> str:
    """The same secret sealed under the current server key (from a fallback's)."""
    return _fernet().rotate(sealed.encode("ascii")).decode("ascii")
