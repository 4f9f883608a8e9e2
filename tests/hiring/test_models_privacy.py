"""Rules of one row about candidates' data, checked on unsaved objects."""

from datetime import UTC, date, datetime

import pytest

from hiring.models import Application, Candidate, Stage, retention_date


@pytest.mark.parametrize(
    ("stage", "is_open"),
    [
        (Stage.APPLIED, True),
        (Stage.ASSESSING, True),
        (Stage.INTERVIEWING, True),
        (Stage.OFFER, True),
        (Stage.HIRED, False),
        (Stage.REJECTED, False),
        (Stage.WITHDRAWN, False),
    ],
)
def test_it_keeps_an_application_open_until_it_ends(stage, is_open):
    assert Application(stage=stage).is_open is is_open


def test_it_names_an_erased_candidate_by_number_only():
    candidate = Candidate(pk=7, first_name="", last_name="")
    candidate.erased_at = datetime(2027, 1, 1, tzinfo=UTC)

    assert candidate.is_erased
    assert candidate.full_name == "Erased candidate #7"
    assert str(candidate) == "Erased candidate #7"


def test_it_counts_the_retention_period_from_the_day_given(settings):
    settings.CRIBA_RETENTION_DAYS = 30

    assert retention_date(date(2027, 1, 31)) == date(2027, 3, 2)
