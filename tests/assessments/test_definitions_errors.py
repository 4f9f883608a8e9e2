"""Every invalid definition is refused with the file, the key path and the problem."""

import copy

import pytest
import yaml
from django.conf import settings

from assessments.definitions import DefinitionError, definition_load


@pytest.fixture(scope="module")
def starter_data():
    source = settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _refusal(tmp_path, data) -> tuple[str, DefinitionError]:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        definition_load(path)
    return str(path), caught.value


def _drop_es(d):
    del d["items"][3]["text"]["es"]


def _unknown_scale(d):
    d["items"][0]["scale"] = "grit"


def _duplicate_key(d):
    d["items"][1]["key"] = "sd01"


def _bad_keyed(d):
    d["items"][2]["keyed"] = 2


def _unknown_top_level_key(d):
    d["colour"] = "red"


def _expected_out_of_scale(d):
    d["instructed"][0]["expected"] = 7


def _endorse_at_out_of_scale(d):
    d["infrequency"][1]["endorse_at"] = 0


def _missing_label(d):
    del d["answer_scale"]["labels"][3]


def _label_outside_scale(d):
    d["answer_scale"]["labels"][6] = {"en": "Very", "es": "Muy"}


def _extra_language(d):
    d["scales"][1]["name"]["fr"] = "Motivation"


def _empty_text(d):
    d["impression"][0]["text"]["en"] = "   "


def _bad_slug(d):
    d["slug"] = "Sales Drive"


def _missing_required_key(d):
    del d["instructions"]


def _unknown_nested_key(d):
    d["scales"][0]["norms"]["median"] = 3.5


def _too_few_items(d):
    d["items"] = [i for i in d["items"] if i["scale"] != "coachability"]
    d["items"] += [
        {
            "key": "co01",
            "scale": "coachability",
            "keyed": 1,
            "text": {"en": "a", "es": "b"},
        },
        {
            "key": "co02",
            "scale": "coachability",
            "keyed": -1,
            "text": {"en": "a", "es": "b"},
        },
    ]
    d["consistency_pairs"] = [p for p in d["consistency_pairs"] if p[0] != "co01"]


def _pair_with_check_item(d):
    d["consistency_pairs"][2] = ["co01", "ir01"]


def _pair_with_unknown_item(d):
    d["consistency_pairs"][0] = ["sd01", "zz99"]


def _weight_on_unknown_scale(d):
    d["plan_defaults"]["weights"]["grit"] = 0.1


def _bands_not_descending(d):
    d["plan_defaults"]["bands"][1][0] = 0.8


def _bands_without_floor(d):
    d["plan_defaults"]["bands"][-1][0] = -1.0


def _negative_time_limit(d):
    d["time_limit_minutes"] = -5


def _zero_sd(d):
    d["scales"][4]["norms"]["sd"] = 0


CASES = [
    (_drop_es, "items[3].text.es", "missing text for language 'es'"),
    (_unknown_scale, "items[0].scale", "unknown scale 'grit'"),
    (_duplicate_key, "items[1].key", "duplicate item key 'sd01'"),
    (_bad_keyed, "items[2].keyed", "1 or -1"),
    (_unknown_top_level_key, "colour", "unknown key"),
    (_expected_out_of_scale, "instructed[0].expected", "outside the answer scale 1..5"),
    (_endorse_at_out_of_scale, "infrequency[1].endorse_at", "outside the answer scale"),
    (_missing_label, "answer_scale.labels[3]", "missing label for answer 3"),
    (_label_outside_scale, "answer_scale.labels[6]", "outside the answer scale 1..5"),
    (_extra_language, "scales[1].name.fr", "'fr' is not in languages [en, es]"),
    (_empty_text, "impression[0].text.en", "at least 1 character"),
    (_bad_slug, "slug", "is not a valid slug"),
    (_missing_required_key, "instructions", "required key is missing"),
    (_unknown_nested_key, "scales[0].norms.median", "unknown key"),
    (_too_few_items, "scales[2]", "scale 'coachability' has 2 item(s)"),
    (_pair_with_check_item, "consistency_pairs[2][1]", "'ir01' is not a scale item"),
    (_pair_with_unknown_item, "consistency_pairs[0][1]", "unknown item 'zz99'"),
    (_weight_on_unknown_scale, "plan_defaults.weights.grit", "unknown scale 'grit'"),
    (_bands_not_descending, "plan_defaults.bands[1][0]", "bounds must descend"),
    (_bands_without_floor, "plan_defaults.bands[3][0]", "its bound must be null"),
    (_negative_time_limit, "time_limit_minutes", "greater than 0"),
    (_zero_sd, "scales[4].norms.sd", "greater than 0"),
]


@pytest.mark.parametrize(
    ("break_it", "key", "problem"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_it_names_file_key_and_problem(tmp_path, starter_data, break_it, key, problem):
    data = copy.deepcopy(starter_data)
    break_it(data)

    file, error = _refusal(tmp_path, data)

    assert isinstance(error, ValueError)
    assert error.file == file
    assert (error.key, problem in error.problem) == (key, True), str(error)
    assert f"{file}: {key}: " in str(error)


def test_it_reports_every_problem_at_once(tmp_path, starter_data):
    data = copy.deepcopy(starter_data)
    _unknown_scale(data)
    _drop_es(data)

    _, error = _refusal(tmp_path, data)

    keys = {key for key, _ in error.errors}
    assert {"items[0].scale", "items[3].text.es"} <= keys
    assert len(str(error).splitlines()) == len(error.errors)


def test_it_refuses_malformed_yaml_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("slug: sales-drive\nname: {en: [unclosed\nlanguages: [en]\n")

    with pytest.raises(DefinitionError) as caught:
        definition_load(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: line ")
    assert "malformed YAML" in message


def test_it_refuses_a_key_given_twice_in_one_mapping(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("slug: a\nname: {en: One, en: Two}\n")

    with pytest.raises(DefinitionError) as caught:
        definition_load(path)

    assert caught.value.key == "line 2, column 17"
    assert "duplicate key 'en'" in caught.value.problem


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "the top level must be a mapping of keys"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_mapping(tmp_path, content, problem):
    path = tmp_path / "odd.yaml"
    path.write_text(content)

    with pytest.raises(DefinitionError) as caught:
        definition_load(path)

    assert str(caught.value) == f"{path}: {problem}"


def test_it_refuses_python_objects_in_yaml(tmp_path):
    path = tmp_path / "unsafe.yaml"
    path.write_text("slug: !!python/object/apply:os.system ['true']\n")

    with pytest.raises(DefinitionError) as caught:
        definition_load(path)

    assert "malformed YAML" in caught.value.problem
