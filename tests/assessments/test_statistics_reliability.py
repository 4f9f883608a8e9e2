"""Reliability per version and scale, with its interval and N; not yet
estimable below 30; the SEM of later scores uses it."""

import math

import pytest

from assessments.definitions import instrument_spec
from assessments.models import QuestionnaireResult, ScaleReliability
from assessments.results.answers import answer_matrix
from assessments.results.store import results_compute_and_store
from assessments.scoring import instrument_reliability
from assessments.statistics.reliability import reliabilities_recompute
from tests.factories import submissions_create


def _scored(version, n, **options):
    ids = submissions_create(version, n, **options)
    results_compute_and_store(invitation_ids=ids)
    return ids


def test_it_says_not_yet_estimable_below_thirty(instrument_version):
    _scored(instrument_version, 20)

    rows = reliabilities_recompute(version=instrument_version)

    assert len(rows) == 5
    for row in rows:
        assert row.n == 20
        assert row.alpha is None
        assert row.alpha_low is None
        assert row.alpha_high is None


def test_it_estimates_alpha_with_its_interval(instrument_version):
    ids = _scored(instrument_version, 60, seed=2)
    valid = list(
        QuestionnaireResult.objects.filter(
            invitation_id__in=ids, validity_status="valid"
        ).values_list("invitation_id", flat=True)
    )
    spec = instrument_spec(instrument_version.definition)
    expected = instrument_reliability(answer_matrix(valid, spec.item_keys)[0], spec)

    reliabilities_recompute(version=instrument_version)

    for row in ScaleReliability.objects.filter(version=instrument_version):
        stats = expected[row.scale_key]
        assert row.n == stats.n == len(valid)
        assert row.alpha == pytest.approx(stats.alpha)
        assert row.alpha_low < row.alpha < row.alpha_high
        assert (row.alpha_low, row.alpha_high) == pytest.approx(
            (stats.alpha_low, stats.alpha_high)
        )


def test_it_keeps_one_row_per_scale(instrument_version):
    _scored(instrument_version, 35)
    reliabilities_recompute(version=instrument_version)
    _scored(instrument_version, 5, seed=9)

    reliabilities_recompute(version=instrument_version)

    assert ScaleReliability.objects.filter(version=instrument_version).count() == 5


def test_scores_before_it_say_their_reliability_is_the_definitions(
    instrument_version,
):
    published = {
        scale["key"]: scale["reliability"]
        for scale in instrument_version.definition["scales"]
    }

    [result] = results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 1, seed=4)
    )

    for key, figures in result.scales.items():
        assert figures["reliability"] == pytest.approx(published[key])
        assert figures["reliability_source"] == "definition"


def test_later_scores_take_their_sem_from_it(instrument_version):
    _scored(instrument_version, 40, seed=3)
    reliabilities_recompute(version=instrument_version)
    alpha = ScaleReliability.objects.get(
        version=instrument_version, scale_key="coachability"
    ).alpha

    [result] = results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 1, seed=4)
    )

    figures = result.scales["coachability"]
    assert figures["reliability"] == pytest.approx(alpha)
    assert figures["reliability_source"] == "estimate"
    assert figures["sem"] == pytest.approx(10 * math.sqrt(1 - alpha))
