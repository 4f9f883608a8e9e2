"""manage.py load_instruments"""

import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from assessments.models import InstrumentVersion

STARTER = settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml"
RUBRIC = settings.CRIBA_RUBRICS_DIR / "sales-interview.yaml"
NO_RUBRICS = settings.CRIBA_RUBRICS_DIR / "absent"


def _run(*args) -> str:
    out = StringIO()
    if args:
        args = (*args, "--rubrics-dir", str(NO_RUBRICS))
    call_command("load_instruments", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_one_line_per_file(tmp_path):
    shutil.copy(STARTER, tmp_path / "sales-drive.yaml")

    assert _run("--dir", str(tmp_path)).startswith("sales-drive v1 created\n")
    assert _run("--dir", str(tmp_path)) == "sales-drive v1 unchanged\n"
    assert InstrumentVersion.objects.count() == 1


@pytest.mark.django_db
def test_it_loads_the_project_instruments_by_default():
    out = _run()
    assert out.startswith("sales-drive v1 created\n")
    assert out.endswith("rubric sales-interview v1 created\n")
    version = InstrumentVersion.objects.get()
    assert version.source_file == "assessments/instruments/sales-drive.yaml"


@pytest.mark.django_db
def test_it_fails_naming_file_key_and_problem(tmp_path):
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    data["items"][3]["text"].pop("es")
    path = tmp_path / "sales-drive.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        _run("--dir", str(tmp_path))

    assert str(caught.value) == (
        f"{path}: items[3].text.es: missing text for language 'es'"
    )
    assert not InstrumentVersion.objects.exists()


@pytest.mark.django_db
def test_it_says_so_when_the_directory_has_no_definitions(tmp_path):
    assert _run("--dir", str(tmp_path)) == (
        f"No instrument definitions (*.yaml) in {tmp_path}\n"
    )


def test_it_fails_for_a_missing_directory(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        _run("--dir", str(tmp_path / "nowhere"))


@pytest.mark.django_db
def test_it_loads_rubrics_from_their_own_directory(tmp_path):
    shutil.copy(RUBRIC, tmp_path / "sales-interview.yaml")
    out = StringIO()
    call_command("load_instruments", "--rubrics-dir", str(tmp_path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "rubric sales-interview v1 created"
