"""How well the validity flags separate careless from attentive respondents.

Simulates respondents whose carelessness is known on a questionnaire's real
structure (its scales, keying, check items, page size; the model and the
careless groups are described in ``assessments/scoring/simulation.py``),
scores them through the engine's ``score_batch`` with the item norm the
definition implies, and prints, per index and for the overall status, the
share flagged in each group with its 95 % Wilson interval. Then the targets of
SCORING.md section 6; the exit status is 1 when one is missed.

A second table calibrates the even-odd rule: the share of attentive
respondents the index flags on instruments of 3 to 30 scales of 8 items.

    .venv/bin/python benchmarks/validity.py [--n 20000] [--seed 1]
        [--definition assessments/instruments/sales-drive.yaml] [--no-even-odd]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()


def _cell(outcome, measure: str) -> str:
    low, high = outcome.interval(measure)
    return f"{100 * outcome.share(measure):5.1f} ({100 * low:4.1f}-{100 * high:5.1f})"


def outcome_table(outcomes) -> str:
    """Rows: indices and statuses; columns: groups; cells: % (95 % interval)."""
    from assessments.scoring.simulation import MEASURES

    groups = list(outcomes)
    width = 21
    lines = [
        f"{'% flagged (95 % CI)':<14}"
        + "".join(f"{group:>{width}}" for group in groups),
        f"{'n':<14}" + "".join(f"{outcomes[g].n:>{width}}" for g in groups),
    ]
    for measure in MEASURES:
        if measure == "questionable":
            lines.append("-" * (14 + width * len(groups)))
        lines.append(
            f"{measure:<14}"
            + "".join(f"{_cell(outcomes[g], measure):>{width}}" for g in groups)
        )
    return "\n".join(lines)


SCALE_COUNTS = (3, 5, 6, 8, 10, 12, 15, 20, 30)


def even_odd_calibration(n: int, seed: int, scale_counts=SCALE_COUNTS):
    """Share of attentive and random respondents even-odd flags, by scale count.

    Instruments of S scales of 8 items (every third reverse keyed), norm means
    spread over 2.6..3.9, SD .6, alpha .80 - the starter's figures - scored
    with the index forced on (``even_odd_min_scales=3``).
    """
    from assessments.scoring import InstrumentSpec, ItemSpec, ScaleSpec
    from assessments.scoring.itemmodel import ItemModel, ScaleFigures
    from assessments.scoring.simulation import (
        attentive_answers,
        simulate,
        wilson_interval,
    )
    from assessments.scoring.spec import ValidityThresholds
    from assessments.scoring.validity import even_odd

    forced = ValidityThresholds(even_odd_min_scales=3)
    rows = []
    for count in scale_counts:
        rng = np.random.default_rng([seed, count])
        items = tuple(
            ItemSpec(f"s{s}i{i}", f"s{s}", keyed=-1 if i % 3 == 2 else 1)
            for i in range(8)
            for s in range(count)
        )
        spec = InstrumentSpec(
            1, 5, items, tuple(ScaleSpec(f"s{s}") for s in range(count))
        )
        means = rng.permutation(np.linspace(2.6, 3.9, count))
        model = ItemModel(
            spec,
            {f"s{s}": ScaleFigures(float(means[s]), 0.6, 0.8) for s in range(count)},
        )
        attentive = even_odd(attentive_answers(model, n, rng), spec, thresholds=forced)
        random = even_odd(
            simulate(model, "random", n, rng, items_per_page=8).answers,
            spec,
            thresholds=forced,
        )
        hits = int(attentive.flag.sum())
        rows.append(
            (count, hits / n, wilson_interval(hits, n), float(random.flag.mean()))
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="respondents per group")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--definition",
        type=Path,
        default=ROOT / "assessments" / "instruments" / "sales-drive.yaml",
    )
    parser.add_argument(
        "--no-even-odd",
        action="store_true",
        help="skip the even-odd calibration table",
    )
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("--n must be at least 10")

    _django_setup()
    from assessments.definitions import definition_load, item_model
    from assessments.scoring import DEFAULT_THRESHOLDS, SCORING_VERSION
    from assessments.scoring.simulation import TARGETS, run_groups, targets_missed

    definition = definition_load(args.definition)
    model = item_model(definition)
    print(
        f"{definition['slug']}: {model.spec.n_items} items "
        f"({len(model.item_keys)} on {len(model.spec.scales)} scales), "
        f"{definition['items_per_page']} per page; scoring version "
        f"{SCORING_VERSION}; {args.n} simulated respondents per group, seed "
        f"{args.seed}"
    )
    started = time.perf_counter()
    outcomes = run_groups(
        model,
        n=args.n,
        seed=args.seed,
        items_per_page=definition["items_per_page"],
    )
    elapsed = time.perf_counter() - started
    print(f"simulated and scored {args.n * len(outcomes)} in {elapsed:.1f} s\n")
    print(outcome_table(outcomes))
    limit = DEFAULT_THRESHOLDS.longstring_limit(model.spec.n_items)
    print(
        f"\nlong-string flags runs of {limit}; Mahalanobis at p < "
        f"{DEFAULT_THRESHOLDS.mahalanobis_alpha} over the answered scale items; "
        "even-odd not computed here"
        if not DEFAULT_THRESHOLDS.even_odd_applicable(model.spec)
        else ""
    )

    if not args.no_even_odd:
        n = min(args.n, 20000)
        print(f"\neven-odd calibration ({n} attentive and {n} random per row)")
        print(f"{'scales':>6} {'attentive flagged':>26} {'random flagged':>15}")
        for count, share, (low, high), random in even_odd_calibration(n, args.seed):
            print(
                f"{count:>6} {100 * share:9.2f} % ({100 * low:5.2f}-{100 * high:5.2f})"
                f" {100 * random:13.1f} %"
            )
        print(
            f"rule: even-odd counts with at least "
            f"{DEFAULT_THRESHOLDS.even_odd_min_scales} scales of "
            f"{DEFAULT_THRESHOLDS.even_odd_min_items}+ items"
        )

    print("\ntargets (met when the whole 95 % interval is within the limit)")
    missed = targets_missed(outcomes)
    for target in TARGETS:
        outcome = outcomes[target.group]
        state = "missed" if target in missed else "met"
        print(f"  {target.describe():<40} {_cell(outcome, 'not_valid'):>21}  {state}")
    if missed:
        print(f"{len(missed)} target(s) missed")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
