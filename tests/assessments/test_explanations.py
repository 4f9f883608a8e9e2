"""The band of a composite said in words."""

import re

from django.utils import translation

from assessments.explanations import band_explanation_text

EXPLANATION = {
    "composite": 0.12,
    "band": "fit",
    "contributions": [
        {"scale": "sd", "weight": 0.25, "z": 1.2, "contribution": 0.3},
        {"scale": "rr", "weight": 0.2, "z": -1.0, "contribution": -0.2},
        {"scale": "nb", "weight": -0.15, "z": -0.4, "contribution": 0.06},
        {"scale": "co", "weight": 0.2, "z": -0.2, "contribution": -0.04},
    ],
    "missing_scales": [],
    "nearest_cut": 0.0,
    "nearest_cut_label": "fit",
    "distance_to_cut": 0.12,
}
NAMES = {"sd": "Self-discipline", "rr": "Resilience", "nb": "Negativity"}
NAMES |= {"co": "Coachability"}


def test_it_says_what_drove_the_band():
    sentences = band_explanation_text(
        EXPLANATION, scale_name=NAMES.get, band_name=str.title, sem=0.2
    )

    assert sentences[0] == "The composite of +0.12 falls in the band “Fit”."
    assert (
        sentences[1]
        == "What raised it most: Self-discipline (+0.30), Negativity (+0.06)."
    )
    assert sentences[2] == (
        "What lowered it most: Resilience (\u22120.20), Coachability (\u22120.04)."
    )
    assert sentences[3] == "It lies 0.12 above the cut score +0.00 of the band “Fit”."
    assert "within the composite's 95 % band" in sentences[4]


def test_it_says_why_there_is_no_composite():
    explanation = EXPLANATION | {"composite": None, "missing_scales": ["rr"]}

    sentences = band_explanation_text(
        explanation, scale_name=NAMES.get, band_name=str.title
    )

    assert sentences == [
        "No composite could be computed: too few answers on Resilience."
    ]
    assert band_explanation_text({}, scale_name=NAMES.get, band_name=str) == []


def test_it_says_a_composite_on_the_cut_lies_above_it():
    # explain_band puts a composite within rounding of a cut on the cut
    # (distance 0): the sentence must not say "0.00 below" a band it is in.
    from assessments.scoring import explain_band

    weights = {"sd": 0.23, "rr": 0.01, "co": 0.47, "xx": 0.18, "nb": -0.11}
    z = {"sd": 0.5, "rr": 0.5, "co": 0.5, "xx": 0.5, "nb": -0.5}
    bands = ((0.5, "strong_fit"), (0.0, "fit"), (float("-inf"), "not_recommended"))
    explanation = explain_band(z, weights, bands).to_dict()

    sentences = band_explanation_text(
        explanation, scale_name=lambda key: key, band_name=str.title
    )

    assert "falls in the band “Strong_Fit”" in sentences[0]
    assert "It lies 0.00 above the cut score +0.50" in " ".join(sentences)


def test_it_writes_decimals_with_the_spanish_separator_in_spanish():
    with translation.override("es"):
        sentences = band_explanation_text(
            EXPLANATION, scale_name=NAMES.get, band_name=str.title, sem=0.2
        )

    text = " ".join(sentences)
    assert "+0,12" in text
    assert "Self-discipline (+0,30)" in text
    assert "Resilience (\u22120,20)" in text
    assert not re.search(r"\d\.\d", text), text
