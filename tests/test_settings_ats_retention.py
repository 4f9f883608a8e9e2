"""CRIBA_ATS_RETENTION_DAYS is read from the environment, ranged, and named in
errors."""

import pytest

from tests.settings_probe import setting_read


def _shell(value: str | None):
    return setting_read("CRIBA_ATS_RETENTION_DAYS", value)


def test_it_keeps_ninety_days_by_default():
    result = _shell(None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "90"


def test_it_reads_the_variable():
    assert _shell("30").stdout.strip() == "30"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "CRIBA_ATS_RETENTION_DAYS=0 is below the minimum 1"),
        ("forever", "CRIBA_ATS_RETENTION_DAYS='forever', use a whole number"),
    ],
)
def test_it_names_the_variable_of_a_bad_value(raw, message):
    result = _shell(raw)

    assert result.returncode != 0
    assert message in result.stderr
