"""The Spanish catalogue translates every message it holds, placeholders intact.

GNU gettext's own tools read the catalogue: ``msgattrib`` lists the entries left
untranslated or marked fuzzy (a fuzzy translation is never shown), and ``msgfmt
--check-format`` refuses a translation whose placeholders differ from its msgid.
"""

import shutil
import subprocess
from pathlib import Path

from tests.conftest import service_missing

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/es/LC_MESSAGES/django.po"


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        service_missing(f"{name} (GNU gettext) is not installed")
    return path


def msgids(catalogue_text: str) -> list[str]:
    """The msgid of every entry of a catalogue, as written in it; the header (the
    one entry whose msgid is empty) is left out."""
    found = []
    for entry in catalogue_text.split("\n\n"):
        lines = entry.splitlines()
        starts = [n for n, line in enumerate(lines) if line.startswith("msgid ")]
        if not starts:
            continue
        first = starts[0]
        parts = [lines[first].removeprefix("msgid ")]
        for line in lines[first + 1 :]:
            if not line.startswith('"'):
                break
            parts.append(line)
        msgid = "".join(part.strip()[1:-1] for part in parts)
        if msgid:
            found.append(msgid)
    return found


def entries_with(option: str, catalogue: Path = CATALOGUE) -> list[str]:
    completed = subprocess.run(
        [gettext_tool("msgattrib"), option, str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )
    return msgids(completed.stdout)


def test_it_has_a_spanish_catalogue():
    assert CATALOGUE.is_file()
    assert '"Language: es\\n"' in CATALOGUE.read_text(encoding="utf-8")


def test_it_leaves_no_message_untranslated():
    assert entries_with("--untranslated") == []


def test_it_leaves_no_fuzzy_translation():
    assert entries_with("--only-fuzzy") == []


def test_it_keeps_every_placeholder_of_the_original():
    completed = subprocess.run(
        [gettext_tool("msgfmt"), "--check", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_it_tells_the_untranslated_and_fuzzy_entries_of_a_catalogue(tmp_path):
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\n'
        'msgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        'msgid "Translated"\n'
        'msgstr "Traducido"\n'
        "\n"
        'msgid ""\n'
        '"A long message "\n'
        '"left empty"\n'
        'msgstr ""\n'
        "\n"
        "#, fuzzy\n"
        'msgid "Guessed"\n'
        'msgstr "Adivinado"\n',
        encoding="utf-8",
    )

    assert entries_with("--untranslated", catalogue) == ["A long message left empty"]
    assert entries_with("--only-fuzzy", catalogue) == ["Guessed"]
