"""Simulated respondents whose carelessness is known, to calibrate validity flags.

Attentive respondents follow an ordinal (graded, probit) model built on the
instrument's own figures (``itemmodel.ItemModel``): one latent trait per scale,
traits correlated ``trait_correlation`` (negatively with a lower-is-better
scale), item response ``y* = sqrt(r) theta + sqrt(1 - r) e`` with r the scale's
inter-item correlation, answer ``round(mean + sd y*)`` clipped to the answer
scale, i.e. equally spaced thresholds on a normal ogive (Samejima 1969 with a
probit link), reverse-keyed items reflected. Check items: an instructed item
gets the instructed answer except for a slip to a neighbouring answer with
probability ``instructed_slip``; an infrequency item is endorsed with
probability ``infrequency_endorse``; impression items follow a desirability
trait (loading .6). Items are shown in a random order, ``items_per_page`` per
page, at a personal pace (median ``seconds_per_item``, log-normal between
persons and pages).

Careless groups (SCORING.md section 6; Meade & Craig 2012; Curran 2016):

- ``random``: every answer uniform on the scale, at an attentive pace;
- ``straight``: one answer to everything, at an attentive pace;
- ``half_straight``: attentive for the first half shown, then one answer;
- ``too_fast``: under 2 s per item on average (median per person uniform in
  ``fast_seconds``), half the answers attentive, half random;
- ``missing``: attentive, but 30 % to 60 % of the items left unanswered;
- ``mix``: each page answered attentively, randomly or with one answer, and
  each page fast with probability .3.

Everything is drawn from a ``numpy.random.Generator`` given by the caller, so a
seed reproduces a run.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .engine import BatchResult, score_batch
from .errors import ScoringInputError
from .itemmodel import ItemModel
from .spec import DEFAULT_THRESHOLDS, Norm, ValidityThresholds

GROUPS = (
    "attentive",
    "random",
    "straight",
    "half_straight",
    "too_fast",
    "missing",
    "mix",
)


@dataclass(frozen=True)
class Assumptions:
    """What the simulation assumes about respondents (each stated in docs)."""

    trait_correlation: float = 0.2
    instructed_slip: float = 0.01
    infrequency_endorse: float = 0.02
    impression_loading: float = 0.6
    impression_mean: float = 3.0
    seconds_per_item: float = 10.0
    person_pace_sd: float = 0.3
    page_pace_sd: float = 0.25
    fast_seconds: tuple[float, float] = (0.6, 2.0)
    missing_share: tuple[float, float] = (0.3, 0.6)


DEFAULT_ASSUMPTIONS = Assumptions()


@dataclass(frozen=True, eq=False)
class SimulatedResponses:
    """N simulated submissions in the engine's input shapes."""

    answers: np.ndarray
    order: np.ndarray
    page_items: np.ndarray
    page_seconds: np.ndarray


def _clip_round(values, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(values), low, high)


def _traits(model: ItemModel, n: int, rng, assumptions: Assumptions) -> np.ndarray:
    direction = np.array(
        [1.0 if scale.higher_is_better else -1.0 for scale in model.spec.scales]
    )
    corr = assumptions.trait_correlation * np.outer(direction, direction)
    np.fill_diagonal(corr, 1.0)
    return rng.multivariate_normal(np.zeros(direction.size), corr, size=n)


def attentive_answers(
    model: ItemModel,
    n: int,
    rng: np.random.Generator,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
) -> np.ndarray:
    """N x k answers of attentive respondents (no missing answers)."""
    spec = model.spec
    low, high = spec.scale_min, spec.scale_max
    answers = np.empty((n, spec.n_items))
    theta = _traits(model, n, rng, assumptions)
    scale = model.scale_index
    r = model.correlation[scale]
    latent = np.sqrt(r) * theta[:, scale] + np.sqrt(1 - r) * rng.standard_normal(
        (n, scale.size)
    )
    keyed = _clip_round(
        model.keyed_mean[scale] + model.item_sd[scale] * latent, low, high
    )
    answers[:, model.columns] = np.where(model.keyed > 0, keyed, low + high - keyed)

    instructed = spec.kind_columns("instructed")
    if instructed.size:
        expected = spec.expected_vector[instructed]
        slip = rng.random((n, instructed.size)) < assumptions.instructed_slip
        step = np.where(rng.random((n, instructed.size)) < 0.5, -1.0, 1.0)
        neighbour = expected + step
        neighbour = np.where(
            (neighbour < low) | (neighbour > high), expected - step, neighbour
        )
        answers[:, instructed] = np.where(slip, neighbour, expected)

    infrequent = spec.kind_columns("infrequency")
    if infrequent.size:
        endorse_at = spec.expected_vector[infrequent]
        centre = endorse_at - 0.5 - stats.norm.ppf(1 - assumptions.infrequency_endorse)
        answers[:, infrequent] = _clip_round(
            centre + rng.standard_normal((n, infrequent.size)), low, high
        )

    impression = np.array(
        [
            i
            for i, item in enumerate(spec.items)
            if item.kind == "impression" and item.scale is None
        ],
        dtype=np.intp,
    )
    if impression.size:
        loading = assumptions.impression_loading
        desirability = rng.standard_normal((n, 1))
        latent = loading * desirability + math.sqrt(1 - loading**2) * (
            rng.standard_normal((n, impression.size))
        )
        favourable = _clip_round(assumptions.impression_mean + latent, low, high)
        keyed = spec.keyed_vector[impression]
        answers[:, impression] = np.where(
            keyed > 0, favourable, low + high - favourable
        )
    return answers


def _orders(n: int, k: int, rng) -> np.ndarray:
    return rng.permuted(np.broadcast_to(np.arange(k), (n, k)), axis=1)


def _page_sizes(k: int, items_per_page: int) -> np.ndarray:
    n_pages = math.ceil(k / items_per_page)
    sizes = np.full(n_pages, items_per_page, dtype=float)
    sizes[-1] = k - items_per_page * (n_pages - 1)
    return sizes


def _pace(n: int, n_pages: int, median, rng, assumptions: Assumptions):
    person = np.log(median) + assumptions.person_pace_sd * rng.standard_normal((n, 1))
    page = assumptions.page_pace_sd * rng.standard_normal((n, n_pages))
    return np.exp(person + page)


def _in_presentation_order(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``values`` given by position shown (N x k) moved to definition columns."""
    placed = np.empty_like(values)
    np.put_along_axis(placed, order, values, axis=1)
    return placed


def simulate(
    model: ItemModel,
    group: str,
    n: int,
    rng: np.random.Generator,
    *,
    items_per_page: int,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
) -> SimulatedResponses:
    """N simulated submissions of ``group`` (one of ``GROUPS``)."""
    if group not in GROUPS:
        raise ScoringInputError(f"unknown group {group!r}; one of {GROUPS}")
    if n < 1 or items_per_page < 1:
        raise ScoringInputError("simulate needs n >= 1 and items_per_page >= 1")
    spec = model.spec
    k, low, high = spec.n_items, spec.scale_min, spec.scale_max
    order = _orders(n, k, rng)
    sizes = _page_sizes(k, items_per_page)
    page_of_position = np.repeat(np.arange(sizes.size), sizes.astype(int))
    page_items = np.broadcast_to(sizes, (n, sizes.size)).copy()
    pace = _pace(n, sizes.size, assumptions.seconds_per_item, rng, assumptions)
    answers = attentive_answers(model, n, rng, assumptions)

    def uniform(shape):
        return rng.integers(low, high + 1, size=shape).astype(float)

    constant = uniform((n, 1))
    if group == "random":
        answers = uniform((n, k))
    elif group == "straight":
        answers = np.broadcast_to(constant, (n, k)).copy()
    elif group == "half_straight":
        second_half = np.arange(k) >= math.ceil(k / 2)
        shown = np.take_along_axis(answers, order, axis=1)
        shown = np.where(second_half, constant, shown)
        answers = _in_presentation_order(shown, order)
    elif group == "too_fast":
        median = rng.uniform(*assumptions.fast_seconds, size=(n, 1))
        pace = _pace(n, sizes.size, 1.0, rng, assumptions) * median
        answers = np.where(rng.random((n, k)) < 0.5, answers, uniform((n, k)))
    elif group == "missing":
        share = rng.uniform(*assumptions.missing_share, size=(n, 1))
        answers = np.where(rng.random((n, k)) < share, np.nan, answers)
    elif group == "mix":
        mode = rng.choice(3, size=(n, sizes.size), p=(0.4, 0.4, 0.2))
        mode_shown = mode[:, page_of_position]
        shown = np.take_along_axis(answers, order, axis=1)
        shown = np.where(mode_shown == 1, uniform((n, k)), shown)
        shown = np.where(mode_shown == 2, constant, shown)
        answers = _in_presentation_order(shown, order)
        fast = rng.random((n, sizes.size)) < 0.3
        pace = np.where(fast, rng.uniform(0.5, 1.5, size=pace.shape), pace)
    return SimulatedResponses(answers, order, page_items, page_items * pace)


def model_norms(model: ItemModel) -> dict[str, Norm]:
    """Scale norms of the model's figures, to score simulated submissions."""
    return {
        key: Norm(figures.mean, figures.sd, 0, "provisional")
        for key, figures in model.scales.items()
    }


def simulate_and_score(
    model: ItemModel,
    group: str,
    n: int,
    rng: np.random.Generator,
    *,
    items_per_page: int,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
) -> BatchResult:
    """``simulate`` then ``score_batch`` with the model's own item norm."""
    responses = simulate(
        model,
        group,
        n,
        rng,
        items_per_page=items_per_page,
        assumptions=assumptions,
    )
    return score_batch(
        model.spec,
        responses.answers,
        norms=model_norms(model),
        reliabilities={
            key: figures.reliability for key, figures in model.scales.items()
        },
        order=responses.order,
        page_items=responses.page_items,
        page_seconds=responses.page_seconds,
        thresholds=thresholds,
        covariance_norm=model.covariance_norm(),
    )


def flag_rates(batch: BatchResult) -> Mapping[str, float]:
    """Share of submissions with each flag raised, and not "valid" overall."""
    rates = {
        name: float(np.mean(index.flag))
        for name, index in batch.validity.indices.items()
    }
    status = np.asarray(batch.validity.status)
    rates["questionable"] = float(np.mean(status == "questionable"))
    rates["invalid"] = float(np.mean(status == "invalid"))
    rates["not_valid"] = float(np.mean(status != "valid"))
    return rates


# --- the benchmark: shares flagged per group, against the targets -----------------

Z_95 = 1.959963984540054
# Every index, then the overall status.
MEASURES = (
    "longstring",
    "irv",
    "even_odd",
    "mahalanobis",
    "speed",
    "instructed",
    "infrequency",
    "impression",
    "consistency",
    "questionable",
    "invalid",
    "not_valid",
)


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of the proportion k / n (Wilson 1927).

    ``(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``; 0 of 100 ->
    (0, .0370); (nan, nan) when n is 0.
    """
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale))


@dataclass(frozen=True)
class GroupOutcome:
    """How many of ``n`` simulated submissions of ``group`` each measure caught."""

    group: str
    n: int
    counts: Mapping[str, int]

    def share(self, measure: str) -> float:
        return self.counts[measure] / self.n

    def interval(self, measure: str) -> tuple[float, float]:
        return wilson_interval(self.counts[measure], self.n)


def group_outcome(group: str, batch: BatchResult) -> GroupOutcome:
    status = np.asarray(batch.validity.status)
    counts = {
        name: int(np.count_nonzero(index.flag))
        for name, index in batch.validity.indices.items()
    }
    counts["questionable"] = int(np.count_nonzero(status == "questionable"))
    counts["invalid"] = int(np.count_nonzero(status == "invalid"))
    counts["not_valid"] = int(np.count_nonzero(status != "valid"))
    return GroupOutcome(group, len(batch), counts)


def run_groups(
    model: ItemModel,
    *,
    n: int,
    seed: int,
    items_per_page: int,
    groups: tuple[str, ...] = GROUPS,
    thresholds: ValidityThresholds = DEFAULT_THRESHOLDS,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
) -> dict[str, GroupOutcome]:
    """Simulate and score ``n`` submissions of each group (seeded per group)."""
    outcomes = {}
    for g, group in enumerate(groups):
        rng = np.random.default_rng([seed, GROUPS.index(group), g])
        batch = simulate_and_score(
            model,
            group,
            n,
            rng,
            items_per_page=items_per_page,
            thresholds=thresholds,
            assumptions=assumptions,
        )
        outcomes[group] = group_outcome(group, batch)
    return outcomes


@dataclass(frozen=True)
class Target:
    """A share of a group marked questionable or invalid, with its limit.

    Met when the whole 95 % interval is on the right side of the limit.
    """

    group: str
    limit: float
    at_most: bool

    def describe(self) -> str:
        side = "at most" if self.at_most else "at least"
        return f"{self.group}: {side} {self.limit:.0%} not valid"

    def met(self, outcome: GroupOutcome) -> bool:
        low, high = outcome.interval("not_valid")
        return high <= self.limit if self.at_most else low >= self.limit


# SCORING.md section 6.
TARGETS = (
    Target("attentive", 0.05, at_most=True),
    Target("random", 0.95, at_most=False),
    Target("straight", 0.95, at_most=False),
    Target("too_fast", 0.90, at_most=False),
)


def targets_missed(outcomes: Mapping[str, GroupOutcome]) -> list[Target]:
    """The targets whose group was simulated and that it misses."""
    return [
        target
        for target in TARGETS
        if target.group in outcomes and not target.met(outcomes[target.group])
    ]
