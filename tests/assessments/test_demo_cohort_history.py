"""The demo intake's history: each step on an earlier day than the next, counted
back from the start date, the hiring team's steps on weekdays, the same on every
run."""

import random
from datetime import date, timedelta

from django.utils import timezone

from assessments.management.demo_cohort import (
    COHORT_SEED,
    applicants_draw,
    history_for,
)


def _histories(start_every: int) -> list:
    rng = random.Random(COHORT_SEED + 4)
    people = applicants_draw()
    for person in people[::start_every]:
        person.start_date = date(2025, 2, 3) + timedelta(days=person.index)
    return [(person, history_for(person, rng)) for person in people]


def _day(moment):
    return timezone.localtime(moment).date()


def test_it_puts_each_step_on_an_earlier_day_than_the_next():
    for person, history in _histories(start_every=3):
        days = [
            _day(history.applied),
            _day(history.invited),
            _day(history.submitted),
            _day(history.screened),
            _day(history.interview),
            _day(history.decided),
        ]
        assert days == sorted(set(days)), person.index
        assert history.submitted < history.scored < history.self_identified
        assert history.interview < min(history.scorecards)
        assert max(history.scorecards) < history.completed < history.decided
        if person.start_date is not None:
            assert _day(history.decided) < person.start_date


def test_it_keeps_the_hiring_teams_steps_on_weekdays():
    for _person, history in _histories(start_every=2):
        for moment in (
            history.invited,
            history.screened,
            history.interview,
            history.decided,
        ):
            assert _day(moment).weekday() < 5


def test_it_draws_the_same_history_on_every_run_whatever_the_start_dates():
    first = _histories(start_every=3)
    again = _histories(start_every=3)
    assert [h for _, h in first] == [h for _, h in again]
    # A start date moves only that person's steps: the others draw as before.
    others = _histories(start_every=1000)
    assert first[1][1] == others[1][1]
