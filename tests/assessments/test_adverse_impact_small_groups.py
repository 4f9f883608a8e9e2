"""No figure for a group of fewer than five, and none that subtraction recovers."""

import pytest

from assessments.adverse_impact import (
    QUESTIONNAIRE,
    PointCounts,
    adverse_impact_figures,
    point_figures,
    shown_groups,
)
from tests.factories import JobFactory
from tests.factories.fairness import decided_applications


def test_it_hides_a_group_of_four():
    shown = shown_groups(
        {"woman": (10, 20), "man": (12, 20), "non_binary": (1, 4)}, unstated=6
    )

    assert set(shown) == {"woman", "man"}


def test_it_shows_a_group_of_five():
    shown = shown_groups({"woman": (2, 5), "man": (3, 5)}, unstated=0)

    assert shown == {"woman": (2, 5), "man": (3, 5)}


def test_it_hides_the_next_smallest_group_when_the_rest_would_tell():
    # Everyone answered: the job's total minus the shown groups would be exactly
    # the hidden group of three, so the smallest shown group goes too.
    shown = shown_groups(
        {"woman": (10, 20), "man": (12, 30), "non_binary": (1, 3)}, unstated=0
    )

    assert set(shown) == {"man"}


def test_it_hides_the_next_smallest_group_when_few_did_not_answer():
    shown = shown_groups(
        {"woman": (10, 20), "man": (12, 30), "non_binary": (1, 2)}, unstated=2
    )

    assert set(shown) == {"man"}


def test_it_keeps_the_groups_when_enough_people_are_left_out_anyway():
    # 3 in the hidden group and 4 who did not answer: 7 left out, not one group.
    shown = shown_groups(
        {"woman": (10, 20), "man": (12, 30), "non_binary": (1, 3)}, unstated=4
    )

    assert set(shown) == {"woman", "man"}


def test_it_needs_no_second_suppression_when_nothing_is_hidden():
    shown = shown_groups({"woman": (10, 20), "man": (12, 30)}, unstated=1)

    assert set(shown) == {"woman", "man"}


def test_it_compares_nothing_with_a_single_group():
    figures = point_figures(
        QUESTIONNAIRE,
        PointCounts(groups={"woman": [3, 9], "man": [1, 4]}, unstated=0),
        labels={"woman": "Woman", "man": "Man"},
    )

    assert figures.groups == ()
    assert figures.comparable is False
    assert "at least two groups" in figures.summary[0]


@pytest.fixture
def job_with_a_small_group(db):
    job = JobFactory(title="Sales")
    decided_applications(
        job=job, counts={"woman": (8, 20), "man": (15, 25), "non_binary": (2, 4)}
    )
    return job


def test_it_keeps_every_figure_of_a_small_group_off_the_report(
    client, admin_user, job_with_a_small_group
):
    client.force_login(admin_user)

    page = client.get(
        "/reports/adverse-impact/", {"job": job_with_a_small_group.pk}
    ).content.decode()

    # The job's 49 decided are 20 + 25 + 4: both shown groups would give the
    # hidden four away, so only the larger one is left, and nothing compares.
    assert 'data-group="non_binary"' not in page
    assert "Non-binary" not in page
    assert 'data-group="woman"' not in page
    assert "data-figure" not in page
    assert "at least two groups" in page


def test_it_shows_the_large_groups_when_the_left_out_are_enough(db):
    job = JobFactory()
    decided_applications(
        job=job,
        counts={"woman": (8, 20), "man": (15, 25), "non_binary": (2, 4), None: (1, 3)},
    )

    (figures,) = adverse_impact_figures(characteristic="gender", jobs=[job]).jobs
    point = next(p for p in figures.points if p.point == QUESTIONNAIRE)

    assert {g.group for g in point.groups} == {"woman", "man"}
    assert point.decided_shown == 45
