"""Properties of the validity status on the starter questionnaire's structure."""

import numpy as np
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.definitions import definition_load, item_model
from assessments.scoring import score_batch
from assessments.scoring.simulation import attentive_answers, model_norms, simulate

ENGINE = hypothesis_settings(max_examples=30, deadline=None)
DEFINITION = definition_load(settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml")
MODEL = item_model(DEFINITION)
SPEC = MODEL.spec
K = SPEC.n_items
PAGES = -(-K // DEFINITION["items_per_page"])


def _score(answers, order, page_seconds):
    n = answers.shape[0]
    sizes = np.full(PAGES, float(DEFINITION["items_per_page"]))
    sizes[-1] = K - DEFINITION["items_per_page"] * (PAGES - 1)
    return score_batch(
        SPEC,
        answers,
        norms=model_norms(MODEL),
        reliabilities={},
        order=order,
        page_items=np.broadcast_to(sizes, (n, PAGES)),
        page_seconds=page_seconds,
        covariance_norm=MODEL.covariance_norm(),
    )


@ENGINE
@given(
    value=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    seconds_per_item=st.floats(2.5, 60),
)
def test_it_never_calls_a_straight_liner_valid(value, seed, seconds_per_item):
    rng = np.random.default_rng(seed)
    answers = np.full((1, K), float(value))
    order = rng.permutation(K)[None, :]
    seconds = np.full((1, PAGES), seconds_per_item * DEFINITION["items_per_page"])

    result = _score(answers, order, seconds)

    assert result.validity.status[0] != "valid"
    assert result.validity["irv"].flag[0]
    assert result.validity["longstring"].flag[0]


# One weak sign each: a slip on one instruction, one page answered too fast,
# every impression item at its favourable extreme, the two items of each pair
# of synonyms answered at opposite ends.
SLIPS = ("instruction", "fast_page", "impression", "pair")


def _with_one_slip(answers, seconds, slip, rng):
    answers, seconds = answers.copy(), seconds.copy()
    if slip == "instruction":
        column = SPEC.kind_columns("instructed")[0]
        expected = SPEC.expected_vector[column]
        answers[0, column] = expected - 1 if expected > SPEC.scale_min else expected + 1
    elif slip == "fast_page":
        page = rng.integers(PAGES)
        seconds[0, page] = 1.0 * DEFINITION["items_per_page"]
    elif slip == "impression":
        for column in SPEC.kind_columns("impression"):
            keyed = SPEC.keyed_vector[column]
            answers[0, column] = SPEC.scale_max if keyed > 0 else SPEC.scale_min
    else:
        for first, second in SPEC.consistency_pairs:
            answers[0, SPEC.item_index(first)] = SPEC.scale_min
            answers[0, SPEC.item_index(second)] = SPEC.scale_max
    return answers, seconds


@ENGINE
@given(seed=st.integers(0, 2**32 - 1), slip=st.sampled_from(SLIPS))
def test_it_never_calls_an_attentive_respondent_invalid_on_one_weak_flag(seed, slip):
    rng = np.random.default_rng(seed)
    responses = simulate(MODEL, "attentive", 1, rng, items_per_page=8)
    assert not np.isnan(responses.answers).any()
    answers, seconds = _with_one_slip(
        responses.answers, responses.page_seconds, slip, rng
    )

    result = _score(answers, responses.order, seconds)

    n_flags = int(result.validity.n_flags[0])
    assert n_flags >= 1
    # Two missed instructions (or two implausible statements agreed with) are a
    # strong sign, not a weak flag: the simulation's own rare slips can add a
    # second one to the one made here.
    strong = (
        np.nan_to_num(result.validity["instructed"].value[0]) >= 2
        or np.nan_to_num(result.validity["infrequency"].value[0]) >= 2
    )
    if n_flags == 1 and not strong:
        assert result.validity.status[0] == "questionable"


@ENGINE
@given(seed=st.integers(0, 2**32 - 1))
def test_it_makes_invalid_only_on_strong_or_several_signs(seed):
    rng = np.random.default_rng(seed)
    responses = simulate(MODEL, "attentive", 40, rng, items_per_page=8)

    result = _score(responses.answers, responses.order, responses.page_seconds)

    invalid = result.validity.status == "invalid"
    strong = (np.nan_to_num(result.validity["instructed"].value) >= 2) | (
        np.nan_to_num(result.validity["infrequency"].value) >= 2
    )
    assert np.all(~invalid | strong | (result.validity.n_flags >= 2))


@pytest.mark.parametrize("n_missing", [0, 5, 15])
def test_it_judges_attentive_answers_alike_with_some_missing(n_missing):
    rng = np.random.default_rng(7)
    answers = attentive_answers(MODEL, 200, rng)
    columns = MODEL.columns
    for row in answers:
        row[rng.choice(columns, n_missing, replace=False)] = np.nan
    order = np.broadcast_to(np.arange(K), answers.shape)
    seconds = np.full((200, PAGES), 80.0)

    result = _score(answers, order, seconds)

    distance = result.validity["mahalanobis"]
    np.testing.assert_array_equal(distance.extra["items"], 40 - n_missing)
    # The distance over the answered items is chi-square with as many degrees of
    # freedom as items used: its mean among attentive respondents stays near it.
    assert abs(np.mean(distance.value) - (40 - n_missing)) < 0.2 * (40 - n_missing)
    assert distance.flag.mean() < 0.02
