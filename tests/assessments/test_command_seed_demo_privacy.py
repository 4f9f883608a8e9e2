"""The demo shows candidates' data rights: an erased candidate and a privacy notice."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import PrivacyNotice, Response
from hiring.models import AuditEvent, Candidate


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_seeds_one_erased_candidate_whose_answers_remain(instrument_version):
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())

    erased = Candidate.objects.get(erased_at__isnull=False)
    assert erased.first_name == ""
    assert not Candidate.objects.filter(email="lena.vogt@example.com").exists()
    assert Response.objects.filter(invitation__application__candidate=erased).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).count() == 1
    assert PrivacyNotice.objects.exists()


def test_it_publishes_a_notice_when_none_exists(instrument_version):
    PrivacyNotice.objects.all().delete()

    output = StringIO()
    call_command("seed_demo", "--force", stdout=output)

    assert PrivacyNotice.objects.count() == 1
    assert "privacy notice" in output.getvalue()
