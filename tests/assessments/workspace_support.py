"""Helpers of the workspace tests (no tests here)."""

VALIDITY_INDICES = [
    "longstring",
    "irv",
    "even_odd",
    "mahalanobis",
    "speed",
    "instructed",
    "infrequency",
    "impression",
    "consistency",
]


def validity(**flags):
    """Every index unflagged, except those given as ``name=(value, flag)``."""
    indices = {name: {"value": 1.0, "flag": False} for name in VALIDITY_INDICES}
    for name, (value, flag) in flags.items():
        indices[name] = {"value": value, "flag": flag}
    return indices
