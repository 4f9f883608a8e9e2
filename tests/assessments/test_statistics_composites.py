"""Composites side by side under the SED rule, and the band said in words."""

import math

import pytest

from assessments.explanations import band_explanation_text
from assessments.results.store import results_compute_and_store
from assessments.scoring.comparison import composite_sem, composites_compare
from assessments.statistics.comparison import results_compare
from tests.assessments.test_statistics_data import submissions_create


def test_it_combines_the_scale_sems_of_a_composite():
    scales = {"a": {"sem": 4.0}, "b": {"sem": 3.0}, "c": {"sem": 9.0}}

    sem = composite_sem(scales, {"a": 0.5, "b": -0.5, "c": 0.0})

    # z-metric SEMs .4 and .3, weighted by .5: sqrt(.2^2 + .15^2) = .25
    assert sem == pytest.approx(0.25)
    assert composite_sem({"a": {"sem": 4.0}}, {"a": 1.0, "b": 1.0}) is None


def test_it_does_not_rank_apart_what_the_sed_cannot_separate():
    # SEM .2 each: SED .2828, so composites closer than 1.96 x .2828 = .554 tie.
    entries = [("ana", 1.0, 0.2), ("ben", 0.6, 0.2), ("cai", 0.3, 0.2)]
    entries += [("dan", -0.5, 0.2), ("eve", None, 0.2)]

    standings = composites_compare(entries)

    assert [(s.key, s.group) for s in standings] == [
        ("ana", 1),
        ("ben", 1),
        ("cai", 2),  # .7 below ana: distinguishable from her, not from ben
        ("dan", 3),
    ]
    by_key = {s.key: s for s in standings}
    assert by_key["ben"].indistinguishable_from == ("ana", "cai")
    assert by_key["dan"].indistinguishable_from == ()


def test_it_follows_the_worked_example_of_the_scoring_reference():
    # SD 10, r .84: SEM 4, SED 5.657; T scores closer than 11.09 tie.
    standings = composites_compare([("x", 62.0, 4.0), ("y", 51.0, 4.0)])
    assert {s.group for s in standings} == {1}

    standings = composites_compare([("x", 62.0, 4.0), ("y", 50.8, 4.0)])
    assert [s.group for s in standings] == [1, 2]


def test_it_compares_stored_results(instrument_version):
    stored = results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 6, seed=3)
    )

    standings = results_compare(stored)

    assert {s.key for s in standings} == set(stored)
    weights = {"self_discipline": 0.25, "achievement_drive": 0.2}
    weights |= {"coachability": 0.2, "resilience_to_rejection": 0.2}
    weights |= {"negativity_blame": -0.15}
    expected = math.sqrt(
        sum((w * 10 * math.sqrt(0.2) / 10) ** 2 for w in weights.values())
    )
    assert all(s.sem == pytest.approx(expected) for s in standings)
    composites = [s.composite for s in standings]
    assert composites == sorted(composites, reverse=True)


EXPLANATION = {
    "composite": 0.12,
    "band": "fit",
    "contributions": [
        {"scale": "sd", "weight": 0.25, "z": 1.2, "contribution": 0.3},
        {"scale": "rr", "weight": 0.2, "z": -1.0, "contribution": -0.2},
        {"scale": "nb", "weight": -0.15, "z": -0.4, "contribution": 0.06},
        {"scale": "co", "weight": 0.2, "z": -0.2, "contribution": -0.04},
    ],
    "missing_scales": [],
    "nearest_cut": 0.0,
    "nearest_cut_label": "fit",
    "distance_to_cut": 0.12,
}
NAMES = {"sd": "Self-discipline", "rr": "Resilience", "nb": "Negativity"}
NAMES |= {"co": "Coachability"}


def test_it_says_what_drove_the_band():
    sentences = band_explanation_text(
        EXPLANATION, scale_name=NAMES.get, band_name=str.title, sem=0.2
    )

    assert sentences[0] == "The composite of +0.12 falls in the band “Fit”."
    assert (
        sentences[1]
        == "What raised it most: Self-discipline (+0.30), Negativity (+0.06)."
    )
    assert sentences[2] == (
        "What lowered it most: Resilience (\u22120.20), Coachability (\u22120.04)."
    )
    assert sentences[3] == "It lies 0.12 above the cut score +0.00 of the band “Fit”."
    assert "within the composite's 95 % band" in sentences[4]


def test_it_says_why_there_is_no_composite():
    explanation = EXPLANATION | {"composite": None, "missing_scales": ["rr"]}

    sentences = band_explanation_text(
        explanation, scale_name=NAMES.get, band_name=str.title
    )

    assert sentences == [
        "No composite could be computed: too few answers on Resilience."
    ]
    assert band_explanation_text({}, scale_name=NAMES.get, band_name=str) == []
