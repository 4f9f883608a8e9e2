"""Pages name a questionnaire and an interview guide in the page's language, as
their definitions do, not always in English."""

import re

import pytest
from django.conf import settings

from assessments.models import Rubric
from assessments.rubric_definitions import rubrics_load
from tests.hiring.support import logged_in


@pytest.fixture
def rubric(instrument_version):
    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    return Rubric.objects.get(slug="sales-interview")


def _get(client, user, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = logged_in(client, user).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)<", select)]


def test_it_offers_the_plan_s_questionnaire_and_guide_in_spanish(
    client, job, alice, instrument_version, rubric
):
    page = _get(client, alice, f"/jobs/{job.pk}/plan/", "es")

    assert "Cuestionario de empuje comercial, versión 1" in _options(page, "version")
    assert "Entrevista estructurada para ventas" in _options(page, "rubric")
    assert "Sales structured interview" not in page


def test_it_offers_them_in_english_on_an_english_page(
    client, job, alice, instrument_version, rubric
):
    page = _get(client, alice, f"/jobs/{job.pk}/plan/", "en")

    assert "Sales Drive Questionnaire, version 1" in _options(page, "version")
    assert "Sales structured interview" in _options(page, "rubric")


def test_it_heads_the_statistics_and_calibration_pages_in_spanish(
    client, admin_user, instrument_version, rubric
):
    statistics = _get(
        client, admin_user, f"/instruments/{instrument_version.pk}/statistics/", "es"
    )
    calibration = _get(client, admin_user, f"/rubrics/{rubric.pk}/calibration/", "es")

    assert re.search(r"<h1>Cuestionario de empuje comercial, versi", statistics)
    assert "Entrevista estructurada para ventas</h1>" in calibration
    assert "Sales structured interview" not in calibration
