"""What the rest of Criba reads from a normalized definition."""

import json

import pytest
from django.conf import settings

from assessments.definitions import (
    DefinitionError,
    all_item_keys,
    definition_checksum,
    definition_load,
    instrument_spec,
    item_texts,
    provisional_norms,
)


@pytest.fixture(scope="module")
def starter():
    return definition_load(settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml")


def test_it_builds_a_spec_with_every_item_in_definition_order(starter):
    spec = instrument_spec(starter)

    sections = ("items", "instructed", "infrequency", "impression")
    assert spec.n_items == sum(len(starter[section]) for section in sections) == 47
    assert [item.key for item in spec.items] == all_item_keys(starter)
    assert all_item_keys(starter)[:3] == ["sd01", "ad01", "co01"]
    kinds = [item.kind for item in spec.items]
    assert (
        kinds
        == ["likert"] * 40
        + ["instructed"] * 2
        + ["infrequency"] * 2
        + ["impression"] * 3
    )


def test_it_carries_scales_keying_and_expected_answers_into_the_spec(starter):
    spec = instrument_spec(starter)
    items = {item.key: item for item in spec.items}

    assert (spec.scale_min, spec.scale_max) == (1, 5)
    assert (items["sd03"].scale, items["sd03"].keyed) == ("self_discipline", -1)
    assert (items["ir01"].scale, items["ir01"].expected) == (None, 4)
    assert (items["ir02"].expected, items["if01"].expected) == (1, 4)
    assert (items["im02"].kind, items["im02"].keyed) == ("impression", -1)
    assert spec.scale_keys == tuple(s["key"] for s in starter["scales"])
    assert spec.scale("negativity_blame").higher_is_better is False
    assert spec.consistency_pairs[0] == ("sd01", "sd06")
    assert len(spec.consistency_pairs) == len(starter["consistency_pairs"])


def test_it_gives_item_texts_in_one_language(starter):
    texts = item_texts(starter, "es")

    assert list(texts) == all_item_keys(starter)
    assert texts["if01"] == "Nunca en mi vida he llegado tarde a nada."


def test_it_refuses_item_texts_in_a_language_not_offered(starter):
    with pytest.raises(DefinitionError, match="'fr' is not offered"):
        item_texts(starter, "fr")


def test_it_gives_the_provisional_norms_per_scale(starter):
    norms = provisional_norms(starter)

    assert list(norms) == [s["key"] for s in starter["scales"]]
    assert norms["self_discipline"] == {"mean": 3.8, "sd": 0.6, "n": 0}


def test_it_checksums_the_content_not_its_key_order(starter):
    round_tripped = json.loads(json.dumps(starter))
    reordered = dict(reversed(list(starter.items())))

    checksum = definition_checksum(starter)
    assert len(checksum) == 64
    assert definition_checksum(round_tripped) == checksum
    assert definition_checksum(reordered) == checksum
    changed = json.loads(json.dumps(starter))
    changed["items"][0]["text"]["en"] += " "
    assert definition_checksum(changed) != checksum


def test_it_normalizes_to_json_with_every_optional_key(tmp_path, starter):
    assert json.loads(json.dumps(starter)) == starter
    assert set(starter) == {
        "slug",
        "name",
        "languages",
        "time_limit_minutes",
        "items_per_page",
        "instructions",
        "answer_scale",
        "scales",
        "items",
        "instructed",
        "infrequency",
        "impression",
        "consistency_pairs",
        "plan_defaults",
    }
