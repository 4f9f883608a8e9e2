"""manage.py recompute_norms: local norms and reliability."""

import io

from django.core.management import call_command

from assessments.models import NormSet, ScaleReliability
from assessments.results.store import results_compute_and_store
from tests.factories import submissions_create


def _run(*args):
    out = io.StringIO()
    call_command("recompute_norms", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_it_stores_local_norms_and_reliability(instrument_version):
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 130, seed=1)
    )

    output = _run("--instrument", "sales-drive")

    assert "new local norms (all, N = " in output
    assert "new local norms (en, N = " in output
    assert "coachability: alpha 0." in output
    assert NormSet.objects.filter(source="local").count() == 2
    assert ScaleReliability.objects.filter(alpha__isnull=False).count() == 5


def test_it_says_when_there_are_too_few_submissions(instrument_version):
    results_compute_and_store(invitation_ids=submissions_create(instrument_version, 10))

    output = _run("--instrument", "sales-drive", "--version", "1")

    assert "norms unchanged (local norms need 100 valid submissions)" in output
    assert "not yet estimable (N = " in output
    assert not NormSet.objects.filter(source="local").exists()


def test_it_covers_every_instrument_by_default(instrument_version):
    assert "sales-drive v1: norms unchanged" in _run()
