"""Stored results side by side under the SED rule (the rule is the engine's,
``scoring.comparison``; this reads its inputs from the stored rows)."""

from __future__ import annotations

from collections.abc import Iterable

from assessments.models import QuestionnaireResult
from assessments.scoring.comparison import (
    SED_Z,
    CompositeStanding,
    composite_sem,
    composites_compare,
)


def result_composite_sem(result: QuestionnaireResult) -> float | None:
    """SEM of a stored composite: the weights of the plan it was scored under
    (from its explanation) and the SEMs of its scales."""
    contributions = (result.explanation or {}).get("contributions") or []
    weights = {item["scale"]: item["weight"] for item in contributions}
    return composite_sem(result.scales or {}, weights)


def results_compare(
    results: Iterable[QuestionnaireResult], *, z: float = SED_Z
) -> list[CompositeStanding]:
    """``composites_compare`` for stored results (the key is the result)."""
    return composites_compare(
        (
            (result, result.composite, result_composite_sem(result))
            for result in results
        ),
        z=z,
    )
