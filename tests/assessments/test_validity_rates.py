"""Each flag's rate among real submissions, next to the simulated attentive rate."""

import numpy as np
import pytest
from django.urls import reverse

from assessments.definitions import all_item_keys, item_model
from assessments.models import QuestionnaireResult
from assessments.results.store import results_compute_and_store
from assessments.scoring import SCORING_VERSION
from assessments.scoring.simulation import attentive_answers
from assessments.validity_rates import expected_attentive_rates, validity_rates
from tests.factories import submissions_create
from tests.hiring.support import logged_in


@pytest.fixture
def scored(instrument_version):
    """30 simulated attentive submissions and 10 straight-liners, all scored."""
    definition = instrument_version.definition
    rng = np.random.default_rng(5)
    attentive = attentive_answers(item_model(definition), 30, rng)
    straight = np.full((10, len(all_item_keys(definition))), 3.0)
    ids = submissions_create(
        instrument_version, 40, answers=np.vstack([attentive, straight])
    )
    results_compute_and_store(invitation_ids=ids)
    return ids


def test_it_counts_each_flag_among_the_current_results(
    instrument_version, scored, django_assert_num_queries
):
    expected_attentive_rates(instrument_version)  # simulated once, then cached

    with django_assert_num_queries(2):
        rates = validity_rates(instrument_version)

    assert rates.n == 40
    assert rates.scoring_version == SCORING_VERSION
    by_name = {rate.name: rate for rate in rates.flags + rates.statuses}
    stored = QuestionnaireResult.objects.filter(is_current=True)
    for name in ("longstring", "irv", "mahalanobis", "instructed", "speed"):
        flagged = sum(bool(r.validity[name]["flag"]) for r in stored)
        assert by_name[name].flagged == flagged
    assert by_name["longstring"].flagged == 10
    assert by_name["irv"].flagged == 10
    assert (
        by_name["not_valid"].flagged == stored.exclude(validity_status="valid").count()
    )
    assert by_name["irv"].rate == pytest.approx(0.25)
    assert by_name["irv"].low == pytest.approx(0.1419, abs=1e-3)


def test_it_marks_a_flag_that_fires_far_more_often_than_expected(
    instrument_version, scored
):
    rates = {rate.name: rate for rate in validity_rates(instrument_version).flags}

    # No simulated attentive respondent straight-lines; 10 of 40 real ones did.
    assert rates["irv"].expected == 0.0
    assert rates["irv"].far_above
    assert not rates["speed"].far_above
    assert not rates["even_odd"].applicable
    assert not rates["even_odd"].far_above


def test_it_counts_results_of_an_earlier_scoring_version_apart(
    instrument_version, scored
):
    QuestionnaireResult.objects.filter(invitation_id__in=scored[:4]).update(
        scoring_version="1.0.0"
    )

    rates = validity_rates(instrument_version)

    assert rates.n == 36
    assert rates.on_other_versions == 4


def test_it_expects_the_simulated_attentive_rates(instrument_version):
    expected = expected_attentive_rates(instrument_version)

    rate, low, high, applicable = expected["not_valid"]
    assert 0 < rate < 0.05
    assert low <= rate <= high
    assert applicable
    assert expected["even_odd"][3] is False
    assert expected_attentive_rates(instrument_version) is expected


def test_it_shows_the_rates_on_the_statistics_page(
    client, admin_user, instrument_version, scored
):
    url = reverse("instrument_statistics", args=[instrument_version.pk])

    page = logged_in(client, admin_user).get(url).content.decode()

    row = page.split('<tr data-flag="irv" class="far-above">')[1].split("</tr>")[0]
    assert "25.0 % (14.2\u201340.2)" in row
    assert "far above" in row
    even_odd = page.split('<tr data-flag="even_odd">')[1].split("</tr>")[0]
    assert "not computed on this questionnaire" in even_odd


def test_it_does_not_call_one_flagged_result_of_one_far_above(instrument_version):
    # One straight-liner, the only result: 1 of 1 has a Wilson interval of
    # 21 % to 100 %, far above any rare flag's expectation, yet it says
    # nothing about the questionnaire; a rate is judged from 30 results on.
    answers = np.full((1, len(all_item_keys(instrument_version.definition))), 3.0)
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 1, answers=answers)
    )

    rates = validity_rates(instrument_version)

    assert rates.n == 1
    assert not rates.judged
    by_name = {rate.name: rate for rate in rates.flags + rates.statuses}
    assert by_name["irv"].flagged == 1
    assert by_name["irv"].low == pytest.approx(0.2065, abs=1e-3)
    assert not by_name["irv"].judged
    assert not any(rate.far_above for rate in rates.flags + rates.statuses)


def test_it_judges_rates_from_thirty_results_on(instrument_version):
    definition = instrument_version.definition
    attentive = attentive_answers(item_model(definition), 27, np.random.default_rng(5))
    straight = np.full((3, len(all_item_keys(definition))), 3.0)
    ids = submissions_create(
        instrument_version, 30, answers=np.vstack([attentive, straight])
    )
    results_compute_and_store(invitation_ids=ids)

    rates = {rate.name: rate for rate in validity_rates(instrument_version).flags}

    assert rates["irv"].judged
    assert rates["irv"].far_above  # 3 of 30 straight-liners, none expected


def test_it_says_why_nothing_is_marked_below_thirty_results(
    client, admin_user, instrument_version
):
    answers = np.full((1, len(all_item_keys(instrument_version.definition))), 3.0)
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 1, answers=answers)
    )
    url = reverse("instrument_statistics", args=[instrument_version.pk])

    page = logged_in(client, admin_user).get(url).content.decode()

    assert 'class="far-above"' not in page
    assert "far above</strong>" not in page
    notice = page.split('data-figure="too-few">')[1].split("</p>")[0]
    assert notice.startswith("Only 1 result so far: no rate is marked")
    assert "before 30 results" in notice
    row = page.split('<tr data-flag="irv">')[1].split("</tr>")[0]
    assert "too few results to judge" in row
    even_odd = page.split('<tr data-flag="even_odd">')[1].split("</tr>")[0]
    assert "not computed on this questionnaire" in even_odd
