"""Each candidate sees the items in an order of their own, the same on every resume."""

import numpy as np

from assessments.scoring.order import presentation_permutations
from assessments.services import presentation_order


def test_it_gives_a_permutation_of_every_item():
    orders = presentation_permutations(np.arange(500), 47)

    assert orders.shape == (500, 47)
    assert (np.sort(orders, axis=1) == np.arange(47)).all()


def test_it_is_the_same_for_the_same_seed_and_differs_between_seeds():
    first = presentation_permutations([12345], 47)
    again = presentation_permutations([12345], 47)
    other = presentation_permutations([12346], 47)

    assert (first == again).all()
    assert (first != other).any()


def test_it_computes_many_rows_exactly_like_one():
    seeds = [0, 1, 2**31 - 1, 987654321]
    batch = presentation_permutations(seeds, 20)

    for seed, row in zip(seeds, batch, strict=True):
        assert (presentation_permutations([seed], 20)[0] == row).all()


def test_it_spreads_every_item_evenly_over_the_positions():
    orders = presentation_permutations(np.arange(20000), 10)

    # How often each item comes first: 2,000 expected, chi-square with 9 df.
    firsts = np.bincount(orders[:, 0], minlength=10)
    chi2 = ((firsts - 2000) ** 2 / 2000).sum()
    assert chi2 < 27.9  # the 0.1 % critical value


def test_it_orders_the_definition_keys(instrument_version):
    definition = instrument_version.definition
    keys = presentation_order(definition, 42)

    from assessments.definitions import all_item_keys

    assert sorted(keys) == sorted(all_item_keys(definition))
    assert keys != all_item_keys(definition)
