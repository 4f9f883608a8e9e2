"""Two recordings of a hire's first outcome at once make one outcome, not two and
not an error: the application's row is locked first. PostgreSQL only: SQLite
serialises every write, so it cannot show a race."""

from datetime import date

import pytest
from django.db import connection

from hiring.models import HireOutcome, OutboxEvent, Stage
from hiring.outcome_services import hire_outcome_record
from tests.conftest import service_missing
from tests.factories import ApplicationFactory
from tests.test_concurrency import _race

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_makes_one_outcome_from_two_concurrent_first_recordings():
    if connection.vendor != "postgresql":
        service_missing("row locks and concurrent inserts need PostgreSQL")
    hire = ApplicationFactory(stage=Stage.HIRED)

    outcomes = _race(
        lambda: hire_outcome_record(
            application=hire,
            by=None,
            start_date=date(2026, 3, 2),
            manager_name="Dana Reyes",
            quotas=[(2026, 1, 90)],
        )
    )

    assert all(isinstance(o, HireOutcome) for o in outcomes), outcomes
    assert sorted(o.created for o in outcomes) == [False, True]
    assert HireOutcome.objects.count() == 1
    # The second found the same values: nothing changed, nothing announced twice.
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 1
