"""How often the four-fifths flag fires when the truth is known.

Two groups of a job are decided with known true selection rates; each run draws
how many of each are selected (binomial), and the report's own rule judges the
table: the scoring engine's ``adverse_impact`` (impact ratio against the group
with the higher observed rate, below 0.8 flags; Fisher's exact test beside it).
With equal true rates every flag is a false alarm; with a true impact ratio of
0.6 every flag is a hit. Printed per scenario: the simulated share flagged with
its 95 % Wilson interval, the exact probability (every possible table weighted
by its binomial probability, no simulation), and the share that is also
significant by Fisher's test (p < 0.05).

    .venv/bin/python benchmarks/adverse_impact.py [--runs 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assessments.scoring.fairness import adverse_impact  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    name: str
    n_a: int  # decided in the larger group
    n_b: int  # decided in the smaller group
    rate_a: float
    rate_b: float

    @property
    def true_ratio(self) -> float:
        return min(self.rate_a, self.rate_b) / max(self.rate_a, self.rate_b)


# Group sizes of a typical job at each decision point (a few dozen candidates
# with a scored questionnaire, fewer interviewed), and a large one to compare.
# The base rates are those of a questionnaire step (about 40 % advance) and an
# interview step (about 30 % reach an offer).
SCENARIOS = (
    Scenario("questionnaire, 24 + 16, equal", 24, 16, 0.40, 0.40),
    Scenario("questionnaire, 24 + 16, IR 0.6", 24, 16, 0.40, 0.24),
    Scenario("questionnaire, 36 + 24, equal", 36, 24, 0.40, 0.40),
    Scenario("questionnaire, 36 + 24, IR 0.6", 36, 24, 0.40, 0.24),
    Scenario("interview, 12 + 8, equal", 12, 8, 0.30, 0.30),
    Scenario("interview, 12 + 8, IR 0.6", 12, 8, 0.30, 0.18),
    Scenario("large, 300 + 200, equal", 300, 200, 0.40, 0.40),
    Scenario("large, 300 + 200, IR 0.6", 300, 200, 0.40, 0.24),
)


@cache
def verdict(n_a: int, n_b: int, x_a: int, x_b: int) -> tuple[bool, bool]:
    """``(flagged, significant)``: the engine's verdict on ``x_a`` of ``n_a`` and
    ``x_b`` of ``n_b`` selected (below four fifths; and Fisher's p < 0.05)."""
    report = adverse_impact({"a": (x_a, n_a), "b": (x_b, n_b)})
    low = [g for g in report.groups if g.adverse_impact]
    return bool(low), any(
        g.fisher_p_value is not None and g.fisher_p_value < 0.05 for g in low
    )


# Tables less likely than this are left out of the exact sums (their total
# weight is far below the 0.1 % the figures are printed to).
NEGLIGIBLE = 1e-12


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    runs: int
    flagged: int
    flagged_significant: int
    exact_flagged: float
    exact_flagged_significant: float

    @property
    def share(self) -> float:
        return self.flagged / self.runs

    @property
    def share_significant(self) -> float:
        return self.flagged_significant / self.runs

    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.flagged, self.runs)


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (Wilson 1927)."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def exact(scenario: Scenario) -> tuple[float, float]:
    """The probabilities that the flag fires, and fires significantly, summed
    over every table weighted by its binomial probability."""
    s = scenario
    weights = np.outer(
        stats.binom.pmf(np.arange(s.n_a + 1), s.n_a, s.rate_a),
        stats.binom.pmf(np.arange(s.n_b + 1), s.n_b, s.rate_b),
    )
    flagged = significant = 0.0
    for x_a, x_b in zip(*np.nonzero(weights > NEGLIGIBLE), strict=True):
        fires, strong = verdict(s.n_a, s.n_b, int(x_a), int(x_b))
        flagged += weights[x_a, x_b] if fires else 0.0
        significant += weights[x_a, x_b] if strong else 0.0
    return float(flagged), float(significant)


def simulate(scenario: Scenario, *, runs: int, seed: int) -> Outcome:
    """Draw ``runs`` jobs' decisions and judge each with the report's rule."""
    s = scenario
    rng = np.random.default_rng(seed)
    drawn = np.stack(
        [
            rng.binomial(s.n_a, s.rate_a, size=runs),
            rng.binomial(s.n_b, s.rate_b, size=runs),
        ],
        axis=1,
    )
    tables, counts = np.unique(drawn, axis=0, return_counts=True)
    flagged = significant = 0
    for (x_a, x_b), count in zip(tables, counts, strict=True):
        fires, strong = verdict(s.n_a, s.n_b, int(x_a), int(x_b))
        flagged += int(count) if fires else 0
        significant += int(count) if strong else 0
    exact_flagged, exact_significant = exact(scenario)
    return Outcome(
        scenario=scenario,
        runs=runs,
        flagged=flagged,
        flagged_significant=significant,
        exact_flagged=exact_flagged,
        exact_flagged_significant=exact_significant,
    )


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| scenario | N | true rates | flag fires (95 % CI) | exact | "
        "flag and Fisher p < .05 |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        s = outcome.scenario
        low, high = outcome.interval()
        lines.append(
            f"| {s.name} | {s.n_a} + {s.n_b} | {s.rate_a:.2f} / {s.rate_b:.2f} | "
            f"{100 * outcome.share:.1f} % ({100 * low:.1f}-{100 * high:.1f}) | "
            f"{100 * outcome.exact_flagged:.1f} % | "
            f"{100 * outcome.share_significant:.1f} % |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcomes = [
        simulate(scenario, runs=args.runs, seed=args.seed + index)
        for index, scenario in enumerate(SCENARIOS)
    ]
    print(table(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
