"""What a criterion's intervals say in words: clearly related in the direction the
measure intends, the other way round, or not told apart from no relation."""

from assessments.outcome_validity import Predictor, criterion_reading
from assessments.scoring.outcomes import ValidityCell


def _predictor(name, *, lower_is_better=False):
    return Predictor(name, name, "scale", lower_is_better, 10.0)


def _cell(low, high, n=60):
    return ValidityCell(
        n=n,
        r=(low + high) / 2,
        ci_low=low,
        ci_high=high,
        hired_sd=8.0,
        u=1.2,
        corrected=None,
        estimable=True,
    )


NOT_ESTIMABLE = ValidityCell(12, None, None, None, None, None, None, False)


def test_it_names_the_measures_whose_interval_lies_on_their_intended_side():
    reading = criterion_reading(
        [
            (_predictor("Drive"), _cell(0.10, 0.50)),
            (_predictor("Blame", lower_is_better=True), _cell(-0.45, -0.05)),
            (_predictor("Coachability"), _cell(-0.20, 0.30)),
            (_predictor("Interview"), NOT_ESTIMABLE),
        ]
    )

    assert reading.estimable
    assert reading.related == ["Drive", "Blame"]
    assert reading.contrary == []
    assert reading.n == 60


def test_it_names_a_measure_related_the_other_way_round():
    # A high negativity score going with a better outcome is not the intent.
    reading = criterion_reading(
        [
            (_predictor("Blame", lower_is_better=True), _cell(0.05, 0.40)),
            (_predictor("Drive"), _cell(-0.50, -0.10)),
        ]
    )

    assert reading.related == []
    assert reading.contrary == ["Blame", "Drive"]


def test_it_has_nothing_to_say_before_any_figure_is_estimable():
    reading = criterion_reading([(_predictor("Drive"), NOT_ESTIMABLE)])

    assert not reading.estimable
    assert (reading.related, reading.contrary, reading.n) == ([], [], 0)
