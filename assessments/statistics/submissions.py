"""Which submissions the figures of a version come from.

Everything reads the current result of each submission; "valid" means its
validity status is ``valid`` (SCORING.md section 6).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db.models import QuerySet

from assessments.models import InstrumentVersion, QuestionnaireResult
from assessments.results.answers import answer_matrix
from assessments.results.store import SCORABLE

# Answers are read this many submissions at a time.
CHUNK = 5000


def scored_results(version: InstrumentVersion) -> QuerySet[QuestionnaireResult]:
    """Current results of the completed submissions of ``version``."""
    return QuestionnaireResult.objects.filter(
        is_current=True,
        invitation__instrument_version=version,
        invitation__status__in=SCORABLE,
    )


def valid_results(version: InstrumentVersion) -> QuerySet[QuestionnaireResult]:
    """Current results of the completed submissions of ``version`` judged valid."""
    return scored_results(version).filter(validity_status="valid")


def versions_or_all(version: InstrumentVersion | None) -> list[InstrumentVersion]:
    return [version] if version is not None else list(InstrumentVersion.objects.all())


def answers_of(ids: list[int], item_keys: Sequence[str]) -> np.ndarray:
    """The answer matrix of ``ids``, read ``CHUNK`` submissions at a time."""
    parts = [
        answer_matrix(ids[start : start + CHUNK], item_keys)[0]
        for start in range(0, len(ids), CHUNK)
    ]
    return np.vstack(parts) if parts else np.empty((0, len(item_keys)))
