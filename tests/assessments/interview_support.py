"""Helpers of the interview tests: fill in and submit scorecards through the
services, as the pages do (no tests here)."""

from assessments import interview_services
from assessments.interview_selectors import interview_access

KEYS = [
    "prospecting_discipline",
    "motivation_goals",
    "coachability",
    "resilience_rejection",
    "accountability",
    "customer_focus",
]
EVIDENCE = "Gave a specific example with numbers and the result."


def scorecard_input(ratings, recommendation="yes", notes=None):
    """``ratings``: one value per competency of the starter rubric, in KEYS order
    (None = no decision); every competency gets evidence unless ``notes`` says."""
    return interview_services.ScorecardInput(
        ratings=dict(zip(KEYS, ratings, strict=True)),
        notes=notes if notes is not None else dict.fromkeys(KEYS, EVIDENCE),
        recommendation=recommendation,
    )


def submit(user, interview, ratings, recommendation="yes", *, capture=None):
    """Submit ``user``'s scorecard; with ``capture`` (django's on-commit capture
    fixture) the aggregation enqueued on commit runs too."""
    access = interview_access(user=user, interview_id=interview.pk)
    card = scorecard_input(ratings, recommendation)
    if capture is None:
        return interview_services.scorecard_submit(access=access, scorecard=card)
    with capture(execute=True):
        return interview_services.scorecard_submit(access=access, scorecard=card)


def form_data(ratings, recommendation="yes", notes=EVIDENCE, **extra):
    data = {"recommendation": recommendation, **extra}
    for key, rating in zip(KEYS, ratings, strict=True):
        data[f"rating-{key}"] = "none" if rating is None else str(rating)
        data[f"notes-{key}"] = notes
    return data
