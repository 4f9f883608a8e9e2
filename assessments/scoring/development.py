"""Which areas a new hire's development plan works on.

Pure: plain figures in, dataclasses out. Questionnaire scales (T scores) and
interview competencies (mean ratings 1..5) are put on one oriented z metric, where
a lower number is always the less favourable standing:

- a scale: ``z = (T - 50) / 10``, negated for a lower-is-better scale
  (``ScaleSpec.higher_is_better``; e.g. a high negativity T is unfavourable), as
  the composite treats direction (SCORING.md section 4: a lower-is-better scale
  carries a negative weight);
- a competency: ``z = (mean - 3) / 1``, the application report's convention
  (3 = "meets the bar" = 0, one anchor level = one unit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SCALE = "scale"
COMPETENCY = "competency"

T_MEAN, T_SD = 50.0, 10.0
INTERVIEW_MIDPOINT, INTERVIEW_POINTS_PER_UNIT = 3.0, 1.0

FEWEST_GOALS = 2
MOST_GOALS = 3


@dataclass(frozen=True)
class Area:
    """One scale or competency of the hire, with its figure as shown."""

    source: str  # SCALE | COMPETENCY
    key: str
    value: float  # T for a scale, the mean rating for a competency
    higher_is_better: bool = True

    @property
    def standing(self) -> float:
        """Oriented z: below 0 is less favourable than the norm or the bar."""
        if self.source == SCALE:
            z = (self.value - T_MEAN) / T_SD
            return z if self.higher_is_better else -z
        return (self.value - INTERVIEW_MIDPOINT) / INTERVIEW_POINTS_PER_UNIT


@dataclass(frozen=True)
class Choice:
    """A chosen area and its rank among the hire's areas of the same source
    (1 = the least favourable scale, or the lowest competency)."""

    area: Area
    rank: int


def _ranked(areas: list[Area], source: str) -> list[Area]:
    # Stable: equal standings keep the definition's order.
    return sorted((a for a in areas if a.source == source), key=lambda a: a.standing)


def development_areas_choose(
    areas: Iterable[Area], *, fewest: int = FEWEST_GOALS, most: int = MOST_GOALS
) -> tuple[Choice, ...]:
    """Two or three areas to work on, least favourable first.

    The least favourable scale and the lowest competency come first, so a plan
    draws on both the questionnaire and the interview when both exist. Further
    areas, lowest standing first, fill the plan to ``fewest``, and up to ``most``
    while they stand below 0 (below the norm or the bar). One key is chosen once:
    a competency named like a chosen scale (coachability) would repeat its goal.
    """
    areas = list(areas)
    ranks: dict[tuple[str, str], int] = {}
    ranked = {source: _ranked(areas, source) for source in (SCALE, COMPETENCY)}
    for source, listed in ranked.items():
        for rank, area in enumerate(listed, start=1):
            ranks[(source, area.key)] = rank

    chosen: list[Area] = []

    def take(area: Area) -> None:
        if len(chosen) < most and all(c.key != area.key for c in chosen):
            chosen.append(area)

    for source in (SCALE, COMPETENCY):
        for area in ranked[source]:
            if all(c.key != area.key for c in chosen):
                take(area)
                break
    rest = sorted((a for a in areas if a not in chosen), key=lambda a: a.standing)
    for area in rest:
        if len(chosen) >= most:
            break
        if len(chosen) < fewest or area.standing < 0:
            take(area)
    chosen.sort(key=lambda a: a.standing)
    return tuple(Choice(area=a, rank=ranks[(a.source, a.key)]) for a in chosen)
