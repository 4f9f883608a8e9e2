"""Bulk rescoring renders results without an object per row; it must render the
very values the engine's ``row(i).to_dict()`` holds, and rebuild each
candidate's presentation order exactly as ``random.shuffle`` did."""

import json
import math

import numpy as np
import pytest
from django.conf import settings

from assessments.definitions import (
    all_item_keys,
    definition_load,
    instrument_spec,
    item_model,
)
from assessments.results.answers import presentation_orders
from assessments.results.records import result_records
from assessments.scoring import Norm, score_batch
from assessments.services import presentation_order


@pytest.fixture(scope="module")
def definition():
    return definition_load(settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml")


def _batch(definition, *, n=400, seed=1, **options):
    spec = instrument_spec(definition)
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, (n, spec.n_items)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = np.nan
    answers[:5] = 3.0  # straight-liners
    answers[5, :] = np.nan  # nothing answered
    norms = {
        key: Norm(
            3.4,
            0.6,
            200,
            "local",
            sample=tuple(np.round(rng.normal(3.4, 0.6, 150), 2)),
        )
        for key in spec.scale_keys
    }
    return score_batch(
        spec,
        answers,
        norms=norms,
        reliabilities={"coachability": 0.71, "self_discipline": None},
        order=presentation_orders(definition, rng.integers(0, 2**31, n)),
        page_items=np.full((n, 7), 8.0),
        page_seconds=rng.uniform(4, 60, (n, 7)),
        **({"covariance_norm": item_model(definition).covariance_norm()} | options),
    )


def _exact(value) -> str:
    # json.dumps tells 4 from 4.0 and -0.0 from 0.0, which == would not.
    return json.dumps(value, sort_keys=True)


def _plan(definition, **changes):
    plan = definition["plan_defaults"]
    bands = [(-math.inf if b is None else b, label) for b, label in plan["bands"]]
    return {"weights": plan["weights"], "bands": bands} | changes


@pytest.mark.parametrize(
    "options",
    [
        "plan",
        "no_plan",
        "empirical",
        "zero_weight",
        "no_bands",
    ],
)
def test_it_renders_exactly_what_the_engine_rows_hold(definition, options):
    plan = _plan(definition)
    kwargs = {
        "plan": plan,
        "no_plan": {},
        "empirical": plan | {"percentiles": "empirical"},
        "zero_weight": plan | {"weights": {**plan["weights"], "coachability": 0.0}},
        "no_bands": plan | {"bands": ()},
    }[options]
    batch = _batch(definition, **kwargs)

    records = result_records(batch)

    for i in range(len(batch)):
        row = batch.row(i).to_dict()
        assert _exact(json.loads(records.scales[i])) == _exact(row["scales"])
        assert _exact(json.loads(records.validity[i])) == _exact(row["validity"])
        assert _exact(json.loads(records.explanation[i])) == _exact(
            row["explanation"] or {}
        )
        assert records.validity_status[i] == row["validity_status"]
        assert _exact(records.composite[i]) == _exact(row["composite"])
        assert records.band[i] == (row["band"] or "")


def test_it_keeps_negative_zero_contributions_apart(definition):
    batch = _batch(definition, n=50, **_plan(definition))
    column = batch.scale_column("negativity_blame")
    batch.z[:, column] = 0.0  # a negative weight times 0.0 is -0.0

    records = result_records(batch)

    for i in range(len(batch)):
        expected = batch.row(i).to_dict()["explanation"]
        assert _exact(json.loads(records.explanation[i])) == _exact(expected)


def test_it_escapes_labels_that_need_it_in_json(definition):
    labels = ['say "yes"', "back\\slash", "100 % fit", "recomendación", "tab\there"]
    bands = [(1.0 - i, label) for i, label in enumerate(labels[:-1])]
    bands.append((-math.inf, labels[-1]))
    batch = _batch(definition, n=60, **_plan(definition, bands=bands))

    records = result_records(batch)

    for i in range(len(batch)):
        expected = batch.row(i).to_dict()["explanation"]
        assert json.loads(records.explanation[i]) == expected


def test_it_rebuilds_each_candidates_presentation_order(definition):
    seeds = np.random.default_rng(9).integers(0, 2**31, 2500)
    keys = all_item_keys(definition)

    orders = presentation_orders(definition, seeds)

    for seed, order in zip(seeds.tolist(), orders, strict=True):
        assert [keys[j] for j in order] == presentation_order(definition, seed)
