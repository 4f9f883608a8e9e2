"""Every applicant of the demo intake has a full name of their own, so the
pipeline, the interviews and the groups of the pages never show two people under
one name; the draw stays the same on every run."""

from assessments.management.demo_cohort import COHORT_SIZE, applicants_draw


def test_it_gives_every_applicant_a_full_name_of_their_own():
    people = applicants_draw()

    names = {(person.first_name, person.last_name) for person in people}

    assert len(names) == COHORT_SIZE


def test_it_draws_the_same_names_and_standings_on_every_run():
    first, second = applicants_draw(), applicants_draw()

    assert [(p.first_name, p.last_name, p.traits) for p in first] == [
        (p.first_name, p.last_name, p.traits) for p in second
    ]
