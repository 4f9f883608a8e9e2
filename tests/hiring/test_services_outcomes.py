"""Recording a hire's outcome: one service for the page, the file and the API.
Only hires have outcomes; every bad value is named; recording again updates the one
outcome; quarters merge; the audit entry and the event are written with it."""

from datetime import date
from decimal import Decimal

import pytest

from hiring.errors import Conflict, Invalid
from hiring.models import (
    AuditEvent,
    HireOutcome,
    OutboxEvent,
    QuotaAttainment,
    Stage,
)
from hiring.outcome_services import QuotaInput, hire_outcome_record
from tests.factories import ApplicationFactory, CandidateFactory, JobFactory

TODAY = date(2026, 12, 4)


@pytest.fixture
def hire(job):
    return ApplicationFactory(
        job=job,
        stage=Stage.HIRED,
        external_id="app-77",
        candidate=CandidateFactory(external_id="cand-77"),
    )


def record(application, by=None, **fields):
    values = {
        "start_date": date(2026, 3, 2),
        "manager_name": "Dana Reyes",
        "today": TODAY,
    } | fields
    return hire_outcome_record(application=application, by=by, **values)


def test_it_records_the_outcome_of_a_hire_with_its_audit_and_event(hire, alice):
    hire.job.external_id = "job-9"
    hire.job.save()

    outcome = record(
        hire,
        by=alice,
        team="Inside sales",
        performance_rating=4,
        rated_on=date(2026, 9, 30),
        quotas=[
            (2026, 2, "96.5"),
            {"year": 2026, "quarter": 3, "attainment_percent": 110},
        ],
    )

    assert outcome.created
    assert outcome.changed
    assert outcome.recorded_by == alice
    assert [
        (q.year, q.quarter, q.attainment_percent) for q in outcome.quotas.all()
    ] == [
        (2026, 2, Decimal("96.5")),
        (2026, 3, Decimal("110.0")),
    ]
    audit = AuditEvent.objects.get(action=AuditEvent.Action.OUTCOME_RECORDED)
    assert audit.actor == alice
    assert audit.job == hire.job
    assert audit.data["created"] is True
    assert audit.data["quarters"] == ["2026-Q2", "2026-Q3"]
    event = OutboxEvent.objects.get(type=OutboxEvent.Type.HIRE_OUTCOME_RECORDED)
    assert event.payload["type"] == "hire_outcome.recorded"
    assert event.payload["data"] == {
        "outcome_id": outcome.pk,
        "application_id": hire.pk,
        "application_external_id": "app-77",
        "candidate_external_id": "cand-77",
        "job_id": hire.job_id,
        "job_external_id": "job-9",
        "start_date": "2026-03-02",
        "leaving_date": None,
        "leaving_reason": None,
        "employed_90": True,
        "employed_180": True,
        "performance_rating": 4,
        "rated_on": "2026-09-30",
        "quotas": [
            {"year": 2026, "quarter": 2, "attainment_percent": 96.5},
            {"year": 2026, "quarter": 3, "attainment_percent": 110.0},
        ],
    }


def test_it_derives_retention_in_the_event_from_the_dates(hire):
    record(
        hire,
        start_date=date(2026, 8, 3),
        leaving_date=date(2026, 9, 1),
        leaving_reason="voluntary",
    )
    event = OutboxEvent.objects.get(type=OutboxEvent.Type.HIRE_OUTCOME_RECORDED)
    assert event.payload["data"]["employed_90"] is False
    assert event.payload["data"]["employed_180"] is False

    record(hire, start_date=date(2026, 8, 3))
    latest = OutboxEvent.objects.filter(type="hire_outcome.recorded").last()
    # 123 days in: past 90, not yet 180.
    assert latest.payload["data"]["employed_90"] is True
    assert latest.payload["data"]["employed_180"] is None


@pytest.mark.parametrize(
    "stage", [Stage.APPLIED, Stage.OFFER, Stage.REJECTED, Stage.WITHDRAWN]
)
def test_it_refuses_an_application_that_is_not_hired(job, stage):
    application = ApplicationFactory(job=job, stage=stage)

    with pytest.raises(Conflict) as refused:
        record(application)

    assert refused.value.code == "not_hired"
    assert "Only a hired application has an outcome" in refused.value.message
    assert not HireOutcome.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_date": None}, "start_date"),
        ({"start_date": "04/03/2026"}, "start_date"),
        ({"start_date": date(1999, 12, 31)}, "start_date"),
        ({"start_date": date(2028, 1, 1)}, "start_date"),
        ({"manager_name": "  "}, "manager_name"),
        ({"manager_name": "x" * 201}, "manager_name"),
        ({"team": "x" * 201}, "team"),
        (
            {"leaving_date": date(2026, 3, 1), "leaving_reason": "voluntary"},
            "leaving_date",
        ),
        ({"leaving_date": date(2026, 5, 1)}, "leaving_reason"),
        ({"leaving_reason": "voluntary"}, "leaving_reason"),
        (
            {"leaving_date": date(2026, 5, 1), "leaving_reason": "fired"},
            "leaving_reason",
        ),
        ({"leaving_date": date(2099, 5, 1), "leaving_reason": "other"}, "leaving_date"),
        ({"performance_rating": 0}, "performance_rating"),
        ({"performance_rating": 6}, "performance_rating"),
        ({"performance_rating": "great"}, "performance_rating"),
        ({"performance_rating": True}, "performance_rating"),
        ({"rated_on": date(2026, 6, 1)}, "rated_on"),
        ({"performance_rating": 3, "rated_on": date(2026, 12, 5)}, "rated_on"),
        ({"performance_rating": 3, "rated_on": date(2026, 1, 5)}, "rated_on"),
        ({"quotas": [(2026, 5, 100)]}, "quotas"),
        ({"quotas": [(2026, 0, 100)]}, "quotas"),
        ({"quotas": [(2026, 2, -1)]}, "quotas"),
        ({"quotas": [(2026, 2, 1000.1)]}, "quotas"),
        ({"quotas": [(2026, 2, "lots")]}, "quotas"),
        ({"quotas": [(2026, 2, "NaN")]}, "quotas"),
        ({"quotas": [(2026, 2, 90), (2026, 2, 95)]}, "quotas"),
        ({"quotas": [(2025, 4, 90)]}, "quotas"),
        ({"quotas": [(2027, 1, 90)]}, "quotas"),
        ({"quotas": [("2026", 2, 90)]}, "quotas"),
        ({"quotas": [(2026, 2)]}, "quotas"),
        (
            {
                "leaving_date": date(2026, 5, 1),
                "leaving_reason": "other",
                "quotas": [(2026, 3, 90)],
            },
            "quotas",
        ),
    ],
)
def test_it_names_the_field_of_each_bad_value(hire, fields, field):
    with pytest.raises(Invalid) as refused:
        record(hire, **fields)

    assert field in refused.value.fields, refused.value.fields
    assert refused.value.fields[field][0]
    assert not HireOutcome.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.recorded").exists()
    assert not OutboxEvent.objects.exists()


def test_it_names_every_bad_field_at_once(hire):
    with pytest.raises(Invalid) as refused:
        record(hire, manager_name="", performance_rating=9, quotas=[(2026, 7, 1)])

    assert set(refused.value.fields) == {"manager_name", "performance_rating", "quotas"}


def test_it_updates_the_one_outcome_and_never_makes_a_second(hire, bob):
    first = record(hire, team="Inside sales")
    second = record(
        hire,
        by=bob,
        start_date=date(2026, 3, 9),
        team="Field sales",
        leaving_date=date(2026, 11, 30),
        leaving_reason="involuntary",
    )

    assert second.pk == first.pk
    assert not second.created
    assert second.changed
    assert HireOutcome.objects.count() == 1
    outcome = HireOutcome.objects.get()
    assert outcome.team == "Field sales"
    assert outcome.leaving_reason == "involuntary"
    assert outcome.recorded_by == bob
    audits = AuditEvent.objects.filter(action="outcome.recorded").order_by("id")
    assert audits.last().data["fields"] == [
        "leaving_date",
        "leaving_reason",
        "start_date",
        "team",
    ]
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 2


def test_it_merges_quarters_and_removes_one_given_without_attainment(hire):
    record(hire, quotas=[(2026, 1, 80), (2026, 2, 90), (2026, 3, 100)])

    record(
        hire,
        quotas=[
            QuotaInput(2026, 2, Decimal("95")),
            QuotaInput(2026, 3, None),
            QuotaInput(2026, 4, Decimal("120.25")),
        ],
    )

    assert list(
        QuotaAttainment.objects.order_by("year", "quarter").values_list(
            "quarter", "attainment_percent"
        )
    ) == [(1, Decimal("80.0")), (2, Decimal("95.0")), (4, Decimal("120.3"))]
    audit = AuditEvent.objects.filter(action="outcome.recorded").order_by("id").last()
    assert audit.data["fields"] == []
    assert audit.data["quarters"] == ["2026-Q2", "2026-Q3", "2026-Q4"]


def test_it_moves_updated_at_when_only_a_quarter_changes(hire):
    outcome = record(hire, quotas=[(2026, 1, 80)])
    before = HireOutcome.objects.get().updated_at

    record(hire, quotas=[(2026, 1, 81)])

    assert HireOutcome.objects.get(pk=outcome.pk).updated_at > before


def test_it_writes_nothing_when_nothing_changed(hire):
    record(hire, team="Inside sales", quotas=[(2026, 1, 80)])

    again = record(hire, team="Inside sales", quotas=[(2026, 1, "80.0")])

    assert not again.created
    assert not again.changed
    assert AuditEvent.objects.filter(action="outcome.recorded").count() == 1
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 1


def test_it_keeps_the_managers_account_unless_given(hire, bob):
    record(hire, manager=bob)
    record(hire, team="Field sales")
    assert HireOutcome.objects.get().manager == bob

    record(hire, team="Field sales", manager=None)
    assert HireOutcome.objects.get().manager is None


def test_it_accepts_iso_strings_as_the_api_and_files_send_them(hire):
    outcome = record(
        hire,
        start_date="2026-03-02",
        leaving_date="2026-10-01",
        leaving_reason="voluntary",
        performance_rating="2",
        rated_on="2026-09-01",
    )

    outcome.refresh_from_db()
    assert outcome.leaving_date == date(2026, 10, 1)
    assert outcome.performance_rating == 2


def test_it_records_outcomes_of_hires_on_several_jobs(db):
    hires = [ApplicationFactory(job=JobFactory(), stage=Stage.HIRED) for _ in range(3)]

    for application in hires:
        record(application)

    assert HireOutcome.objects.count() == 3
