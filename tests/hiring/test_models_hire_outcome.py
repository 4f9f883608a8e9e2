"""A hire's retention at 90 and 180 days is derived, the same in Python and SQL."""

import datetime

import pytest

from hiring.models import HireOutcome, LeavingReason
from tests.factories import HireOutcomeFactory

START = datetime.date(2026, 1, 5)


def outcome(leaving=None) -> HireOutcome:
    return HireOutcome(
        start_date=START,
        leaving_date=leaving,
        leaving_reason=LeavingReason.VOLUNTARY if leaving else "",
    )


@pytest.mark.parametrize(
    ("leaving", "today", "at_90", "at_180"),
    [
        (None, START + datetime.timedelta(days=89), None, None),
        (None, START + datetime.timedelta(days=90), True, None),
        (None, START + datetime.timedelta(days=180), True, True),
        (START + datetime.timedelta(days=30), START, False, False),
        (
            START + datetime.timedelta(days=90),
            START + datetime.timedelta(days=400),
            True,
            False,
        ),
        (
            START + datetime.timedelta(days=179),
            START + datetime.timedelta(days=400),
            True,
            False,
        ),
        (
            START + datetime.timedelta(days=180),
            START + datetime.timedelta(days=400),
            True,
            True,
        ),
    ],
)
def test_it_derives_employment_at_the_checkpoints(leaving, today, at_90, at_180):
    row = outcome(leaving)
    assert row.employed_at(90, today) is at_90
    assert row.employed_at(180, today) is at_180


@pytest.mark.django_db
def test_it_derives_the_same_in_sql():
    today = START + datetime.timedelta(days=200)
    cases = [
        None,
        START + datetime.timedelta(days=10),
        START + datetime.timedelta(days=120),
    ]
    rows = [
        HireOutcomeFactory(
            start_date=START,
            leaving_date=leaving,
            leaving_reason=LeavingReason.OTHER if leaving else "",
        )
        for leaving in cases
    ]
    rows.append(HireOutcomeFactory(start_date=today - datetime.timedelta(days=100)))
    annotated = {
        row.pk: (row.employed_90, row.employed_180)
        for row in HireOutcome.objects.with_retention(today)
    }
    for row in rows:
        assert annotated[row.pk] == (
            row.employed_at(90, today),
            row.employed_at(180, today),
        )
