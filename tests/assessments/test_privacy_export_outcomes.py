"""The candidate's export holds what became of them once hired: the outcome, its
quarters, retention at 90 and 180 days, and the audit entries of its recording;
nothing of another hire's."""

import json
from datetime import date

from assessments.privacy.export import candidate_export
from hiring.models import Stage
from hiring.outcome_services import hire_outcome_record
from tests.factories import ApplicationFactory, CandidateFactory


def _record(application, by, **fields):
    return hire_outcome_record(
        application=application,
        by=by,
        start_date=date(2026, 1, 12),
        manager_name="Dana Reyes",
        today=date(2026, 12, 4),
        **fields,
    )


def test_it_exports_the_hire_outcome_and_its_quarters(job, alice):
    candidate = CandidateFactory()
    hire = ApplicationFactory(job=job, candidate=candidate, stage=Stage.HIRED)
    outcome = _record(
        hire,
        alice,
        team="Inside sales",
        performance_rating=4,
        rated_on=date(2026, 6, 30),
        quotas=[(2026, 1, 85), (2026, 2, "102.5")],
    )
    _record(ApplicationFactory(job=job, stage=Stage.HIRED), alice, team="Elsewhere")

    document = json.loads(
        candidate_export(candidate=candidate, actor=alice, via="test")
    )

    (exported,) = document["hire_outcomes"]
    assert exported["id"] == outcome.pk
    assert exported["application_id"] == hire.pk
    assert exported["start_date"] == "2026-01-12"
    assert exported["manager"] == "Dana Reyes"
    assert exported["team"] == "Inside sales"
    assert exported["employed_90"] is True
    assert exported["employed_180"] is True
    assert exported["performance_rating"] == 4
    assert exported["recorded_by"] == "Alice"
    assert exported["quotas"] == [
        {"year": 2026, "quarter": 1, "attainment_percent": "85.0"},
        {"year": 2026, "quarter": 2, "attainment_percent": "102.5"},
    ]
    recorded = [e for e in document["audit"] if e["action"] == "outcome.recorded"]
    assert [e["object_id"] for e in recorded] == [str(outcome.pk)]


def test_it_exports_nothing_for_a_candidate_never_hired(job, alice):
    candidate = CandidateFactory()
    ApplicationFactory(job=job, candidate=candidate)

    document = json.loads(
        candidate_export(candidate=candidate, actor=alice, via="test")
    )

    assert document["hire_outcomes"] == []
