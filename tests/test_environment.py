"""The environment readers name the variable whenever they refuse a value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.environment import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_required,
    env_str,
    env_url,
)


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_it_reads_true_words(raw):
    assert env_bool("DJANGO_DEBUG", False, environ={"DJANGO_DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_it_reads_false_words(raw):
    assert env_bool("DJANGO_DEBUG", True, environ={"DJANGO_DEBUG": raw}) is False


@pytest.mark.parametrize("environ", [{}, {"DJANGO_DEBUG": ""}, {"DJANGO_DEBUG": "  "}])
def test_it_uses_the_default_for_a_missing_or_blank_bool(environ):
    assert env_bool("DJANGO_DEBUG", True, environ=environ) is True


def test_it_names_the_variable_of_a_bad_bool():
    with pytest.raises(
        ImproperlyConfigured, match=r"DJANGO_DEBUG='maybe'.*true or false"
    ):
        env_bool("DJANGO_DEBUG", False, environ={"DJANGO_DEBUG": "maybe"})


def test_it_reads_an_int():
    assert env_int("PORT", 8000, environ={"PORT": " 9000 "}) == 9000


def test_it_uses_the_default_for_a_missing_int():
    assert env_int("PORT", 8000, environ={}) == 8000


def test_it_names_the_variable_of_a_bad_int():
    with pytest.raises(ImproperlyConfigured, match=r"PORT='eighty'.*whole number"):
        env_int("PORT", 8000, environ={"PORT": "eighty"})


def test_it_refuses_a_fractional_int():
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        env_int("PORT", 8000, environ={"PORT": "80.5"})


def test_it_names_the_variable_of_an_int_below_its_minimum():
    with pytest.raises(ImproperlyConfigured, match="CRIBA_SESSION_SECONDS=10 is below"):
        env_int(
            "CRIBA_SESSION_SECONDS",
            3600,
            minimum=300,
            environ={"CRIBA_SESSION_SECONDS": "10"},
        )


def test_it_names_the_variable_of_an_int_above_its_maximum():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_EMAIL_PORT=70000 is above"):
        env_int(
            "DJANGO_EMAIL_PORT",
            587,
            maximum=65535,
            environ={"DJANGO_EMAIL_PORT": "70000"},
        )


def test_it_splits_a_list_on_commas_and_trims_it():
    hosts = env_list(
        "DJANGO_ALLOWED_HOSTS",
        [],
        environ={"DJANGO_ALLOWED_HOSTS": "criba.example.com, .example.org"},
    )

    assert hosts == ["criba.example.com", ".example.org"]


def test_it_returns_a_copy_of_the_default_list():
    default = ["localhost"]

    hosts = env_list("DJANGO_ALLOWED_HOSTS", default, environ={})
    hosts.append("evil.example")

    assert default == ["localhost"]


def test_it_names_the_variable_of_a_list_with_an_empty_entry():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        env_list("DJANGO_ALLOWED_HOSTS", [], environ={"DJANGO_ALLOWED_HOSTS": "a,,b"})


def test_it_accepts_a_url_with_an_allowed_scheme():
    url = env_url(
        "REDIS_URL",
        schemes=("redis", "rediss"),
        environ={"REDIS_URL": "redis://127.0.0.1:6379/0"},
    )

    assert url == "redis://127.0.0.1:6379/0"


def test_it_returns_none_for_a_missing_url():
    assert env_url("DATABASE_URL", schemes=("postgres",), environ={}) is None


@pytest.mark.parametrize(
    "raw", ["mysql://db/criba", "127.0.0.1:5432", "postgres://", "postgres:/x"]
)
def test_it_names_the_variable_and_the_schemes_of_a_bad_url(raw):
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL.*postgres://"):
        env_url(
            "DATABASE_URL",
            schemes=("postgres", "postgresql"),
            environ={"DATABASE_URL": raw},
        )


def test_it_does_not_echo_a_bad_url_that_may_hold_a_password():
    with pytest.raises(ImproperlyConfigured) as error:
        env_url(
            "DATABASE_URL",
            schemes=("postgres",),
            environ={"DATABASE_URL": "mysql://user:s3cret@db/criba"},
        )

    assert "s3cret" not in str(error.value)


def test_it_reads_a_string_or_its_default():
    assert env_str("DJANGO_TIME_ZONE", "UTC", environ={}) == "UTC"
    assert (
        env_str(
            "DJANGO_TIME_ZONE", "UTC", environ={"DJANGO_TIME_ZONE": "Europe/Madrid"}
        )
        == "Europe/Madrid"
    )


def test_it_names_a_required_variable_that_is_missing():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        env_required("DJANGO_SECRET_KEY", environ={"DJANGO_SECRET_KEY": " "})


def test_it_reads_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("CRIBA_TEST_FLAG", "yes")

    assert env_bool("CRIBA_TEST_FLAG", False) is True


def test_it_reads_a_float_within_its_range():
    assert env_float("SCALE", 1.0, environ={"SCALE": "0.25"}) == 0.25
    assert env_float("SCALE", 1.0, environ={}) == 1.0


@pytest.mark.parametrize("value", ["fast", "nan", "inf", "-1"])
def test_it_refuses_a_float_that_is_not_a_usable_number(value):
    with pytest.raises(ImproperlyConfigured, match="SCALE"):
        env_float("SCALE", 1.0, minimum=0.0, environ={"SCALE": value})


def test_it_reads_addresses_and_networks():
    environ = {"CRIBA_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7, 2001:db8::/32"}

    networks = env_networks("CRIBA_TRUSTED_PROXIES", environ=environ)

    assert [str(network) for network in networks] == [
        "10.0.0.0/8",
        "192.0.2.7/32",
        "2001:db8::/32",
    ]


def test_it_reads_no_networks_when_unset():
    assert env_networks("CRIBA_TRUSTED_PROXIES", environ={}) == []


@pytest.mark.parametrize("raw", ["10.0.0.5/8", "proxy.internal", "10.0.0.0/33"])
def test_it_names_the_variable_of_a_bad_network(raw):
    with pytest.raises(ImproperlyConfigured, match="CRIBA_TRUSTED_PROXIES"):
        env_networks("CRIBA_TRUSTED_PROXIES", environ={"CRIBA_TRUSTED_PROXIES": raw})
