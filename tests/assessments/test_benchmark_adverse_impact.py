"""The adverse impact simulation: the flag's false alarms and hits where the
truth is known, the simulation agreeing with the exact probabilities."""

import math

import pytest

from benchmarks.adverse_impact import SCENARIOS, Scenario, simulate, table, verdict

SMALL = [s for s in SCENARIOS if not s.name.startswith("large")]


@pytest.mark.parametrize("scenario", SMALL, ids=lambda s: s.name)
def test_it_simulates_what_the_exact_sum_says(scenario):
    outcome = simulate(scenario, runs=4000, seed=7)

    p = outcome.exact_flagged
    assert abs(outcome.share - p) < 4 * math.sqrt(p * (1 - p) / outcome.runs)


def test_it_raises_false_alarms_often_at_the_size_of_a_typical_job():
    equal = simulate(SMALL[0], runs=4000, seed=3)

    # With equal true rates, 24 and 16 decided: the flag alone fires about half
    # the time; with Fisher's p < .05 as well, at most the test's 5 %.
    assert 0.45 < equal.exact_flagged < 0.65
    assert equal.exact_flagged_significant <= 0.05


def test_it_catches_a_true_ratio_of_six_tenths_more_often_than_not():
    hit = simulate(SMALL[1], runs=4000, seed=5)

    assert hit.scenario.true_ratio == pytest.approx(0.6)
    assert hit.exact_flagged > 0.7
    # Fisher's test alone has little power at this size.
    assert hit.exact_flagged_significant < 0.3


def test_it_judges_a_table_with_the_four_fifths_rule():
    # 48/80 against 21/50 (SCORING.md): 0.70, flagged, and p .0495.
    assert verdict(80, 50, 48, 21) == (True, True)
    # 0.5 against 0.6: 0.83, not flagged.
    assert verdict(10, 10, 6, 5) == (False, False)
    # Nobody selected: nothing to compare.
    assert verdict(10, 10, 0, 0) == (False, False)


def test_it_prints_a_table_for_the_docs():
    text = table([simulate(Scenario("tiny", 6, 5, 0.5, 0.5), runs=200, seed=1)])

    assert text.splitlines()[0].startswith("| scenario |")
    assert "| tiny | 6 + 5 | 0.50 / 0.50 |" in text
