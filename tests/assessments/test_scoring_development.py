"""Which areas a development plan works on: the least favourable first, with the
scale's direction respected, two or three goals, one goal per key."""

import pytest

from assessments.scoring.development import (
    COMPETENCY,
    SCALE,
    Area,
    development_areas_choose,
)


def scale(key, t, higher_is_better=True):
    return Area(source=SCALE, key=key, value=t, higher_is_better=higher_is_better)


def competency(key, mean):
    return Area(source=COMPETENCY, key=key, value=mean)


def keys(choices):
    return [(c.area.source, c.area.key, c.rank) for c in choices]


def test_it_reads_a_high_score_on_a_lower_is_better_scale_as_unfavourable():
    assert scale("negativity", 66, higher_is_better=False).standing == pytest.approx(
        -1.6
    )
    assert scale("coachability", 41).standing == pytest.approx(-0.9)
    assert competency("accountability", 2.0).standing == pytest.approx(-1.0)


def test_it_takes_the_least_favourable_scale_by_direction_not_the_lowest_number():
    choices = development_areas_choose(
        [
            scale("drive", 45),
            scale("negativity", 62, higher_is_better=False),
            scale("discipline", 55),
        ]
    )

    # Negativity T 62 (z -1.2 oriented) before drive T 45 (-0.5); discipline is
    # above the norm and the plan already has two goals.
    assert keys(choices) == [("scale", "negativity", 1), ("scale", "drive", 2)]


def test_a_low_negativity_score_is_a_strength_and_not_chosen():
    choices = development_areas_choose(
        [
            scale("negativity", 35, higher_is_better=False),
            scale("drive", 48),
            scale("discipline", 46),
        ]
    )

    assert [c.area.key for c in choices] == ["discipline", "drive"]


def test_it_draws_on_both_the_questionnaire_and_the_interview():
    choices = development_areas_choose(
        [
            scale("drive", 38),
            scale("discipline", 40),
            scale("coachability", 42),
            competency("customer_focus", 2.8),
            competency("prospecting", 4.0),
        ]
    )

    # The lowest scale and the lowest competency first, then the next lowest area
    # below average; least favourable first.
    assert keys(choices) == [
        ("scale", "drive", 1),
        ("scale", "discipline", 2),
        ("competency", "customer_focus", 1),
    ]


def test_it_stops_at_two_goals_when_nothing_else_is_below_average():
    choices = development_areas_choose(
        [
            scale("drive", 58),
            scale("discipline", 61),
            competency("customer_focus", 3.5),
            competency("prospecting", 4.5),
        ]
    )

    assert keys(choices) == [
        ("competency", "customer_focus", 1),
        ("scale", "drive", 1),
    ]


def test_it_never_gives_more_than_three_goals():
    areas = [scale(f"s{i}", 30 + i) for i in range(5)]
    areas += [competency(f"c{i}", 1.0 + i / 10) for i in range(5)]

    assert len(development_areas_choose(areas)) == 3


def test_a_competency_named_like_a_chosen_scale_is_not_chosen_twice():
    choices = development_areas_choose(
        [
            scale("coachability", 38),
            scale("drive", 52),
            competency("coachability", 1.5),
            competency("accountability", 2.5),
        ]
    )

    # The competency "coachability" (1.5) is lower still, but its goal would
    # repeat the scale's; the next competency takes its place.
    assert keys(choices) == [
        ("scale", "coachability", 1),
        ("competency", "accountability", 2),
    ]


def test_it_chooses_nothing_without_areas_and_one_goal_from_a_single_area():
    assert development_areas_choose([]) == ()
    assert keys(development_areas_choose([competency("accountability", 4.0)])) == [
        ("competency", "accountability", 1)
    ]
