"""Rescoring holds a bounded amount of memory whatever the speed of either side:
at most two batches exist at once, and a failed write stops the run."""

import threading
import time

import pytest
from django.db import connection

from assessments.models import QuestionnaireResult
from assessments.results import rescore
from assessments.results.rescore import IN_FLIGHT, results_rescore
from tests.factories import submissions_create


class _Alive:
    """Counts the batches prepared and not yet written."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def change(self, by: int) -> None:
        with self.lock:
            self.now += by
            self.most = max(self.most, self.now)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_at_most_two_batches_in_flight_when_writes_are_slow(
    instrument_version, monkeypatch
):
    ids = submissions_create(instrument_version, 24)
    alive = _Alive()
    prepare, write = rescore.results_prepare, rescore.results_write

    def counted_prepare(*args, **kwargs):
        alive.change(+1)
        return prepare(*args, **kwargs)

    def slow_write(*args, **kwargs):
        time.sleep(0.2)  # a database busy elsewhere
        try:
            return write(*args, **kwargs)
        finally:
            alive.change(-1)

    monkeypatch.setattr(rescore, "results_prepare", counted_prepare)
    monkeypatch.setattr(rescore, "results_write", slow_write)

    outcome = results_rescore(version=instrument_version, batch_size=4)

    assert outcome.scored == 24
    assert outcome.batches == 6
    assert IN_FLIGHT == 2
    # On PostgreSQL one batch is written while the next is scored, never more;
    # SQLite has one writer, so there the batches go one at a time.
    assert alive.most == (IN_FLIGHT if connection.vendor == "postgresql" else 1)
    assert QuestionnaireResult.objects.filter(invitation_id__in=ids).count() == 24


@pytest.mark.django_db(transaction=True)
def test_it_stops_with_the_writers_error(instrument_version, monkeypatch):
    submissions_create(instrument_version, 20)
    write = rescore.results_write
    calls = []

    def failing_write(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return write(*args, **kwargs)

    monkeypatch.setattr(rescore, "results_write", failing_write)

    with pytest.raises(RuntimeError, match="disk full"):
        results_rescore(version=instrument_version, batch_size=4)

    # The first batch stays written (its own transaction); the run stopped
    # instead of scoring the other three.
    assert QuestionnaireResult.objects.count() == 4
    assert len(calls) <= 3
