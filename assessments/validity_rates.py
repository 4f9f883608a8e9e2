"""How often each validity flag fires on real submissions, next to what the
simulation expects of attentive respondents.

An index that fires far more often on real candidates than on simulated
attentive ones either catches real carelessness or misfires on this
instrument (an item norm that does not fit, an instruction that reads
ambiguously); either way an administrator should look. Rates are counted on
the current results judged by this release's scoring version; results still on
an earlier version are counted apart (``manage.py rescore`` brings them over).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from assessments.definitions import instrument_spec, item_model
from assessments.models import InstrumentVersion, QuestionnaireResult
from assessments.results.store import SCORABLE
from assessments.scoring import DEFAULT_THRESHOLDS, SCORING_VERSION
from assessments.scoring.simulation import run_groups, wilson_interval
from assessments.scoring.validity import INDEX_NAMES

STATUS_MEASURES = ("questionable", "invalid", "not_valid")
SIMULATED_N = 4000
SIMULATION_SEED = 20261204
# "Far above": the lower end of the observed 95 % interval is above twice the
# expected rate plus one percentage point, so a handful of careless candidates
# on a flag that almost never fires does not raise the alarm by itself.
FAR_ABOVE_FACTOR = 2.0
FAR_ABOVE_MARGIN = 0.01
# ... and only from this many results on. Below it a rate says more about one
# or two candidates than about the questionnaire: 1 flagged of 1 has a Wilson
# interval of 21 % to 100 %, "far above" any rare flag. On simulated attentive
# samples of 30 to 500 a page marks some row far above 0.5 % of the time or
# less; with 10 % random responders mixed in, 80 % of the time at N = 30 and
# 99 % at N = 100 (docs/scoring.md, flag rates among real submissions).
FAR_ABOVE_MIN_N = 30

_expected_cache: dict[tuple, dict[str, tuple[float, float, float, bool]]] = {}


@dataclass(frozen=True)
class FlagRate:
    """One flag (or status) among real submissions and among simulated attentive
    respondents. Rates are proportions; ``None`` when there is nothing to count."""

    name: str
    flagged: int
    n: int
    rate: float | None
    low: float | None
    high: float | None
    expected: float
    expected_low: float
    expected_high: float
    applicable: bool
    judged: bool  # enough results (FAR_ABOVE_MIN_N) to call the rate far above
    far_above: bool

    def percent(self) -> dict[str, float | None]:
        """Every rate as a percentage, for display."""
        return {
            name: None if value is None else 100 * value
            for name, value in (
                ("rate", self.rate),
                ("low", self.low),
                ("high", self.high),
                ("expected", self.expected),
                ("expected_low", self.expected_low),
                ("expected_high", self.expected_high),
            )
        }


@dataclass(frozen=True)
class ValidityRates:
    scoring_version: str
    n: int
    on_other_versions: int
    simulated_n: int
    flags: tuple[FlagRate, ...]
    statuses: tuple[FlagRate, ...]
    min_n: int = FAR_ABOVE_MIN_N

    @property
    def judged(self) -> bool:
        """Whether there are enough results to mark a rate far above."""
        return self.n >= self.min_n


def expected_attentive_rates(
    version: InstrumentVersion, *, n: int = SIMULATED_N
) -> dict[str, tuple[float, float, float, bool]]:
    """``{measure: (rate, low, high, applicable)}`` for simulated attentive
    respondents of ``version`` (seeded, so the same on every call; cached per
    definition and scoring version)."""
    key = (version.checksum, SCORING_VERSION, n)
    if key not in _expected_cache:
        model = item_model(version.definition)
        outcome = run_groups(
            model,
            n=n,
            seed=SIMULATION_SEED,
            items_per_page=version.definition.get("items_per_page", 10),
            groups=("attentive",),
        )["attentive"]
        batch_applicable = _applicable(version)
        _expected_cache[key] = {
            measure: (
                outcome.share(measure),
                *outcome.interval(measure),
                batch_applicable.get(measure, True),
            )
            for measure in (*INDEX_NAMES, *STATUS_MEASURES)
        }
    return _expected_cache[key]


def _applicable(version: InstrumentVersion) -> dict[str, bool]:
    spec = instrument_spec(version.definition)
    kinds = {item.kind for item in spec.items}
    return {
        "even_odd": DEFAULT_THRESHOLDS.even_odd_applicable(spec),
        "instructed": "instructed" in kinds,
        "infrequency": "infrequency" in kinds,
        "impression": "impression" in kinds,
        "consistency": bool(spec.consistency_pairs),
    }


def _far_above(n: int, low: float | None, expected: float) -> bool:
    """The rate is far above the expected one: at least ``FAR_ABOVE_MIN_N``
    results, and the lower end of their 95 % interval above ``2 x expected + 1
    percentage point``."""
    if n < FAR_ABOVE_MIN_N or low is None:
        return False
    return low > FAR_ABOVE_FACTOR * expected + FAR_ABOVE_MARGIN


def flag_rate(name: str, flagged: int, n: int, expected) -> FlagRate:
    """``flagged`` of ``n`` results against ``expected``, ``(rate, low, high,
    applicable)`` of the simulated attentive respondents, judged far above or
    not (``FAR_ABOVE_MIN_N`` results at least)."""
    rate, low, high = None, None, None
    if n:
        rate = flagged / n
        low, high = wilson_interval(flagged, n)
    expected_rate, expected_low, expected_high, applicable = expected
    return FlagRate(
        name=name,
        flagged=flagged,
        n=n,
        rate=rate,
        low=low,
        high=high,
        expected=expected_rate,
        expected_low=expected_low,
        expected_high=expected_high,
        applicable=applicable,
        judged=n >= FAR_ABOVE_MIN_N,
        far_above=applicable and _far_above(n, low, expected_rate),
    )


def validity_rates(version: InstrumentVersion) -> ValidityRates:
    """Each flag's and status's rate among the current results of ``version``
    judged by ``SCORING_VERSION``, with the simulated attentive rate. Two
    queries, whatever the number of submissions."""
    current = QuestionnaireResult.objects.filter(
        is_current=True,
        invitation__instrument_version=version,
        invitation__status__in=SCORABLE,
    )
    counts = current.filter(scoring_version=SCORING_VERSION).aggregate(
        n=Count("pk"),
        questionable=Count("pk", filter=Q(validity_status="questionable")),
        invalid=Count("pk", filter=Q(validity_status="invalid")),
        **{
            name: Count("pk", filter=Q(**{f"validity__{name}__flag": True}))
            for name in INDEX_NAMES
        },
    )
    counts["not_valid"] = counts["questionable"] + counts["invalid"]
    others = current.exclude(scoring_version=SCORING_VERSION).count()
    expected = expected_attentive_rates(version)
    n = counts["n"]
    return ValidityRates(
        scoring_version=SCORING_VERSION,
        n=n,
        on_other_versions=others,
        simulated_n=SIMULATED_N,
        flags=tuple(
            flag_rate(name, counts[name], n, expected[name]) for name in INDEX_NAMES
        ),
        statuses=tuple(
            flag_rate(name, counts[name], n, expected[name]) for name in STATUS_MEASURES
        ),
    )


__all__ = [
    "FAR_ABOVE_MIN_N",
    "FlagRate",
    "ValidityRates",
    "expected_attentive_rates",
    "flag_rate",
    "validity_rates",
]
