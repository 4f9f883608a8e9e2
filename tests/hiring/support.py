"""Helpers shared by the tests of the recruiter pages."""

import pytest


@pytest.fixture
def web(settings):
    """Plain HTTP, unhashed static names and a fast password hasher.

    The test settings run with DEBUG off: HTTPS redirects and the manifest storage
    (which needs collectstatic) would otherwise answer every page.
    """
    settings.SECURE_SSL_REDIRECT = False
    # Argon2 is deliberately slow; the many users of these tests need not be safe.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def logged_in(client, user):
    client.force_login(user)
    return client
