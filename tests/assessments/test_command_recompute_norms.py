"""manage.py recompute_norms: local norms and reliability."""

import io

from django.core.management import call_command

from assessments.models import NormSet, QuestionnaireResult, ScaleReliability
from assessments.results.store import results_compute_and_store
from tests.factories import submissions_create
from tests.factories.submissions import latent_answers


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


def _one_scale_alike(version, n):
    """``n`` valid submissions in which everyone answers every coachability item
    alike, so that scale has no spread; the other scales vary."""
    definition = version.definition
    answers = latent_answers(definition, n, seed=3)
    alike = [i for i, item in enumerate(definition["items"]) if item["scale"] == ALIKE]
    answers[:, alike] = 3
    ids = submissions_create(version, n, answers=answers)
    results_compute_and_store(invitation_ids=ids)
    assert QuestionnaireResult.objects.filter(validity_status="valid").count() == n


ALIKE = "coachability"


def test_it_says_which_scale_has_no_spread_when_norms_cannot_be_computed(
    instrument_version,
):
    _one_scale_alike(instrument_version, 130)

    output = _run("--instrument", "sales-drive")

    assert "need 100 valid submissions" not in output
    assert (
        "sales-drive v1: no local norms (all): every valid submission has the same "
        "coachability score, so there is no SD to standardise against" in output
    )
    assert "no local norms (en): every valid submission has the same" in output
    assert not NormSet.objects.filter(source="local").exists()


def test_it_says_alpha_is_not_estimable_for_a_scale_without_spread(
    instrument_version,
):
    _one_scale_alike(instrument_version, 40)

    output = _run("--instrument", "sales-drive")

    assert "coachability: not yet estimable" not in output
    assert (
        "coachability: not estimable: the scale's total is the same for every "
        "respondent, or every respondent answered its items alike; scores keep "
        "the published figure, N = 40" in output
    )
    assert "self_discipline: alpha 0." in output


def test_it_says_when_local_norms_are_unchanged(instrument_version):
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 130, seed=1)
    )
    _run("--instrument", "sales-drive")

    output = _run("--instrument", "sales-drive")

    assert "need 100 valid submissions" not in output
    assert "sales-drive v1: local norms unchanged (all, N = " in output
    assert "sales-drive v1: local norms unchanged (en, N = " in output


def test_it_says_which_scale_is_too_narrow_for_local_norms(instrument_version):
    definition = instrument_version.definition
    answers = latent_answers(definition, 130, seed=8)
    alike = [i for i, item in enumerate(definition["items"]) if item["scale"] == ALIKE]
    answers[:, alike] = 3
    answers[:20, alike[0]] = 4 if definition["items"][alike[0]]["keyed"] > 0 else 2
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 130, answers=answers)
    )

    output = _run("--instrument", "sales-drive")

    assert (
        "sales-drive v1: no local norms (all): the valid submissions' coachability "
        "scores have SD 0.0" in output
    )
    assert "the spread measurement error alone gives" in output
    assert not NormSet.objects.filter(source="local").exists()
