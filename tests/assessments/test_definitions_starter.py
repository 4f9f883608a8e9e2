"""The starter instrument for sales roles meets the rules it was written to."""

import pytest
from django.conf import settings

from assessments.definitions import definition_load

SCALES = [
    "self_discipline",
    "achievement_drive",
    "coachability",
    "resilience_to_rejection",
    "negativity_blame",
]


@pytest.fixture(scope="module")
def starter():
    return definition_load(settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml")


def _all_texts(definition):
    yield "name", definition["name"]
    yield "instructions", definition["instructions"]
    for value, label in definition["answer_scale"]["labels"].items():
        yield f"label {value}", label
    for scale in definition["scales"]:
        for field in ("name", "description", "development"):
            yield f"{scale['key']}.{field}", scale[field]
    for section in ("items", "instructed", "infrequency", "impression"):
        for item in definition[section]:
            yield item["key"], item["text"]


def test_it_validates(starter):
    assert starter["slug"] == "sales-drive"
    assert starter["time_limit_minutes"] == 25
    assert starter["items_per_page"] == 8


def test_it_has_the_five_sales_scales(starter):
    assert [scale["key"] for scale in starter["scales"]] == SCALES
    directions = {s["key"]: s["higher_is_better"] for s in starter["scales"]}
    assert directions == {key: key != "negativity_blame" for key in SCALES}


@pytest.mark.parametrize("scale", SCALES)
def test_it_has_6_to_10_items_per_scale_keyed_both_ways(starter, scale):
    keyed = [item["keyed"] for item in starter["items"] if item["scale"] == scale]
    assert 6 <= len(keyed) <= 10, f"scale {scale} has {len(keyed)} items"
    assert 1 in keyed, f"scale {scale} has no positively keyed item"
    assert -1 in keyed, f"scale {scale} has no reverse-keyed item"


def test_it_has_the_validity_items(starter):
    assert len(starter["instructed"]) >= 2
    assert len(starter["infrequency"]) >= 2
    assert len(starter["impression"]) >= 3
    assert len(starter["consistency_pairs"]) >= 4


def test_it_pairs_only_same_scale_items_with_the_same_keying(starter):
    items = {item["key"]: item for item in starter["items"]}
    for first, second in starter["consistency_pairs"]:
        assert items[first]["scale"] == items[second]["scale"]
        assert items[first]["keyed"] == items[second]["keyed"]


def test_it_tells_each_instructed_item_which_label_to_choose(starter):
    labels = starter["answer_scale"]["labels"]
    for item in starter["instructed"]:
        for language in ("en", "es"):
            label = labels[str(item["expected"])][language]
            assert f"“{label}”" in item["text"][language]


def test_it_has_english_and_spanish_for_every_text(starter):
    assert starter["languages"] == ["en", "es"]
    for where, text in _all_texts(starter):
        assert set(text) == {"en", "es"}, where
        assert text["en"].strip(), where
        assert text["es"].strip(), where
        assert text["en"] != text["es"], f"{where} is not translated"


def test_it_labels_the_five_agreement_points(starter):
    labels = starter["answer_scale"]["labels"]
    assert (starter["answer_scale"]["min"], starter["answer_scale"]["max"]) == (1, 5)
    assert list(labels) == ["1", "2", "3", "4", "5"]
    assert labels["4"] == {"en": "Agree", "es": "De acuerdo"}


def test_it_publishes_only_provisional_norms(starter):
    for scale in starter["scales"]:
        norms = scale["norms"]
        assert norms["n"] == 0, scale["key"]
        assert 1 < norms["mean"] < 5, scale["key"]
        assert 0.55 <= norms["sd"] <= 0.7, scale["key"]
        assert scale["reliability"] == pytest.approx(0.80)


def test_it_weighs_the_scales_to_one_with_negativity_negative(starter):
    weights = starter["plan_defaults"]["weights"]
    assert set(weights) == set(SCALES)
    assert sum(abs(w) for w in weights.values()) == pytest.approx(1.0)
    assert weights["negativity_blame"] < 0
    assert all(weights[key] > 0 for key in SCALES if key != "negativity_blame")


def test_it_has_descending_bands_down_to_a_floor(starter):
    bands = starter["plan_defaults"]["bands"]
    assert [label for _, label in bands] == [
        "strong_fit",
        "fit",
        "borderline",
        "not_recommended",
    ]
    bounds = [bound for bound, _ in bands]
    assert bounds[-1] is None
    assert bounds[:-1] == sorted(bounds[:-1], reverse=True)
