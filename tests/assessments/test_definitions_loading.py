"""Publishing definition files as instrument versions."""

import shutil

import pytest
import yaml
from django.conf import settings

from assessments.definitions import (
    DefinitionError,
    LoadOutcome,
    definition_checksum,
    definition_load,
    instruments_load,
    provisional_norms,
)
from assessments.models import Instrument, InstrumentVersion, NormSet

STARTER = settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml"


@pytest.fixture
def directory(tmp_path):
    shutil.copy(STARTER, tmp_path / "sales-drive.yaml")
    return tmp_path


def _rewrite(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _reword_first_item(data):
    data["items"][0]["text"]["en"] = "I plan next week's prospecting by Friday."


@pytest.mark.django_db
def test_it_publishes_version_1_with_provisional_norms(directory):
    [outcome] = instruments_load(directory)

    path = str(directory / "sales-drive.yaml")
    assert outcome == LoadOutcome("sales-drive", 1, True, path, notes=outcome.notes)
    version = InstrumentVersion.objects.get()
    definition = definition_load(directory / "sales-drive.yaml")
    assert version.instrument.slug == "sales-drive"
    assert version.instrument.name == "Sales Drive Questionnaire"
    assert version.definition == definition
    assert version.checksum == definition_checksum(definition)
    assert version.source_file == path
    norms = NormSet.objects.get()
    assert (norms.version, norms.source, norms.language, norms.n) == (
        version,
        "provisional",
        "",
        0,
    )
    assert norms.scales == provisional_norms(definition)


@pytest.mark.django_db
def test_it_names_the_project_file_relative_to_the_project():
    [outcome] = instruments_load(settings.CRIBA_INSTRUMENTS_DIR)

    assert outcome.path == "assessments/instruments/sales-drive.yaml"
    assert InstrumentVersion.objects.get().source_file == outcome.path


@pytest.mark.django_db
def test_it_is_idempotent(directory):
    instruments_load(directory)
    [outcome] = instruments_load(directory)

    assert (outcome.version, outcome.created) == (1, False)
    assert InstrumentVersion.objects.count() == 1
    assert NormSet.objects.count() == 1
    assert Instrument.objects.count() == 1


@pytest.mark.django_db
def test_it_publishes_a_changed_file_as_version_2_and_keeps_version_1(directory):
    instruments_load(directory)
    first = InstrumentVersion.objects.get()
    first_definition, first_checksum = first.definition, first.checksum

    _rewrite(directory / "sales-drive.yaml", _reword_first_item)
    [outcome] = instruments_load(directory)

    assert (outcome.version, outcome.created) == (2, True)
    first.refresh_from_db()
    assert first.definition == first_definition
    assert first.checksum == first_checksum
    second = InstrumentVersion.objects.get(version=2)
    assert second.checksum != first_checksum
    assert second.definition["items"][0]["text"]["en"].startswith("I plan next week")
    assert NormSet.objects.filter(version=second, source="provisional").count() == 1
    assert NormSet.objects.count() == 2


@pytest.mark.django_db
def test_it_does_not_republish_a_file_reverted_to_an_older_version(directory):
    original = (directory / "sales-drive.yaml").read_text(encoding="utf-8")
    instruments_load(directory)
    _rewrite(directory / "sales-drive.yaml", _reword_first_item)
    instruments_load(directory)

    (directory / "sales-drive.yaml").write_text(original, encoding="utf-8")
    [outcome] = instruments_load(directory)

    assert (outcome.version, outcome.created) == (1, False)
    assert InstrumentVersion.objects.count() == 2


@pytest.mark.django_db
def test_it_writes_nothing_when_any_file_is_invalid(directory):
    (directory / "zz-broken.yaml").write_text("slug: broken\n", encoding="utf-8")

    with pytest.raises(DefinitionError) as caught:
        instruments_load(directory)

    assert caught.value.file == str(directory / "zz-broken.yaml")
    assert not Instrument.objects.exists()
    assert not InstrumentVersion.objects.exists()


@pytest.mark.django_db
def test_it_refuses_two_files_with_one_slug(directory):
    shutil.copy(directory / "sales-drive.yaml", directory / "sales-drive-copy.yaml")

    with pytest.raises(DefinitionError) as caught:
        instruments_load(directory)

    assert caught.value.key == "slug"
    assert "also used by" in caught.value.problem
    assert not InstrumentVersion.objects.exists()


@pytest.mark.django_db
def test_it_loads_files_in_name_order_and_ignores_other_files(directory):
    def as_second(data):
        data["slug"] = "another-drive"
        data["name"]["en"] = "Another"

    shutil.copy(directory / "sales-drive.yaml", directory / "another.yaml")
    _rewrite(directory / "another.yaml", as_second)
    (directory / "notes.txt").write_text("not a definition")

    outcomes = instruments_load(directory)

    assert [o.slug for o in outcomes] == ["another-drive", "sales-drive"]


@pytest.mark.django_db
def test_it_refuses_a_missing_directory(tmp_path):
    with pytest.raises(DefinitionError, match="no such directory"):
        instruments_load(tmp_path / "nowhere")


@pytest.mark.django_db
def test_it_never_modifies_a_published_version(directory):
    instruments_load(directory)
    version = InstrumentVersion.objects.get()

    version.definition = {}
    with pytest.raises(PermissionError):
        version.save()
