"""The Mahalanobis index is judged against the item norm of the norm set in use."""

import numpy as np
import pytest

from assessments.definitions import instrument_spec, item_model
from assessments.models import NormSet, QuestionnaireResult, ScaleReliability
from assessments.results.norms import reliabilities_current
from assessments.results.store import results_compute_and_store
from assessments.scoring.validity import mahalanobis
from tests.factories import latent_answers, submissions_create


def _stored_distances(ids):
    results = QuestionnaireResult.objects.filter(
        invitation_id__in=ids, is_current=True
    ).order_by("invitation_id")
    return np.array([r.validity["mahalanobis"]["value"] for r in results])


def _expected(version, answers, norms):
    model = item_model(
        version.definition,
        norms=norms,
        reliabilities=reliabilities_current(version),
    )
    norm = model.covariance_norm()
    spec = instrument_spec(version.definition)
    columns = spec.item_indices(norm.items)
    return mahalanobis(answers[:, columns], norm.mean, norm.cov).value


def test_it_uses_the_provisional_figures_then_the_local_norms(instrument_version):
    answers = latent_answers(instrument_version.definition, 6, seed=3)
    ids = submissions_create(instrument_version, 6, answers=answers)
    results_compute_and_store(invitation_ids=ids)
    provisional = NormSet.objects.get(version=instrument_version)

    np.testing.assert_allclose(
        _stored_distances(ids),
        _expected(instrument_version, answers, provisional.scales),
        rtol=1e-12,
    )

    local_scales = {
        key: {"mean": 3.0, "sd": 0.5, "n": 150} for key in provisional.scales
    }
    NormSet.objects.create(
        version=instrument_version,
        source=NormSet.Source.LOCAL,
        scales=local_scales,
        n=150,
    )
    results_compute_and_store(invitation_ids=ids)

    local = _stored_distances(ids)
    np.testing.assert_allclose(
        local, _expected(instrument_version, answers, local_scales), rtol=1e-12
    )
    assert not np.allclose(
        local, _expected(instrument_version, answers, provisional.scales)
    )


def test_it_keeps_the_definition_alpha_when_none_is_estimated(instrument_version):
    model = item_model(
        instrument_version.definition, reliabilities={"coachability": None}
    )
    assert model.scales["coachability"].reliability == pytest.approx(0.80)
    model = item_model(
        instrument_version.definition, reliabilities={"coachability": 0.7}
    )
    assert model.scales["coachability"].reliability == pytest.approx(0.7)


def test_it_never_builds_the_item_norm_on_an_alpha_above_the_definition(
    instrument_version,
):
    # A local alpha inflated by answers given alike (docs/scoring.md) would
    # flag attentive candidates; the item norm keeps the published .80.
    answers = latent_answers(instrument_version.definition, 40, seed=4)
    ids = submissions_create(instrument_version, 40, answers=answers)
    for key in instrument_version.definition["scales"]:
        ScaleReliability.objects.create(
            version=instrument_version, scale_key=key["key"], n=40, alpha=0.99
        )
    results_compute_and_store(invitation_ids=ids)
    provisional = NormSet.objects.get(version=instrument_version)

    published = item_model(
        instrument_version.definition, norms=provisional.scales
    ).covariance_norm()
    spec = instrument_spec(instrument_version.definition)
    columns = spec.item_indices(published.items)
    np.testing.assert_allclose(
        _stored_distances(ids),
        mahalanobis(answers[:, columns], published.mean, published.cov).value,
        rtol=1e-12,
    )
