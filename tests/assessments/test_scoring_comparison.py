"""The SED rule of the engine: composites that cannot be told apart at 95 %."""

import pytest

from assessments.scoring.comparison import composite_sem, composites_compare


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
