import math

import numpy as np
import pytest

from assessments.scoring import (
    InstrumentSpec,
    ItemSpec,
    ScaleSpec,
    ScoringInputError,
    band_index,
    band_label,
    composite_score,
    explain_band,
)
from assessments.scoring.composite import plan_weights

BANDS = (
    (1.0, "strong_fit"),
    (0.3, "fit"),
    (-0.5, "borderline"),
    (-math.inf, "not_recommended"),
)
Z = {"drive": 1.2, "care": 0.5, "calm": -0.3, "negativity": 0.8}
WEIGHTS = {"drive": 0.4, "care": 0.3, "calm": 0.2, "negativity": -0.1}


def test_it_combines_the_worked_example_into_0_49():
    c = composite_score([1.2, 0.5, -0.3, 0.8], [0.4, 0.3, 0.2, -0.1])
    assert c == pytest.approx(0.49, abs=1e-3)


def test_it_is_missing_when_a_weighted_scale_is_missing():
    c = composite_score([[1.2, np.nan, 0.0], [1.0, 1.0, np.nan]], [0.5, 0.5, 0.0])
    assert math.isnan(c[0])
    assert c[1] == pytest.approx(1.0)


def test_it_bands_composites_from_the_highest_cut_down():
    index = band_index([1.0, 0.99, 0.3, -2.0, np.nan], BANDS)
    np.testing.assert_array_equal(index, [0, 1, 1, 3, -1])
    assert band_label(0.49, BANDS) == "fit"


def test_it_gives_no_band_below_every_cut():
    assert band_label(-1.0, ((0.0, "fit"),)) is None


def test_it_rejects_cuts_that_are_not_descending():
    with pytest.raises(ScoringInputError, match="descending"):
        band_index([0.0], ((0.0, "fit"), (1.0, "strong_fit")))


def test_it_explains_a_band_by_contributions_sorted_by_size():
    explanation = explain_band(Z, WEIGHTS, BANDS)
    assert explanation.composite == pytest.approx(0.49, abs=1e-3)
    assert explanation.band == "fit"
    assert [c.scale for c in explanation.contributions] == [
        "drive",
        "care",
        "negativity",
        "calm",
    ]
    assert explanation.contributions[0].contribution == pytest.approx(0.48)
    assert explanation.nearest_cut == 0.3
    assert explanation.nearest_cut_label == "fit"
    assert explanation.distance_to_cut == pytest.approx(0.19, abs=1e-3)


def test_it_explains_a_missing_composite_by_its_missing_scales():
    explanation = explain_band(Z | {"care": None}, WEIGHTS, BANDS)
    assert explanation.composite is None
    assert explanation.band is None
    assert explanation.missing_scales == ("care",)
    assert explanation.contributions[-1].scale == "care"
    assert explanation.to_dict()["missing_scales"] == ["care"]


def test_it_requires_weights_to_follow_the_scale_direction():
    spec = InstrumentSpec(
        1,
        5,
        (ItemSpec("a", "drive"), ItemSpec("b", "negativity")),
        (ScaleSpec("drive"), ScaleSpec("negativity", higher_is_better=False)),
    )
    np.testing.assert_allclose(
        plan_weights(spec, {"negativity": -0.2, "drive": 0.5}), [0.5, -0.2]
    )
    with pytest.raises(ScoringInputError, match="negativity"):
        plan_weights(spec, {"negativity": 0.2})
    with pytest.raises(ScoringInputError, match="drive"):
        plan_weights(spec, {"drive": -0.2})


def test_a_composite_exactly_on_a_cut_is_in_the_upper_band():
    # Weights whose sizes add up to 1 and a candidate half an SD better on
    # every scale (z = +.5, and -.5 on the lower-is-better one):
    # C = .5 (.23 + .01 + .47 + .18 + .11) = .5 exactly, the cut of
    # "strong_fit" below. The float sum comes out 0.49999999999999994.
    weights = {"a": 0.23, "b": 0.01, "c": 0.47, "d": 0.18, "e": -0.11}
    z = {"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.5, "e": -0.5}
    bands = ((0.5, "strong_fit"), (0.0, "fit"), (-math.inf, "not_recommended"))
    composite = float(composite_score(list(z.values()), list(weights.values())))
    assert composite < 0.5  # the rounding the band rule must absorb

    explanation = explain_band(z, weights, bands)

    assert band_label(composite, bands) == "strong_fit"
    assert int(band_index(np.array([composite]), bands)[0]) == 0
    assert explanation.band == "strong_fit"
    assert explanation.nearest_cut == 0.5
    assert explanation.distance_to_cut == 0.0
    # Just below the cut by a real amount stays below.
    assert band_label(0.5 - 1e-6, bands) == "fit"
