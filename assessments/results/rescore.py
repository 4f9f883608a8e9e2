"""Rescoring every submission of an instrument version, batch after batch.

Idempotent and resumable: a submission that already holds a result for the
current scoring version and norm set is skipped. On PostgreSQL outside a
transaction, a batch is written on a second connection while the next one is
read and scored (the database parses one batch's JSON while Python scores the
next). Memory is bounded by design: at most ``IN_FLIGHT`` batches exist at
once (the one being scored included), the writer drops each batch once it is
written and returns the freed pages, and nothing read from the database is
kept across batches but a few norm sets.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessments.models import InstrumentVersion, Invitation, QuestionnaireResult
from assessments.results import store
from assessments.results.insert import PreparedResults
from assessments.results.memory import allocator_release
from assessments.results.store import (
    SCORABLE,
    ScoringContext,
    results_prepare,
    results_write,
)

RESCORE_BATCH_SIZE = 2500
# Batches alive at once in a run: one written while the next is scored.
IN_FLIGHT = 2


def _pending(version: InstrumentVersion, context: ScoringContext):
    """Scorable invitations of ``version`` without a result for this scoring
    version and the norm set current for their language."""
    languages = (
        Invitation.objects.filter(instrument_version=version, status__in=SCORABLE)
        .order_by()
        .values_list("language", flat=True)
        .distinct()
    )
    lacking = Q(pk__in=[])
    for language in languages:
        done = QuestionnaireResult.objects.filter(
            invitation=OuterRef("pk"),
            scoring_version=store.SCORING_VERSION,
            norm_set=context.norm_set(version.pk, language),
        )
        lacking |= Q(language=language) & ~Exists(done)
    return Invitation.objects.filter(
        lacking, instrument_version=version, status__in=SCORABLE
    )


def results_rescore_pending(*, version: InstrumentVersion) -> int:
    """How many submissions of ``version`` a rescore would score now."""
    return _pending(version, ScoringContext()).count()


def _next_ids(
    version: InstrumentVersion, context: ScoringContext, after_id: int, size: int
) -> list[int]:
    return list(
        _pending(version, context)
        .filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )


@dataclass(frozen=True)
class RescoreBatch:
    scored: int
    last_id: int | None  # None: nothing was left after ``after_id``


def results_rescore_batch(
    *,
    version: InstrumentVersion,
    after_id: int = 0,
    batch_size: int = RESCORE_BATCH_SIZE,
    now: datetime | None = None,
) -> RescoreBatch:
    """Score the next ``batch_size`` pending submissions with a pk above ``after_id``.

    One transaction. Resumable: continue from ``last_id``, or start again from 0
    (what is done is skipped).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    context = ScoringContext()
    ids = _next_ids(version, context, after_id, batch_size)
    if not ids:
        return RescoreBatch(scored=0, last_id=None)
    scored = results_write(results_prepare(ids, context), now=now or timezone.now())
    return RescoreBatch(scored=scored, last_id=ids[-1])


@dataclass(frozen=True)
class RescoreOutcome:
    scored: int
    batches: int


class _Writer:
    """Writes batches on this thread, in order, one transaction each."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.counts: list[int] = []

    def reserve(self) -> None:
        """Wait until one more batch may exist."""

    def cancel(self) -> None:
        """Give back a reservation that was not used."""

    def submit(self, prepared: PreparedResults) -> None:
        self.counts.append(results_write(prepared, now=self.now))

    def written(self) -> list[int]:
        """How many results each batch written since the last call stored."""
        counts, self.counts = self.counts, []
        return counts

    def close(self) -> None:
        """Wait for every submitted batch to be written."""


class _ThreadedWriter(_Writer):
    """Writes batches on a second thread and connection.

    A batch holds a slot from before it is read until it is written, so at most
    ``depth`` batches exist at once whatever the speed of either side; the
    queue between the threads is bounded by the same number.
    """

    def __init__(self, *, now: datetime, depth: int) -> None:
        super().__init__(now=now)
        self._slots = threading.Semaphore(depth)
        self._queue: queue.Queue[PreparedResults | None] = queue.Queue(maxsize=depth)
        self._written: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name="rescore-writer", daemon=True
        )
        self._thread.start()

    def reserve(self) -> None:
        self._slots.acquire()
        self._raise()

    def cancel(self) -> None:
        self._slots.release()

    def submit(self, prepared: PreparedResults) -> None:
        self._queue.put(prepared)

    def written(self) -> list[int]:
        counts = []
        while not self._written.empty():
            counts.append(self._written.get())
        return counts

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while (prepared := self._queue.get()) is not None:
                try:
                    if self._error is None:
                        self._written.put(results_write(prepared, now=self.now))
                except BaseException as error:  # handed to the main thread
                    self._error = error
                finally:
                    prepared = None
                    allocator_release()
                    self._slots.release()
        finally:
            connection.close()


def results_rescore(
    *,
    version: InstrumentVersion,
    batch_size: int = RESCORE_BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
    now: datetime | None = None,
) -> RescoreOutcome:
    """Rescore every submission of ``version`` with this scoring version and the
    current norms, in pk order, one transaction per batch.

    Earlier results stay, marked with their scoring version and norm set; the new
    one becomes current. Idempotent and resumable: submissions already holding a
    result for (``SCORING_VERSION``, current norm set) are skipped, so a second
    run writes nothing and an interrupted one continues where it stopped.
    ``progress`` is called with the number of submissions of each batch, in
    order, once it is written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or timezone.now()
    context = ScoringContext()
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block
    writer = _ThreadedWriter(now=now, depth=IN_FLIGHT) if overlap else _Writer(now=now)
    after_id, scored, batches = 0, 0, 0

    def report() -> None:
        nonlocal scored
        for count in writer.written():
            scored += count
            if progress is not None:
                progress(count)

    try:
        while True:
            writer.reserve()
            report()
            ids = _next_ids(version, context, after_id, batch_size)
            if not ids:
                writer.cancel()
                break
            writer.submit(results_prepare(ids, context))
            batches += 1
            after_id = ids[-1]
    finally:
        writer.close()
    report()
    return RescoreOutcome(scored=scored, batches=batches)
