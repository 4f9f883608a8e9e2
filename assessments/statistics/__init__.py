"""Figures about an instrument version as a whole. One job per module:

- ``submissions``: which submissions the figures come from (current, valid);
- ``norms``: local norms from the valid completed submissions, once there are
  enough;
- ``reliability``: alpha per scale with its Feldt interval, which the SEM uses;
- ``page``: the statistics page of a version (N, mean, SD, alpha, items);
- ``export``: the item-level export for researchers;
- ``comparison``: stored composites compared under the SED rule (the rule itself
  is the engine's, ``assessments.scoring.comparison``).

The band explained in words lives in ``assessments.explanations``.
"""
