import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessments.scoring import (
    InstrumentSpec,
    ItemModel,
    ItemSpec,
    Norm,
    ScaleFigures,
    ScaleSpec,
    cronbach_alpha,
    reverse,
    score_batch,
    score_one,
    t_score,
    z_score,
)

FAST = settings(max_examples=40, deadline=None)
# Whole-engine properties: fewer examples keep the suite well under 20 s.
ENGINE = settings(max_examples=20, deadline=None)

SPEC = InstrumentSpec(
    1,
    5,
    (
        *(ItemSpec(f"a{i}", "agree", keyed=-1 if i == 1 else 1) for i in range(4)),
        *(ItemSpec(f"c{i}", "calm") for i in range(4)),
        *(ItemSpec(f"n{i}", "negativity", keyed=-1 if i == 3 else 1) for i in range(4)),
        ItemSpec("attention", None, kind="instructed", expected=4),
        ItemSpec("never_ill", None, kind="infrequency", expected=4),
        ItemSpec("never_late", "calm", kind="impression"),
    ),
    (ScaleSpec("agree"), ScaleSpec("calm"), ScaleSpec("negativity", False)),
    consistency_pairs=(("a0", "a2"), ("c0", "c1")),
)
K = SPEC.n_items
NORMS = {
    "agree": Norm(3.2, 0.6, 300, "provisional"),
    "calm": Norm(3.0, 0.7, 300, "local", sample=(2.0, 2.6, 3.0, 3.4, 4.2)),
    "negativity": Norm(2.4, 0.8, 300, "provisional"),
}
OPTIONS = {
    "norms": NORMS,
    "reliabilities": {"agree": 0.81, "calm": None},
    "weights": {"agree": 0.5, "calm": 0.3, "negativity": -0.2},
    "bands": ((0.5, "strong_fit"), (0.0, "fit"), (-math.inf, "not_recommended")),
    "covariance_norm": ItemModel(
        SPEC,
        {
            "agree": ScaleFigures(3.2, 0.6, 0.8),
            "calm": ScaleFigures(3.0, 0.7, 0.75),
            "negativity": ScaleFigures(2.4, 0.8, 0.7),
        },
    ).covariance_norm(),
}


@st.composite
def answer_matrices(draw, min_rows=1, max_rows=6, missing=True):
    n = draw(st.integers(min_rows, max_rows))
    values = draw(arrays(np.int64, (n, K), elements=st.integers(1, 5))).astype(float)
    if missing:
        holes = draw(arrays(np.bool_, (n, K), elements=st.booleans()))
        values[holes] = np.nan
    return values


@st.composite
def orders(draw, n):
    return np.array([draw(st.permutations(range(K))) for _ in range(n)])


def same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


@FAST
@given(
    bounds=st.tuples(st.integers(-3, 3), st.integers(1, 9)),
    data=st.data(),
)
def test_it_returns_the_original_answer_when_reversing_twice(bounds, data):
    low, high = bounds[0], bounds[0] + bounds[1]
    x = data.draw(arrays(np.int64, 8, elements=st.integers(low, high)))
    np.testing.assert_array_equal(reverse(reverse(x, low, high), low, high), x)


@FAST
@given(
    raw=st.lists(st.floats(1, 5), min_size=2, max_size=20),
    mean=st.floats(1, 5),
    sd=st.floats(0.1, 3),
)
def test_it_never_lowers_t_when_the_raw_score_rises(raw, mean, sd):
    ordered = np.sort(raw)
    assert np.all(np.diff(t_score(z_score(ordered, mean, sd))) >= 0)


@FAST
@given(answers=answer_matrices(missing=False), bump=st.data())
def test_it_never_lowers_scale_t_when_keyed_answers_rise(answers, bump):
    keyed_up = answers.copy()
    column = bump.draw(st.integers(0, K - 1))
    keyed = SPEC.keyed_vector[column]
    limit = SPEC.scale_max if keyed > 0 else SPEC.scale_min
    keyed_up[:, column] = limit
    before = score_batch(SPEC, answers, norms=NORMS, reliabilities={})
    after = score_batch(SPEC, keyed_up, norms=NORMS, reliabilities={})
    for result in (before, after):
        assert not result.missing.any()
    assert np.all(after.t >= before.t - 1e-12)
    assert np.all(after.sten >= before.sten)
    assert np.all(after.percentile >= before.percentile - 1e-12)


@FAST
@given(
    matrix=st.integers(2, 30).flatmap(
        lambda n: arrays(
            np.int64,
            st.tuples(st.just(n), st.integers(2, 6)),
            elements=st.integers(1, 5),
        )
    )
)
def test_it_never_reports_alpha_above_one(matrix):
    alpha = cronbach_alpha(matrix)
    assert math.isnan(alpha) or alpha <= 1.0


@ENGINE
@given(answers=answer_matrices(), data=st.data())
def test_it_scores_scales_the_same_whatever_the_presentation_order(answers, data):
    n = answers.shape[0]
    first = score_batch(SPEC, answers, order=data.draw(orders(n)), **OPTIONS)
    second = score_batch(SPEC, answers, order=data.draw(orders(n)), **OPTIONS)
    for name in ("raw_mean", "prorated_sum", "n_answered", "z", "t", "composite"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


@ENGINE
@given(answers=answer_matrices())
def test_it_reports_a_missing_scale_as_none_and_never_as_zero(answers):
    result = score_batch(SPEC, answers, **OPTIONS)
    for i in range(len(result)):
        row = result.row(i)
        for key, scale in row.scales.items():
            scores = (scale.raw_mean, scale.prorated_sum, scale.z, scale.t)
            columns = SPEC.scale_columns(key)
            answered = int((~np.isnan(answers[i, columns])).sum())
            assert scale.n_answered == answered
            if answered < math.ceil(0.8 * columns.size):
                assert scale.missing
                assert all(value is None for value in scores)
                assert scale.sten is None
                assert scale.stanine is None
                assert scale.percentile is None
            else:
                assert not scale.missing
                assert all(value is not None for value in scores)
        if any(row.scales[key].missing for key in OPTIONS["weights"]):
            assert row.composite is None
            assert row.band is None


@ENGINE
@given(answers=answer_matrices(max_rows=5), data=st.data())
def test_it_scores_a_batch_exactly_like_one_submission_at_a_time(answers, data):
    n = answers.shape[0]
    order = data.draw(orders(n))
    page_items = np.full((n, 3), 5.0)
    page_seconds = data.draw(
        arrays(np.float64, (n, 3), elements=st.floats(1, 60, allow_nan=False))
    )
    batch = score_batch(
        SPEC,
        answers,
        order=order,
        page_items=page_items,
        page_seconds=page_seconds,
        **OPTIONS,
    )
    for i in range(n):
        answers_by_key = {
            key: None if math.isnan(value) else int(value)
            for key, value in zip(SPEC.item_keys, answers[i], strict=True)
        }
        one = score_one(
            SPEC,
            answers_by_key,
            order=[SPEC.item_keys[j] for j in order[i]],
            page_items=list(page_items[i]),
            page_seconds=list(page_seconds[i]),
            **OPTIONS,
        )
        assert same(one.to_dict(), batch.row(i).to_dict())
