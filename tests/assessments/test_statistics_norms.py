"""Local norms: from the valid completed submissions, once N >= 100, per language
and pooled; a new set only when the figures change."""

import numpy as np
import pytest

from assessments.models import NormSet, QuestionnaireResult
from assessments.results.norms import norm_set_current
from assessments.results.store import results_compute_and_store
from assessments.statistics.norms import norms_recompute, norms_recompute_outcomes
from tests.factories import submissions_create
from tests.factories.submissions import latent_answers


def _scored(version, n, **options):
    ids = submissions_create(version, n, **options)
    results_compute_and_store(invitation_ids=ids)
    return ids


def _means(ids, key):
    return [
        scales[key]["raw_mean"]
        for scales in QuestionnaireResult.objects.filter(
            invitation_id__in=ids, is_current=True, validity_status="valid"
        ).values_list("scales", flat=True)
    ]


def test_it_computes_norms_per_language_and_pooled(instrument_version):
    english = _scored(instrument_version, 130, seed=1)
    spanish = _scored(instrument_version, 60, seed=2, language="es")

    created = norms_recompute(version=instrument_version)

    by_language = {norm_set.language: norm_set for norm_set in created}
    assert set(by_language) == {"", "en"}  # Spanish alone is below 100
    pooled, local = by_language[""], by_language["en"]
    assert pooled.source == local.source == NormSet.Source.LOCAL
    means = _means(english, "coachability")
    assert local.n == len(means)
    figures = local.scales["coachability"]
    assert figures["mean"] == pytest.approx(np.mean(means))
    assert figures["sd"] == pytest.approx(np.std(means, ddof=1))
    assert figures["n"] == len(means)
    assert local.samples["coachability"] == sorted(means)
    assert pooled.n == len(means) + len(_means(spanish, "coachability"))
    assert norm_set_current(instrument_version, "en") == local
    assert norm_set_current(instrument_version, "es") == pooled


def test_it_waits_for_a_hundred_valid_submissions(instrument_version):
    _scored(instrument_version, 99)

    assert norms_recompute(version=instrument_version) == []
    assert norm_set_current(instrument_version, "en").is_provisional


def test_it_leaves_out_submissions_that_are_not_valid(instrument_version):
    _scored(instrument_version, 130, seed=3)
    valid = QuestionnaireResult.objects.filter(validity_status="valid")
    assert valid.count() >= 100
    keep = list(valid.order_by("pk").values_list("pk", flat=True)[:99])
    valid.exclude(pk__in=keep).update(validity_status="questionable")

    assert norms_recompute(version=instrument_version) == []


def test_it_stores_a_new_set_only_when_the_figures_change(instrument_version):
    _scored(instrument_version, 130, seed=4)
    first = norms_recompute(version=instrument_version)

    assert norms_recompute(version=instrument_version) == []

    _scored(instrument_version, 10, seed=5)
    second = norms_recompute(version=instrument_version)
    assert {n.language for n in first} == {n.language for n in second} == {"", "en"}
    assert NormSet.objects.filter(source="local").count() == 4


def test_it_covers_every_version_when_none_is_given(instrument_version):
    _scored(instrument_version, 130, seed=6)

    assert {n.version for n in norms_recompute()} == {instrument_version}


def test_it_leaves_out_a_scale_a_valid_candidate_did_not_answer(instrument_version):
    ids = _scored(instrument_version, 130, seed=5)
    skipped = QuestionnaireResult.objects.filter(
        invitation_id__in=ids, is_current=True, validity_status="valid"
    ).first()
    # Too few items of the scale answered: no mean, the others still scored.
    skipped.scales["coachability"]["raw_mean"] = None
    skipped.save(update_fields=["scales"])
    answered = [mean for mean in _means(ids, "coachability") if mean is not None]

    (pooled, local) = sorted(
        norms_recompute(version=instrument_version), key=lambda s: s.language
    )

    figures = local.scales["coachability"]
    assert figures["n"] == len(answered)
    assert figures["mean"] == pytest.approx(np.mean(answered))
    assert local.samples["coachability"] == sorted(answered)
    assert local.scales["achievement_drive"]["n"] == len(answered) + 1
    assert pooled.scales["coachability"]["n"] == len(answered)


def test_it_says_which_scale_has_too_few_scores_for_local_norms(instrument_version):
    definition = instrument_version.definition
    answers = latent_answers(definition, 110, seed=4)
    columns = [
        i
        for i, item in enumerate(definition["items"])
        if item["scale"] == "coachability"
    ]
    # 20 candidates skip 2 of the 8 items: their coachability is not scored.
    answers[:20, columns[:2]] = np.nan
    _scored(instrument_version, 110, answers=answers)
    valid = QuestionnaireResult.objects.filter(validity_status="valid").count()
    assert valid >= 100

    outcomes = norms_recompute_outcomes(version=instrument_version)[instrument_version]

    pooled = outcomes[0]
    assert (pooled.language, pooled.reason, pooled.scale) == (
        "",
        "too_few",
        "coachability",
    )
    assert pooled.n < 100
    assert not NormSet.objects.filter(source="local").exists()


def test_it_stores_no_norms_for_a_scale_whose_equal_means_have_a_rounding_sd(
    instrument_version,
):
    # Everyone skips the same coachability item and gives the same seven answers,
    # summing to 24: every mean is 24/7, and numpy's SD of those equal floats is
    # about 4.5e-16, not 0. A norm with that SD would put the next candidate at
    # z = 1e15.
    definition = instrument_version.definition
    answers = latent_answers(definition, 130, seed=6)
    columns = [
        i
        for i, item in enumerate(definition["items"])
        if item["scale"] == "coachability"
    ]
    keyed = [definition["items"][i]["keyed"] for i in columns]
    wanted = [4, 4, 3, 3, 3, 3, 4]  # keyed answers, sum 24
    answers[:, columns[0]] = np.nan
    for column, sign, value in zip(columns[1:], keyed[1:], wanted, strict=True):
        answers[:, column] = value if sign > 0 else 6 - value
    ids = _scored(instrument_version, 130, answers=answers)
    means = _means(ids, "coachability")
    assert len(means) >= 100
    assert set(means) == {24 / 7}
    assert np.std(means, ddof=1) > 0  # the rounding this guards against

    outcomes = norms_recompute_outcomes(version=instrument_version)[instrument_version]

    assert {(o.reason, o.scale) for o in outcomes} == {("no_spread", "coachability")}
    assert not NormSet.objects.filter(source="local").exists()
