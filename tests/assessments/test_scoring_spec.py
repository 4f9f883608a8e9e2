import pytest

from assessments.scoring import (
    Clause,
    CovarianceNorm,
    FlagsRaised,
    InstrumentSpec,
    ItemModel,
    ItemSpec,
    Norm,
    ScaleSpec,
    ScoringInputError,
    ValidityThresholds,
)


def test_it_looks_up_item_columns_and_scale_columns():
    spec = InstrumentSpec(
        1,
        5,
        (
            ItemSpec("a1", "agree"),
            ItemSpec("c1", "calm", keyed=-1),
            ItemSpec("a2", "agree"),
            ItemSpec("att", None, kind="instructed", expected=4),
        ),
        (ScaleSpec("agree"), ScaleSpec("calm")),
    )
    assert spec.item_index("a2") == 2
    assert list(spec.scale_columns("agree")) == [0, 2]
    assert list(spec.kind_columns("instructed")) == [3]
    assert list(spec.keyed_vector) == [1, -1, 1, 1]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ItemSpec("a", None), "needs a scale"),
        (lambda: ItemSpec("a", "s", keyed=2), "keyed"),
        (lambda: ItemSpec("a", "s", kind="essay"), "kind"),
        (lambda: ItemSpec("a", None, kind="instructed"), "expected"),
        (lambda: ItemSpec("a", "s", kind="infrequency", expected=4), "cannot belong"),
        (
            lambda: InstrumentSpec(1, 5, (ItemSpec("a", "x"),), (ScaleSpec("s"),)),
            "unknown scale",
        ),
        (
            lambda: InstrumentSpec(
                1, 5, (ItemSpec("a", "s"), ItemSpec("a", "s")), (ScaleSpec("s"),)
            ),
            "duplicate item",
        ),
        (
            lambda: InstrumentSpec(
                1, 5, (ItemSpec("a", "s"),), (ScaleSpec("s"), ScaleSpec("t"))
            ),
            "without items",
        ),
        (
            lambda: InstrumentSpec(
                1,
                5,
                (
                    ItemSpec("a", "s"),
                    ItemSpec("b", None, kind="instructed", expected=7),
                ),
                (ScaleSpec("s"),),
            ),
            "outside",
        ),
        (lambda: Norm(3.0, 0.0, 10, "local"), "sd"),
        (lambda: Norm(3.0, 1.0, 10, "borrowed"), "source"),
        (lambda: ValidityThresholds(mahalanobis_alpha=1.5), "alpha"),
        (lambda: ValidityThresholds(consistency_min_fraction=0), "consistency"),
        (lambda: ValidityThresholds(mahalanobis_min_fraction=2), "mahalanobis"),
        (lambda: ValidityThresholds(even_odd_min_items=1), "even_odd_min_items"),
        (lambda: ValidityThresholds(infrequency_min=0), "infrequency_min"),
        (
            lambda: CovarianceNorm((3.0, 3.0), ((1, 0), (0, 1)), 0, "local"),
            "items must name",
        ),
        (
            lambda: CovarianceNorm(
                (3.0, 3.0), ((1, 0), (0, 1)), 0, "local", items=("a", "a")
            ),
            "items must name",
        ),
        (lambda: Clause("valid", (FlagsRaised(1),)), "a clause gives"),
        (lambda: Clause("invalid", ()), "at least one condition"),
        (
            lambda: ItemModel(
                InstrumentSpec(1, 5, (ItemSpec("a", "s"),), (ScaleSpec("s"),)), {}
            ),
            "no figures",
        ),
    ],
)
def test_it_rejects_an_inconsistent_spec(build, message):
    with pytest.raises(ScoringInputError, match=message):
        build()


def test_it_rejects_an_unknown_item_key():
    spec = InstrumentSpec(1, 5, (ItemSpec("a", "s"),), (ScaleSpec("s"),))
    with pytest.raises(ScoringInputError, match="unknown item key 'zz'"):
        spec.item_index("zz")


def test_it_documents_the_longstring_limit():
    thresholds = ValidityThresholds()
    assert thresholds.longstring_limit(8) == 10
    assert thresholds.longstring_limit(47) == 12
    assert thresholds.longstring_limit(60) == 15
