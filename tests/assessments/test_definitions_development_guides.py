"""The development texts beside the definitions: every scale and competency has a
title, a practice and a check-in text in every language, checked when the
definitions load; editing them never publishes a new version."""

import shutil

import pytest
import yaml
from django.conf import settings

from assessments.definitions import (
    DefinitionError,
    definition_load,
    development_guide_path,
    instrument_development_guide,
    instruments_load,
)
from assessments.models import InstrumentVersion, RubricVersion
from assessments.rubric_definitions import (
    rubric_development_guide,
    rubric_load,
    rubrics_load,
)

INSTRUMENTS = settings.CRIBA_INSTRUMENTS_DIR
RUBRICS = settings.CRIBA_RUBRICS_DIR


@pytest.fixture
def directory(tmp_path):
    shutil.copy(INSTRUMENTS / "sales-drive.yaml", tmp_path / "sales-drive.yaml")
    (tmp_path / "development").mkdir()
    shutil.copy(
        development_guide_path(INSTRUMENTS, "sales-drive"),
        development_guide_path(tmp_path, "sales-drive"),
    )
    return tmp_path


def _rewrite_guide(directory, change):
    path = development_guide_path(directory, "sales-drive")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_it_ships_three_texts_in_english_and_spanish_for_every_scale():
    definition = definition_load(INSTRUMENTS / "sales-drive.yaml")
    guide = instrument_development_guide("sales-drive")

    assert list(guide) == [scale["key"] for scale in definition["scales"]]
    for texts in guide.values():
        assert set(texts) == {"title", "practice", "check_in"}
        for text in texts.values():
            assert set(text) == {"en", "es"}
            assert all(value.strip() for value in text.values())


def test_it_ships_three_texts_in_english_and_spanish_for_every_competency():
    definition = rubric_load(RUBRICS / "sales-interview.yaml")
    guide = rubric_development_guide("sales-interview")

    assert list(guide) == [c["key"] for c in definition["competencies"]]
    for texts in guide.values():
        for text in texts.values():
            assert set(text) == {"en", "es"}


@pytest.mark.django_db
def test_it_refuses_to_load_a_guide_missing_a_language(directory):
    _rewrite_guide(directory, lambda data: data["areas"][2]["check_in"].pop("es"))

    with pytest.raises(DefinitionError) as error:
        instruments_load(directory)

    assert "development/sales-drive.yaml: areas[2].check_in.es: missing text for " in (
        str(error.value)
    )
    assert not InstrumentVersion.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_load_a_guide_without_a_scale(directory):
    _rewrite_guide(directory, lambda data: data["areas"].pop())

    with pytest.raises(DefinitionError) as error:
        instruments_load(directory)

    assert "'negativity_blame' has no development texts" in str(error.value)


@pytest.mark.django_db
def test_it_refuses_an_area_the_definition_does_not_have(directory):
    def rename(data):
        data["areas"][0]["key"] = "charisma"

    _rewrite_guide(directory, rename)

    with pytest.raises(DefinitionError) as error:
        instruments_load(directory)

    assert "areas[0].key: unknown area 'charisma'" in str(error.value)


@pytest.mark.django_db
def test_it_refuses_a_directory_of_guides_without_this_definitions_guide(directory):
    development_guide_path(directory, "sales-drive").unlink()

    with pytest.raises(DefinitionError) as error:
        instruments_load(directory)

    assert "needs its development texts" in str(error.value)


@pytest.mark.django_db
def test_rewording_a_guide_publishes_no_new_version(directory):
    [first] = instruments_load(directory)

    def reword(data):
        data["areas"][0]["title"]["en"] = "Plan the week before it starts"

    _rewrite_guide(directory, reword)
    [second] = instruments_load(directory)

    assert (first.version, first.created) == (1, True)
    assert (second.version, second.created) == (1, False)
    assert InstrumentVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_starter_rubric_loads_with_its_guide(tmp_path):
    shutil.copy(RUBRICS / "sales-interview.yaml", tmp_path / "sales-interview.yaml")
    (tmp_path / "development").mkdir()

    with pytest.raises(DefinitionError):
        rubrics_load(tmp_path)
    shutil.copy(
        development_guide_path(RUBRICS, "sales-interview"),
        development_guide_path(tmp_path, "sales-interview"),
    )
    [outcome] = rubrics_load(tmp_path)

    assert outcome.created
    assert RubricVersion.objects.count() == 1
