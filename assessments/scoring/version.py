"""Version of the scoring rules, stored with every result.

Bump rules (semantic versioning of *outputs*, not of code):
- major: any existing output can change for the same input and norms (a formula,
  a convention such as the percentile tie rule, a default threshold, the status
  rule). Stored results must then be rescored or kept with their old version.
- minor: new outputs are added (a new index, a new field); every existing value
  stays identical.
- patch: no output changes (refactoring, documentation, error messages).
"""

# 2.0.0: Mahalanobis over items (answered items, sub-covariance), even-odd only
# on instruments with enough scales, recalibrated long-string and Mahalanobis
# thresholds, and the validity rule of ``rules.RULE_V2``.
# 3.0.0: the reliability a T band is drawn with is capped at .95
# (``engine.RELIABILITY_CEILING``), so no band is narrower than +/- 4.4 T; the
# consistency-pairs index needs three quarters of its pairs answered instead of
# half (``ValidityThresholds.consistency_min_fraction``); the item norm of the
# Mahalanobis index takes a local alpha only up to the published one
# (``itemmodel.item_norm_reliability``); local norms narrower than the published
# SEM are not stored; the validity rule is still ``rules.RULE_V2``.
SCORING_VERSION = "3.0.0"

# The interview aggregation (competency means, weighted score, r_wg and range flags)
# is versioned on its own, with the same rules, so a change to it never marks
# questionnaire results as stale.
INTERVIEW_SCORING_VERSION = "1.0.0"
