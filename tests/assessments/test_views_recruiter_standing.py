"""Candidates whose composites the margin of error cannot separate are not ranked."""

import re

from tests.factories import (
    InstrumentVersionFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def _row(page: str, application) -> str:
    match = re.search(
        rf'<tr data-application="{application.pk}">(.*?)</tr>', page, re.S
    )
    assert match, f"no row for application {application.pk}"
    return match.group(1)


def test_it_groups_composites_within_the_sed_interval(client, job, alice):
    version = InstrumentVersionFactory()
    close_a, close_b, far = (
        QuestionnaireResultFactory(
            invitation__application__job=job,
            invitation__instrument_version=version,
            composite=composite,
        )
        for composite in (0.50, 0.45, -1.5)
    )

    page = logged_in(client, alice).get(job.get_absolute_url()).content.decode()

    first = _row(page, close_a.invitation.application)
    second = _row(page, close_b.invitation.application)
    third = _row(page, far.invitation.application)
    assert "Group 1" in first
    assert "Group 1" in second
    assert close_b.invitation.application.candidate.full_name in first
    assert "Group 2" in third
    assert "not distinguishable" not in third
    assert "cannot be told apart at 95 %" in page


def test_it_explains_the_band_in_words(client, job, alice):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        explanation={
            "composite": 0.49,
            "band": "fit",
            "contributions": [
                {"scale": "drive", "weight": 0.6, "z": 1.2, "contribution": 0.72},
                {"scale": "blame", "weight": -0.4, "z": 0.575, "contribution": -0.23},
            ],
            "missing_scales": [],
            "nearest_cut": 0.5,
            "nearest_cut_label": "strong_fit",
            "distance_to_cut": -0.01,
        },
    )

    page = logged_in(client, alice).get(f"/results/{result.pk}/").content.decode()

    assert 'class="band-explanation"' in page
    assert "falls in the band" in page
    assert "0.49" in page
