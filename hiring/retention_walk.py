"""The walk every retention purge takes: one window of rows at a time, in id
order, stage after stage, each window's old rows taken with ``FOR UPDATE SKIP
LOCKED`` and deleted.

Ids follow creation, so the old rows come first: a step reads only its window,
and a stage ends at the first window that is not full or reaches rows younger
than the cutoff. A row locked by someone else is skipped (the next purge looks
again), and two purges at once never wait on each other. The modules that keep
webhook history and an applicant tracking system's records say what each of
their stages deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Model, QuerySet

# What a stage does with one window: (cutoff, after_id, batch_size) -> (rows
# deleted, the id the stage's next window starts after, or None: stage over).
StagePurge = Callable[[datetime, int, int], tuple[int, int | None]]


@dataclass(frozen=True)
class RetentionStep:
    stage: str
    deleted: int
    # (stage, after_id) of the next step; None once the walk is over.
    next: tuple[str, int] | None


def retention_step(
    stages: Sequence[tuple[str, StagePurge]],
    *,
    stage: str,
    after_id: int,
    cutoff: datetime,
    batch_size: int,
) -> RetentionStep:
    """Run ``stage``'s purge on the window after ``after_id``; says where the
    next step starts (the same stage, the next one from its start, or none)."""
    names = [name for name, _purge in stages]
    if stage not in names:
        raise ValueError(f"Unknown stage {stage!r}")
    index = names.index(stage)
    deleted, last = stages[index][1](cutoff, after_id, batch_size)
    if last is not None:
        following = (stage, last)
    elif index + 1 < len(stages):
        following = (names[index + 1], 0)
    else:
        following = None
    return RetentionStep(stage=stage, deleted=deleted, next=following)


def retention_window(
    model: type[Model],
    *,
    after_id: int,
    batch_size: int,
    cutoff: datetime,
    made_at: str = "created_at",
) -> tuple[list[int], int | None]:
    """The ids of the next window, and its last id when the walk goes on past
    it (the window is full and wholly older than the cutoff)."""
    rows = list(
        model.objects.filter(pk__gt=after_id)
        .order_by("id")
        .values_list("pk", made_at)[:batch_size]
    )
    ids = [pk for pk, _made in rows]
    goes_on = len(rows) == batch_size and max(m for _pk, m in rows) < cutoff
    return ids, (ids[-1] if goes_on else None)


def unlocked_rows_delete(rows: QuerySet) -> int:
    """Delete the rows of ``rows`` nobody else holds locked; how many went."""
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True)
            .order_by()
            .values_list("pk", flat=True)
        )
        if ids:
            rows.model.objects.filter(pk__in=ids).delete()
    return len(ids)
