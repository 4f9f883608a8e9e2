"""Signing secrets: `whsec_` + base64 of 24 random bytes, as the Standard Webhooks
specification shapes them, kept encrypted (Fernet) under a key derived from the
server's secret key, so a database copy alone cannot sign."""

from __future__ import annotations

import base64
import secrets as random

from cryptography.fernet import Fernet
from django.utils.crypto import salted_hmac

PREFIX = "whsec_"


def secret_new() -> str:
    return PREFIX + base64.b64encode(random.token_bytes(24)).decode("ascii")


def _fernet() -> Fernet:
    key = salted_hmac("criba.webhook-secret", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def secret_open(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("ascii")
