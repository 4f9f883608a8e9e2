"""The written rule that turns validity flags into valid / questionable / invalid.

A rule is data: an ordered list of clauses, each a status and the conditions
that must all hold for it. The first clause that holds gives the status;
when none does the submission is "valid". Being data, a rule can be shown to
the recruiter in words (``assessments.labels``) and each stored result
names, through its scoring version, the rule that judged it
(``VALIDITY_RULES``).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import ScoringInputError

STATUSES = ("valid", "questionable", "invalid")


@dataclass(frozen=True)
class FlagRaised:
    """The flag of ``index`` is raised."""

    index: str


@dataclass(frozen=True)
class FlagsRaised:
    """At least ``at_least`` flags are raised, not counting those in ``besides``."""

    at_least: int
    besides: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureAtLeast:
    """The figure of ``index`` (a count) is at least ``at_least``."""

    index: str
    at_least: int


Condition = FlagRaised | FlagsRaised | FigureAtLeast


@dataclass(frozen=True)
class Clause:
    """``status`` when every condition of ``all_of`` holds."""

    status: str
    all_of: tuple[Condition, ...]

    def __post_init__(self) -> None:
        if self.status not in STATUSES[1:]:
            raise ScoringInputError(f"a clause gives {STATUSES[1:]}, not {self.status}")
        if not self.all_of:
            raise ScoringInputError("a clause needs at least one condition")


@dataclass(frozen=True)
class ValidityRule:
    """Clauses in order of precedence; the first that holds gives the status."""

    scoring_version: str
    clauses: tuple[Clause, ...]

    def evaluate(
        self, flags: Mapping[str, np.ndarray], figures: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flag count, status and the matching clause (-1: none) per submission.

        ``flags`` maps every index to a boolean array; ``figures`` maps the
        indices that ``FigureAtLeast`` names to their values (NaN, "not
        applicable", never reaches a threshold).
        """
        names = list(flags)
        if not names:
            raise ScoringInputError("a validity rule needs at least one index")
        stacked = np.vstack([np.asarray(flags[name], dtype=bool) for name in names])
        n_flags = stacked.sum(axis=0).astype(np.int64)
        n_rows = stacked.shape[1]
        clause = np.full(n_rows, -1, dtype=np.int64)
        for c, each in enumerate(self.clauses):
            holds = np.ones(n_rows, dtype=bool)
            for condition in each.all_of:
                holds &= self._holds(condition, names, stacked, figures, n_rows)
            clause = np.where((clause < 0) & holds, c, clause)
        statuses = np.array([each.status for each in self.clauses] + ["valid"])
        return n_flags, statuses[clause], clause

    @staticmethod
    def _holds(condition, names, stacked, figures, n_rows) -> np.ndarray:
        if isinstance(condition, FlagRaised):
            if condition.index not in names:
                return np.zeros(n_rows, dtype=bool)
            return stacked[names.index(condition.index)]
        if isinstance(condition, FlagsRaised):
            keep = [i for i, name in enumerate(names) if name not in condition.besides]
            return stacked[keep].sum(axis=0) >= condition.at_least
        if isinstance(condition, FigureAtLeast):
            if condition.index not in figures:
                return np.zeros(n_rows, dtype=bool)
            values = np.asarray(figures[condition.index], dtype=float)
            return np.nan_to_num(values, nan=-np.inf) >= condition.at_least
        raise ScoringInputError(f"unknown condition {condition!r}")


# The rule of scoring version 1: one failed instruction alone made a result
# invalid, and any flag (even-odd included, on any instrument) questionable.
RULE_V1 = ValidityRule(
    "1",
    (
        Clause("invalid", (FigureAtLeast("instructed", 1),)),
        Clause("invalid", (FigureAtLeast("infrequency", 2),)),
        Clause("invalid", (FlagsRaised(3),)),
        Clause("questionable", (FlagsRaised(1),)),
    ),
)

# The rule of scoring version 2, calibrated on simulated respondents of the
# starter questionnaire (benchmarks/validity.py; docs/scoring.md has the
# table). One flag alone is never enough for "invalid": an attentive
# candidate can misread one instruction or answer one page quickly. Evidence
# that cannot come from a slip (both instructions missed, two implausible
# statements endorsed) or several independent signs together is.
RULE_V2 = ValidityRule(
    "2",
    (
        Clause("invalid", (FigureAtLeast("instructed", 2),)),
        Clause("invalid", (FigureAtLeast("infrequency", 2),)),
        Clause(
            "invalid",
            (FlagRaised("instructed"), FlagsRaised(1, besides=("instructed",))),
        ),
        Clause("invalid", (FlagsRaised(3),)),
        Clause("questionable", (FlagsRaised(1),)),
    ),
)

# Keyed by the major part of a stored ``scoring_version``. Version 3 changed
# the bands and one index's minimum; it combines the flags by the rule of
# version 2.
VALIDITY_RULES = {"1": RULE_V1, "2": RULE_V2, "3": RULE_V2}
VALIDITY_RULE = RULE_V2


def rule_for_version(scoring_version: str) -> ValidityRule | None:
    """The rule that judged a result stored with ``scoring_version``, if known."""
    major = str(scoring_version).split(".", 1)[0]
    return VALIDITY_RULES.get(major)
