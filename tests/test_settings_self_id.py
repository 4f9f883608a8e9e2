"""CRIBA_SELF_ID_ETHNICITY: off unless a deployment where it is lawful turns it on,
and a value that is not true or false stops the start naming the variable."""

from tests.settings_probe import setting_read


def _shell(value: str | None):
    return setting_read("CRIBA_SELF_ID_ETHNICITY", value)


def test_it_does_not_ask_about_ethnicity_by_default():
    result = _shell(None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_it_reads_the_variable():
    assert _shell("true").stdout.strip() == "True"
    assert _shell("off").stdout.strip() == "False"


def test_it_names_the_variable_of_a_value_it_cannot_read():
    result = _shell("maybe")

    assert result.returncode != 0
    assert "CRIBA_SELF_ID_ETHNICITY='maybe'" in result.stderr
