import json
import math

import numpy as np
import pytest

from assessments.scoring import (
    RELIABILITY_CEILING,
    SCORING_VERSION,
    InstrumentSpec,
    ItemModel,
    ItemSpec,
    Norm,
    ScaleFigures,
    ScaleSpec,
    ScoringInputError,
    score_batch,
    score_one,
)

NAN = math.nan
BANDS = ((0.5, "strong_fit"), (0.0, "fit"), (-math.inf, "not_recommended"))


def instrument() -> InstrumentSpec:
    """Two five-item scales, one lower-is-better, and two check items."""
    items = [ItemSpec(f"d{i}", "drive", keyed=-1 if i == 4 else 1) for i in range(5)]
    items += [ItemSpec(f"n{i}", "negativity") for i in range(5)]
    items += [
        ItemSpec("attention", None, kind="instructed", expected=4),
        ItemSpec("never_ill", None, kind="infrequency", expected=4),
    ]
    return InstrumentSpec(
        1,
        5,
        tuple(items),
        (ScaleSpec("drive"), ScaleSpec("negativity", higher_is_better=False)),
    )


NORMS = {
    "drive": Norm(3.0, 0.5, 400, "provisional"),
    "negativity": Norm(2.5, 0.8, 400, "local", sample=(1.5, 2.0, 2.5, 3.0, 3.5)),
}
CAREFUL = [4, 3, 4, 3, 2, 2, 3, 2, 3, 2, 4, 1]  # drive mean 3.6 -> z 1.2


def score(answers, **options):
    options = {"norms": NORMS, "reliabilities": {"drive": 0.84}} | options
    return score_batch(instrument(), np.asarray(answers, dtype=float), **options)


def test_it_scores_a_submission_against_its_norms():
    result = score([CAREFUL])
    j = result.scale_column("drive")
    assert result.raw_mean[0, j] == pytest.approx(3.6, abs=1e-3)
    assert result.prorated_sum[0, j] == pytest.approx(18.0, abs=1e-3)
    assert result.z[0, j] == pytest.approx(1.2, abs=1e-3)
    assert result.t[0, j] == pytest.approx(62.0, abs=1e-3)
    assert result.sten[0, j] == 8
    assert result.stanine[0, j] == 7
    assert result.percentile[0, j] == pytest.approx(88.49, abs=1e-2)


def test_it_draws_the_t_band_from_the_scale_reliability():
    result = score([CAREFUL])
    j = result.scale_column("drive")
    assert result.sem[j] == pytest.approx(4.0, abs=1e-3)
    assert result.t_low[0, j] == pytest.approx(54.16, abs=1e-3)
    assert result.t_high[0, j] == pytest.approx(69.84, abs=1e-3)


def test_it_uses_the_default_reliability_when_not_yet_estimable():
    row = score([CAREFUL]).row(0)
    assert row.scales["negativity"].reliability == 0.80
    assert row.scales["negativity"].reliability_source == "default"
    assert row.scales["drive"].reliability_source == "estimate"


def test_it_floors_a_negative_reliability_estimate_at_zero():
    row = score([CAREFUL], reliabilities={"drive": -0.2}).row(0)
    assert row.scales["drive"].sem == pytest.approx(10.0)
    assert row.scales["drive"].reliability_source == "floored"


@pytest.mark.parametrize("alpha", [1.0, 0.999, 0.96])
def test_it_caps_the_reliability_of_the_band(alpha):
    # alpha 1 (every respondent answering a scale's items alike) would give
    # SEM 0 and a band of zero width: false certainty.
    row = score([CAREFUL], reliabilities={"drive": alpha}).row(0)
    drive = row.scales["drive"]

    assert drive.reliability == RELIABILITY_CEILING == 0.95
    assert drive.reliability_source == "capped"
    assert drive.sem == pytest.approx(10 * math.sqrt(0.05))
    assert drive.t_high - drive.t_low == pytest.approx(2 * 1.96 * 2.2361, abs=1e-3)


def test_it_keeps_a_reliability_at_the_ceiling():
    row = score([CAREFUL], reliabilities={"drive": 0.95}).row(0)
    assert row.scales["drive"].reliability_source == "estimate"


def test_it_caps_a_default_reliability_above_the_ceiling():
    row = score([CAREFUL], default_reliability=0.99).row(0)
    assert row.scales["negativity"].reliability == 0.95
    assert row.scales["negativity"].reliability_source == "capped"


def test_it_uses_empirical_percentiles_when_asked_and_a_sample_exists():
    row = score([CAREFUL], percentiles="empirical").row(0)
    assert row.scales["negativity"].percentile == pytest.approx(40.0)
    assert row.scales["negativity"].percentile_method == "empirical"
    assert row.scales["drive"].percentile_method == "normal"


def test_it_reports_a_missing_scale_as_none_never_zero():
    answers = list(CAREFUL)
    answers[5:7] = [NAN, NAN]
    row = score([answers]).row(0)
    negativity = row.scales["negativity"]
    assert negativity.missing
    assert negativity.n_answered == 3
    for name in ("raw_mean", "prorated_sum", "z", "t", "t_low", "percentile", "sten"):
        assert getattr(negativity, name) is None
    assert row.scales["drive"].t == pytest.approx(62.0)


def test_it_computes_the_composite_and_band_with_signed_weights():
    weights = {"drive": 0.6, "negativity": -0.4}
    row = score([CAREFUL], weights=weights, bands=BANDS).row(0)
    expected = 0.6 * 1.2 - 0.4 * (2.4 - 2.5) / 0.8
    assert row.composite == pytest.approx(expected, abs=1e-3)
    assert row.band == "strong_fit"
    assert row.explanation.contributions[0].scale == "drive"
    assert row.explanation.nearest_cut == 0.5


def test_it_leaves_composite_and_band_empty_when_a_weighted_scale_is_missing():
    answers = list(CAREFUL)
    answers[0:3] = [NAN, NAN, NAN]
    row = score([answers], weights={"drive": 0.6}, bands=BANDS).row(0)
    assert row.composite is None
    assert row.band is None
    assert row.explanation.missing_scales == ("drive",)


def test_it_has_no_composite_for_a_plan_without_weights():
    row = score([CAREFUL], weights={}).row(0)
    assert row.composite is None
    assert row.explanation is None


def test_it_serialises_a_submission_to_json():
    answers = list(CAREFUL)
    answers[0:3] = [NAN, NAN, NAN]
    result = score(
        [answers],
        weights={"drive": 0.6, "negativity": -0.4},
        bands=BANDS,
        page_items=[[6, 6]],
        page_seconds=[[30.0, 8.0]],
    )
    data = result.row(0).to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["scoring_version"] == SCORING_VERSION
    assert data["scales"]["drive"]["t"] is None
    assert data["validity"]["speed"] == {
        "value": pytest.approx(8 / 6),
        "flag": True,
        "fast_pages": 1,
    }
    assert data["validity_status"] == "questionable"


def test_it_marks_one_failed_attention_check_questionable_without_touching_scores():
    careless = list(CAREFUL)
    careless[10] = 2
    result = score([CAREFUL, careless])
    assert list(result.validity.status) == ["valid", "questionable"]
    np.testing.assert_array_equal(result.t[0], result.t[1])


def test_it_marks_a_failed_attention_check_with_another_flag_invalid():
    careless = list(CAREFUL)
    careless[10] = 2
    result = score([careless], page_items=[[6, 6]], page_seconds=[[6.0, 30.0]])
    assert result.validity["speed"].flag[0]
    assert list(result.validity.status) == ["invalid"]


def _drive_and_negativity_norm():
    return ItemModel(
        instrument(),
        {
            "drive": ScaleFigures(3.0, 0.5, 0.84),
            "negativity": ScaleFigures(2.5, 0.8, 0.80),
        },
    ).covariance_norm()


def test_it_flags_a_mahalanobis_outlier_against_an_item_norm():
    # Answers that contradict the keying of d4 and swing between the extremes
    # break the item correlations the norm expects.
    extreme = [5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 4, 1]
    result = score([CAREFUL, extreme], covariance_norm=_drive_and_negativity_norm())
    distance = result.validity["mahalanobis"]
    np.testing.assert_array_equal(distance.flag, [False, True])
    np.testing.assert_array_equal(distance.extra["items"], [10, 10])


def test_it_computes_the_item_distance_over_the_answered_items_only():
    norm = _drive_and_negativity_norm()
    answers = list(CAREFUL)
    answers[1] = answers[7] = NAN
    result = score([answers], covariance_norm=norm)
    kept = [0, 2, 3, 4, 5, 6, 8, 9]
    diff = np.array(CAREFUL, dtype=float)[kept] - np.array(norm.mean)[kept]
    sub = np.array(norm.cov)[np.ix_(kept, kept)]
    expected = diff @ np.linalg.inv(sub) @ diff
    distance = result.validity["mahalanobis"]
    assert distance.value[0] == pytest.approx(expected, rel=1e-9)
    assert distance.extra["items"][0] == 8


def test_it_scores_one_submission_by_item_key():
    spec = instrument()
    by_key = dict(zip(spec.item_keys, CAREFUL, strict=True))
    shown = list(reversed(spec.item_keys))
    one = score_one(
        spec, by_key, norms=NORMS, reliabilities={"drive": 0.84}, order=shown
    )
    batch = score([CAREFUL], order=[list(reversed(range(12)))])
    assert one == batch.row(0)


def test_it_treats_absent_keys_as_missing_answers():
    spec = instrument()
    one = score_one(spec, {"d0": 4}, norms=NORMS, reliabilities={})
    assert one.scales["drive"].missing
    assert one.scales["drive"].n_answered == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"nope": 3}, "unknown item key 'nope'"),
        ({"d0": 7}, "'d0': answer 7 is outside 1..5"),
        ({"d0": 2.5}, "'d0': answer 2.5 is not an integer"),
        ({"d0": "3"}, "'d0': answer '3' is not an integer"),
        ({"d0": True}, "not an integer"),
    ],
)
def test_it_rejects_bad_single_answers(answers, message):
    with pytest.raises(ScoringInputError, match=message):
        score_one(instrument(), answers, norms=NORMS, reliabilities={})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"norms": {"drive": NORMS["drive"]}}, "no norm for scale 'negativity'"),
        ({"reliabilities": {"drive": 1.5}}, "reliability of scale 'drive'"),
        ({"reliabilities": {"grit": 0.8}}, "unknown scales"),
        ({"weights": {"negativity": 0.3}}, "wrong sign"),
        ({"bands": BANDS}, "bands need weights"),
        ({"percentiles": "ranked"}, "percentiles"),
        ({"order": [[0] * 12]}, "permutation"),
        ({"order": [list(range(11))]}, "order must be"),
        ({"page_items": [[10]]}, "both"),
        ({"page_items": [[10], [10]], "page_seconds": [[30], [30]]}, "1 rows"),
    ],
)
def test_it_rejects_bad_options(options, message):
    with pytest.raises(ScoringInputError, match=message):
        score([CAREFUL], **options)


def test_it_rejects_a_matrix_of_the_wrong_shape():
    with pytest.raises(ScoringInputError, match="N x 12"):
        score([CAREFUL[:-1]])


def test_it_scores_an_empty_batch():
    result = score(np.empty((0, 12)))
    assert len(result) == 0
    assert result.t.shape == (0, 2)
