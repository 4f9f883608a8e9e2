"""Checks that turn caller input into the arrays the scoring functions expect.

Every check is a whole-array numpy operation, so validating 100,000 submissions
costs about as much as scoring them once.
"""

import numpy as np

from .errors import ScoringInputError
from .spec import InstrumentSpec


def answer_matrix(answers, spec: InstrumentSpec) -> np.ndarray:
    """Return ``answers`` as a float N x k matrix, NaN for missing answers.

    Columns follow ``spec.items``. Raises ``ScoringInputError`` for a wrong shape,
    a non-integer answer or an answer outside ``scale_min..scale_max``.
    """
    try:
        matrix = np.array(answers, dtype=float)
    except (TypeError, ValueError):
        raise ScoringInputError("answers must be numbers (NaN for missing)") from None
    if matrix.ndim != 2 or matrix.shape[1] != spec.n_items:
        raise ScoringInputError(
            f"answers must be N x {spec.n_items} (one column per item), "
            f"got shape {matrix.shape}"
        )
    answered = ~np.isnan(matrix)
    bad = answered & (
        (matrix != np.round(matrix))
        | (matrix < spec.scale_min)
        | (matrix > spec.scale_max)
    )
    if bad.any():
        row, column = np.argwhere(bad)[0]
        value = matrix[row, column]
        problem = (
            "is not an integer"
            if not np.isfinite(value) or value != np.round(value)
            else f"is outside {spec.scale_min}..{spec.scale_max}"
        )
        item = spec.item_keys[column]
        raise ScoringInputError(
            f"row {row}, item {item!r}: answer {float(value):g} {problem}"
        )
    return matrix


def order_matrix(order, n_rows: int, n_items: int) -> np.ndarray:
    """Return the presentation order as an N x k integer matrix.

    Row i lists the answer-matrix columns in the order submission i saw them.
    ``None`` means definition order; a single row of length k applies to all.
    """
    if order is None:
        return np.broadcast_to(np.arange(n_items), (n_rows, n_items))
    matrix = np.asarray(order)
    if matrix.ndim == 1:
        matrix = matrix[np.newaxis, :]
    if (
        matrix.ndim != 2
        or matrix.shape[1] != n_items
        or matrix.shape[0]
        not in (
            1,
            n_rows,
        )
    ):
        raise ScoringInputError(
            f"order must be {n_rows} x {n_items} (or one row of {n_items}), "
            f"got shape {np.shape(order)}"
        )
    if not np.issubdtype(matrix.dtype, np.integer):
        raise ScoringInputError("order must hold integer column indices")
    if not np.array_equal(
        np.sort(matrix, axis=1), np.broadcast_to(np.arange(n_items), matrix.shape)
    ):
        raise ScoringInputError("each row of order must be a permutation of the items")
    return np.broadcast_to(matrix, (n_rows, n_items))
