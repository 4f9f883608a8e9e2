"""Local norms are not stored for a scale whose SD is below the published SEM.

A near-constant group (not exactly constant: that is "no_spread") gives an SD
close to 0, and z against it puts the next candidate at an extreme T.
"""

import numpy as np
import pytest

from assessments.definitions import definition_load, item_model
from assessments.models import NormSet
from assessments.results.norms import norm_set_current
from assessments.results.store import results_compute_and_store
from assessments.statistics.norms import norm_sd_floor, norms_recompute_outcomes
from tests.factories import submissions_create
from tests.factories.submissions import latent_answers

STARTER = "assessments/instruments/sales-drive.yaml"
NARROW = "coachability"


def _nearly_alike(version, n, differ):
    """``n`` attentive submissions in which everyone answers 3 to every NARROW
    item except the first ``differ``, who answer one item a step higher."""
    definition = version.definition
    answers = latent_answers(definition, n, seed=8)
    columns = [
        i for i, item in enumerate(definition["items"]) if item["scale"] == NARROW
    ]
    answers[:, columns] = 3
    first = columns[0]
    answers[:differ, first] = 4 if definition["items"][first]["keyed"] > 0 else 2
    ids = submissions_create(version, n, answers=answers)
    results_compute_and_store(invitation_ids=ids)
    return ids


def test_it_stores_no_norms_for_a_near_constant_scale(instrument_version):
    _nearly_alike(instrument_version, 130, differ=20)

    outcomes = norms_recompute_outcomes(version=instrument_version)[instrument_version]

    scale = next(
        s for s in instrument_version.definition["scales"] if s["key"] == NARROW
    )
    floor = scale["norms"]["sd"] * np.sqrt(1 - scale["reliability"])
    assert {(o.reason, o.scale) for o in outcomes} == {("too_narrow", NARROW)}
    for outcome in outcomes:
        # Means 3 or 3.125: SD about .045 against a floor of about .25. Stored,
        # it would have put a candidate at 4.0 on this scale at T 250 or more.
        assert 0 < outcome.sd < 0.06
        assert outcome.min_sd == pytest.approx(floor)
        assert 50 + 10 * (4.0 - 3.02) / outcome.sd > 250
    assert not NormSet.objects.filter(source="local").exists()
    assert norm_set_current(instrument_version, "en").is_provisional


def test_it_is_the_spread_of_candidates_with_one_true_score():
    # Simulated attentive respondents of the starter's model whose true scores
    # are all equal spread by measurement error alone: their SD is the floor
    # (up to the rounding of answers to the 1..5 scale), and any real pool,
    # whose true scores differ, spreads more.
    model = item_model(definition_load(STARTER))
    rng = np.random.default_rng(3)
    scale = model.scale_index
    r = model.correlation[scale]
    n = 20_000
    latent = np.sqrt(1 - r) * rng.standard_normal((n, scale.size))
    keyed = np.clip(
        np.rint(model.keyed_mean[scale] + model.item_sd[scale] * latent), 1, 5
    )
    for j, key in enumerate(model.spec.scale_keys):
        figures = model.scales[key]
        sd = keyed[:, scale == j].mean(axis=1).std(ddof=1)
        floor = norm_sd_floor(figures.sd, figures.reliability)
        assert floor == pytest.approx(figures.sd * np.sqrt(1 - figures.reliability))
        assert sd == pytest.approx(floor, rel=0.1)


def test_it_bounds_the_floor_by_the_reliability_ceiling():
    assert norm_sd_floor(0.6, 0.99) == pytest.approx(0.6 * np.sqrt(0.05))
