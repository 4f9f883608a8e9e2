"""The OpenAPI document's examples of a scored questionnaire read as Criba writes
one: a band key that exists, the band the questionnaire's default plan gives the
example's composite, and the scoring version in force."""

import pytest

from assessments.plans import BAND_KEYS
from assessments.scoring.composite import band_label
from assessments.scoring.version import SCORING_VERSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_client):
    return api_client().get("/api/v1/schema/?format=json").json()


def _examples(operation: dict) -> list[dict]:
    found = []
    for part in [operation.get("requestBody", {}), *operation["responses"].values()]:
        for media in part.get("content", {}).values():
            found += [
                example["value"] for example in media.get("examples", {}).values()
            ]
    return found


def test_the_scored_event_example_has_the_band_of_its_composite(
    schema, instrument_version
):
    operation = schema["x-webhooks"]["assessment.scored"]["post"]
    (example,) = _examples(operation)
    data = example["data"]
    bands = [
        (float("-inf") if lower is None else lower, key)
        for lower, key in instrument_version.definition["plan_defaults"]["bands"]
    ]

    assert data["band"] == band_label(data["composite"], bands)
    assert data["scoring_version"] == SCORING_VERSION


def test_the_result_example_names_a_band_and_scales_that_exist(
    schema, instrument_version
):
    operation = schema["paths"]["/api/v1/results/{id}/"]["get"]
    (result,) = [example for example in _examples(operation) if "band" in example]
    scale_keys = {scale["key"] for scale in instrument_version.definition["scales"]}

    assert result["band"] in BAND_KEYS
    assert result["scoring_version"] == SCORING_VERSION
    assert {scale["key"] for scale in result["scales"]} <= scale_keys
