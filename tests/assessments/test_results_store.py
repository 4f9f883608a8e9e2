"""Storing many results at once: the answers as a matrix, the results as the engine
computes them, one current result per submission even when workers race."""

import json
import math

import numpy as np
import pytest
from django.utils import timezone

from assessments.definitions import all_item_keys, instrument_spec, item_model
from assessments.models import AssessmentPlan, Invitation, NormSet, QuestionnaireResult
from assessments.results.answers import (
    answer_matrix,
    page_arrays,
    presentation_orders,
)
from assessments.results.norms import (
    engine_norms,
    norm_set_current,
    reliabilities_with_sources,
    reliability_sources_applied,
)
from assessments.results.store import (
    ScoringContext,
    results_compute_and_store,
    results_prepare,
    results_write,
)
from assessments.scoring import empirical_percentile, score_batch
from hiring.models import OutboxEvent
from tests.factories import ApplicationFactory, latent_answers, submissions_create


def test_it_loads_answers_in_the_order_asked_with_gaps_as_nan(instrument_version):
    definition = instrument_version.definition
    answers = latent_answers(definition, 3, seed=4)
    answers[1, 5] = np.nan
    ids = submissions_create(instrument_version, 3, answers=answers)
    keys = all_item_keys(definition)

    matrix, row_of = answer_matrix([ids[2], ids[0], ids[1]], keys)

    np.testing.assert_array_equal(matrix, answers[[2, 0, 1]])
    assert row_of == {ids[2]: 0, ids[0]: 1, ids[1]: 2}


def test_it_loads_page_times_per_submission(instrument_version):
    ids = submissions_create(instrument_version, 2, page_seconds=30.0)
    none = submissions_create(instrument_version, 1, page_seconds=None)

    items, seconds = page_arrays([*ids, *none])

    pages = -(-len(all_item_keys(instrument_version.definition)) // 8)
    assert items.shape == (3, pages)
    assert np.all(seconds[:2] == 30.0)
    assert np.all(np.isnan(seconds[2]))
    assert page_arrays(none) == (None, None)


def test_it_stores_what_the_engine_computes_for_each_submission(instrument_version):
    ids = submissions_create(instrument_version, 40, careless=0.2, seed=8)
    definition = instrument_version.definition
    spec = instrument_spec(definition)

    stored = results_compute_and_store(invitation_ids=ids)

    assert [r.invitation_id for r in stored] == ids
    invitations = Invitation.objects.filter(pk__in=ids).order_by("pk")
    matrix, _ = answer_matrix(ids, spec.item_keys)
    items, seconds = page_arrays(ids)
    plan = definition["plan_defaults"]
    reliabilities, sources = reliabilities_with_sources(instrument_version)
    batch = score_batch(
        spec,
        matrix,
        norms=engine_norms(norm_set_current(instrument_version, "en")),
        reliabilities=reliabilities,
        order=presentation_orders(definition, [i.item_order_seed for i in invitations]),
        page_items=items,
        page_seconds=seconds,
        weights=plan["weights"],
        bands=[(-math.inf if b is None else b, label) for b, label in plan["bands"]],
        covariance_norm=item_model(definition).covariance_norm(),
    )
    # No alpha estimated yet: the definition's figures, and the results say so.
    assert set(sources.values()) == {"definition"}
    batch = reliability_sources_applied(batch, sources)
    for i, result in enumerate(stored):
        result.refresh_from_db()
        expected = batch.row(i).to_dict()
        assert json.dumps(result.scales, sort_keys=True) == json.dumps(
            expected["scales"], sort_keys=True
        )
        assert result.validity == expected["validity"]
        assert result.explanation == expected["explanation"]
        assert result.validity_status == expected["validity_status"]
        assert result.composite == pytest.approx(expected["composite"], abs=0)
        assert result.band == expected["band"]
        assert result.is_current
    assert set(
        Invitation.objects.filter(pk__in=ids).values_list("status", flat=True)
    ) == {"scored"}
    assert OutboxEvent.objects.filter(type="assessment.scored").count() == 40
    events = [
        event.payload["data"]
        for event in OutboxEvent.objects.filter(type="assessment.scored")
    ]
    invalid = [data for data in events if data["validity_status"] == "invalid"]
    assert invalid, "some careless submissions should be invalid"
    # Nothing computed from answers that cannot be trusted reaches a subscriber.
    assert all(data["composite"] is None for data in invalid)
    assert all(data["band"] is None for data in invalid)
    assert any(data["composite"] is not None for data in events if data not in invalid)


def test_it_drops_what_another_worker_stored_meanwhile(instrument_version):
    ids = submissions_create(instrument_version, 5)
    prepared = results_prepare(ids, ScoringContext())
    results_compute_and_store(invitation_ids=[ids[2]])  # the other worker

    written = results_write(prepared, now=timezone.now())

    assert written == 4
    assert QuestionnaireResult.objects.filter(invitation_id__in=ids).count() == 5
    assert OutboxEvent.objects.filter(type="assessment.scored").count() == 5


def test_it_uses_empirical_percentiles_when_the_plan_asks(instrument_version):
    application = ApplicationFactory()
    AssessmentPlan.objects.create(
        job=application.job,
        instrument=instrument_version.instrument,
        percentiles="empirical",
    )
    provisional = norm_set_current(instrument_version, "en")
    sample = sorted(np.random.default_rng(2).normal(3.5, 0.5, 200).round(2).tolist())
    NormSet.objects.create(
        version=instrument_version,
        source=NormSet.Source.LOCAL,
        language="en",
        scales=provisional.scales,
        samples=dict.fromkeys(provisional.scales, sample),
        n=200,
    )
    [pk] = submissions_create(instrument_version, 1, application=application)

    [result] = results_compute_and_store(invitation_ids=[pk])

    for figures in result.scales.values():
        assert figures["percentile_method"] == "empirical"
        assert figures["norm_source"] == "local"
        assert figures["percentile"] == pytest.approx(
            float(empirical_percentile(figures["raw_mean"], sample))
        )


def test_it_scores_each_job_with_its_own_plan(instrument_version):
    weighted = ApplicationFactory()
    AssessmentPlan.objects.create(
        job=weighted.job,
        instrument=instrument_version.instrument,
        scale_weights={"coachability": 1.0},
        bands=[[0.0, "fit"], [None, "not_recommended"]],
    )
    plain = submissions_create(instrument_version, 3, seed=1)
    planned = submissions_create(instrument_version, 3, seed=2, application=weighted)

    stored = {
        r.invitation_id: r
        for r in results_compute_and_store(invitation_ids=plain + planned)
    }

    for pk in planned:
        result = stored[pk]
        assert result.composite == pytest.approx(result.scales["coachability"]["z"])
        assert result.band in {"fit", "not_recommended"}
    for pk in plain:
        assert len(stored[pk].explanation["contributions"]) == 5
