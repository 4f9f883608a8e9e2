"""The figures of the instrument statistics page, per scale and item."""

import numpy as np
import pytest
from django.urls import reverse

from assessments.definitions import instrument_spec
from assessments.models import QuestionnaireResult
from assessments.results.answers import answer_matrix
from assessments.results.store import results_compute_and_store
from assessments.scoring import instrument_reliability
from assessments.statistics.page import instrument_statistics
from assessments.statistics.reliability import reliabilities_recompute
from tests.factories import submissions_create
from tests.factories.submissions import latent_answers
from tests.hiring.support import logged_in


def test_it_reports_every_scale_with_its_item_analysis(instrument_version):
    ids = submissions_create(instrument_version, 50, seed=1)
    results_compute_and_store(invitation_ids=ids)
    reliabilities_recompute(version=instrument_version)
    valid = sorted(
        QuestionnaireResult.objects.filter(validity_status="valid").values_list(
            "invitation_id", flat=True
        )
    )
    spec = instrument_spec(instrument_version.definition)
    expected = instrument_reliability(answer_matrix(valid, spec.item_keys)[0], spec)

    report = instrument_statistics(instrument_version)

    assert report.scored == 50
    assert report.valid == report.used == len(valid)
    assert [s.key for s in report.scales] == list(spec.scale_keys)
    for scale in report.scales:
        stats = expected[scale.key]
        assert scale.statistics.alpha == pytest.approx(stats.alpha)
        assert scale.statistics.mean == pytest.approx(stats.mean)
        assert [i.item_total for i in scale.items] == pytest.approx(
            list(stats.item_total)
        )
        assert [i.alpha_if_dropped for i in scale.items] == pytest.approx(
            list(stats.alpha_if_dropped)
        )
        assert scale.reliability_source == "estimate"
        assert all(item.text and item.mean is not None for item in scale.items)
    # Provisional: the same pooled set for each language the questionnaire has.
    assert [(lang, n.language) for lang, n in report.norm_sets] == [
        ("en", ""),
        ("es", ""),
    ]


def test_it_shows_no_alpha_below_thirty(instrument_version):
    results_compute_and_store(invitation_ids=submissions_create(instrument_version, 10))

    report = instrument_statistics(instrument_version, language="es")

    for scale in report.scales:
        assert not scale.statistics.estimable
        assert scale.statistics.alpha is None
        assert scale.reliability_source == "definition"
        assert scale.reliability_used == 0.8
    assert report.scales[0].name == "Autodisciplina"


def test_it_shows_that_a_negative_alpha_leaves_the_sem_at_the_whole_sd(
    client, admin_user, instrument_version
):
    # Everyone answers the coachability items by their own agreement level,
    # whatever the keying: the reversed items then run against the others and
    # alpha is negative. Scoring floors it at 0 (SEM = SD); the page says so.
    definition = instrument_version.definition
    answers = latent_answers(definition, 40, seed=4)
    columns = [i for i, it in enumerate(definition["items"]) if it["scale"] == SCALE]
    level = np.random.default_rng(4).integers(2, 5, size=(40, 1))
    answers[:, columns] = level
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 40, answers=answers)
    )
    reliabilities_recompute(version=instrument_version)

    scale = next(
        s for s in instrument_statistics(instrument_version).scales if s.key == SCALE
    )

    assert scale.statistics.estimable
    assert scale.statistics.alpha < 0
    assert scale.reliability_used == 0.0
    assert scale.reliability_source == "floored"
    page = (
        logged_in(client, admin_user)
        .get(reverse("instrument_statistics", args=[instrument_version.pk]))
        .content.decode()
    )
    used = page.split(f'data-scale="{SCALE}"')[1].split(
        'data-figure="reliability-used">'
    )
    assert used[1].split("</dd>")[0] == (
        "0.000 (the stored estimate is below 0, so the SEM is the whole SD and the "
        "bands are as wide as they get)"
    )


SCALE = "coachability"


def test_it_shows_that_an_alpha_above_the_ceiling_is_capped_for_the_sem(
    client, admin_user, instrument_version
):
    from assessments.models import ScaleReliability

    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 40, seed=1)
    )
    reliabilities_recompute(version=instrument_version)
    ScaleReliability.objects.filter(version=instrument_version, scale_key=SCALE).update(
        alpha=0.99
    )

    scale = next(
        s for s in instrument_statistics(instrument_version).scales if s.key == SCALE
    )

    assert scale.reliability_used == 0.95
    assert scale.reliability_source == "capped"
    page = (
        logged_in(client, admin_user)
        .get(reverse("instrument_statistics", args=[instrument_version.pk]))
        .content.decode()
    )
    used = page.split(f'data-scale="{SCALE}"')[1].split(
        'data-figure="reliability-used">'
    )
    assert (
        used[1]
        .split("</dd>")[0]
        .startswith(
            "0.950 (the figure is above 0.95, which a short scale reaches only when"
        )
    )
