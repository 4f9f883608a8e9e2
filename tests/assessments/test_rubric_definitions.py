"""Interview rubric files: the starter rubric, validation by key path, publishing."""

import shutil

import pytest
import yaml
from django.conf import settings

from assessments.definitions import DefinitionError
from assessments.models import RubricVersion
from assessments.rubric_definitions import rubric_load, rubric_validate, rubrics_load

STARTER = settings.CRIBA_RUBRICS_DIR / "sales-interview.yaml"


def _starter() -> dict:
    return yaml.safe_load(STARTER.read_text(encoding="utf-8"))


def test_it_loads_the_starter_sales_rubric_with_its_six_competencies():
    rubric = rubric_load(STARTER)
    assert [c["key"] for c in rubric["competencies"]] == [
        "prospecting_discipline",
        "motivation_goals",
        "coachability",
        "resilience_rejection",
        "accountability",
        "customer_focus",
    ]
    for competency in rubric["competencies"]:
        assert list(competency["anchors"]) == ["1", "3", "5"]
        assert {q["kind"] for q in competency["questions"]} == {
            "behavioural",
            "situational",
        }
        assert competency["development"]["es"]
        assert competency["weight"] > 0


def _problems(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        rubric_validate(data, file="r.yaml")
    return caught.value.errors


def test_it_names_the_key_path_of_a_missing_translation():
    data = _starter()
    data["competencies"][2]["anchors"][5].pop("es")
    assert _problems(data) == [
        ("competencies[2].anchors[5].es", "missing text for language 'es'")
    ]


def test_it_requires_anchors_for_1_3_and_5():
    data = _starter()
    data["competencies"][0]["anchors"].pop(3)
    data["competencies"][0]["anchors"][7] = {"en": "x", "es": "x"}
    assert _problems(data) == [
        ("competencies[0].anchors[3]", "missing anchor for rating 3"),
        ("competencies[0].anchors[7]", "rating 7 is outside the scale 1..5"),
    ]


def test_it_refuses_a_zero_weight_and_an_unknown_question_kind():
    data = _starter()
    data["competencies"][1]["weight"] = 0
    data["competencies"][1]["questions"][0]["kind"] = "hypothetical"
    paths = [path for path, _problem in _problems(data)]
    assert paths == ["competencies[1].weight", "competencies[1].questions[0].kind"]


def test_it_refuses_duplicate_competency_and_question_keys():
    data = _starter()
    data["competencies"][1]["key"] = "prospecting_discipline"
    data["competencies"][1]["questions"][0]["key"] = "prospecting_routine"
    assert _problems(data) == [
        (
            "competencies[1].key",
            "duplicate competency key 'prospecting_discipline' (first used at "
            "competencies[0].key)",
        ),
        (
            "competencies[1].questions[0].key",
            "duplicate question key 'prospecting_routine' (first used at "
            "competencies[0].questions[0].key)",
        ),
    ]


def test_it_refuses_unknown_keys():
    data = _starter()
    data["competencies"][0]["questions"][1]["hint"] = "x"
    assert _problems(data) == [
        ("competencies[0].questions[1].hint", "unknown key"),
    ]


@pytest.mark.django_db
def test_it_publishes_a_rubric_once_per_checksum(tmp_path):
    shutil.copy(STARTER, tmp_path / "sales-interview.yaml")
    first = rubrics_load(tmp_path)
    again = rubrics_load(tmp_path)
    assert [(o.slug, o.version, o.created) for o in first] == [
        ("sales-interview", 1, True)
    ]
    assert [(o.version, o.created) for o in again] == [(1, False)]

    data = _starter()
    data["competencies"][0]["weight"] = 2
    (tmp_path / "sales-interview.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    (changed,) = rubrics_load(tmp_path)
    assert (changed.version, changed.created) == (2, True)
    assert RubricVersion.objects.count() == 2


@pytest.mark.django_db
def test_it_never_changes_a_published_rubric_version(tmp_path):
    shutil.copy(STARTER, tmp_path / "sales-interview.yaml")
    rubrics_load(tmp_path)
    version = RubricVersion.objects.get()
    version.definition = {}
    with pytest.raises(PermissionError):
        version.save()


@pytest.mark.django_db
def test_it_loads_nothing_when_one_rubric_file_is_bad(tmp_path):
    shutil.copy(STARTER, tmp_path / "a.yaml")
    data = _starter()
    data["slug"] = "other"
    data["competencies"][0]["name"].pop("en")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"competencies\[0\]\.name\.en"):
        rubrics_load(tmp_path)
    assert not RubricVersion.objects.exists()
