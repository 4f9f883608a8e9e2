"""A service that takes ``now`` (the moment of a step, which the demo seed gives
from its history) writes its audit row at that moment too, not at the clock's:
the audit log then tells the same story as the rows it speaks of."""

import datetime

import pytest

from assessments.development import (
    development_check_in_update,
    development_plan_generate,
    development_plan_share,
)
from hiring.errors import Invalid
from hiring.models import AuditEvent, Job, OutboxEvent
from hiring.outcome_services import hire_outcome_record
from hiring.self_identification import self_identification_record
from hiring.services import job_update
from tests.factories import CandidateFactory, UserFactory
from tests.factories.development import hire_for

THEN = datetime.datetime(2025, 5, 6, 9, 30, tzinfo=datetime.UTC)


def _row(action):
    return AuditEvent.objects.get(action=action)


@pytest.fixture
def hire(job):
    return hire_for(job)


def test_it_dates_an_outcome_its_audit_row_and_event_at_now(hire, alice):
    outcome = hire_outcome_record(
        application=hire,
        by=alice,
        start_date=datetime.date(2025, 5, 5),
        manager_name="Hugo Manager",
        now=THEN,
    )

    assert outcome.created_at == THEN
    assert _row(AuditEvent.Action.OUTCOME_RECORDED).at == THEN
    event = OutboxEvent.objects.get(type=OutboxEvent.Type.HIRE_OUTCOME_RECORDED)
    assert event.created_at == THEN


def test_it_dates_a_plan_its_consent_and_check_ins_at_now(hire, alice):
    hire_outcome_record(
        application=hire,
        by=alice,
        start_date=datetime.date(2025, 5, 5),
        manager_name="Hugo Manager",
        manager=UserFactory(),
        now=THEN,
    )
    plan = development_plan_generate(application=hire, user=alice, now=THEN)
    shared_at = THEN + datetime.timedelta(hours=10)
    development_plan_share(plan=plan, share=True, now=shared_at)
    held_at = datetime.datetime(2025, 6, 4, 16, 30, tzinfo=datetime.UTC)
    development_check_in_update(
        check_in=plan.check_ins.get(day=30),
        user=alice,
        notes="First month done.",
        held_on=held_at.date(),
        now=held_at,
    )

    plan.refresh_from_db()
    assert plan.created_at == _row(AuditEvent.Action.PLAN_GENERATED).at == THEN
    assert _row(AuditEvent.Action.PLAN_SHARED).at == shared_at
    assert plan.shared_with_manager_at == shared_at
    assert _row(AuditEvent.Action.CHECK_IN_UPDATED).at == held_at
    assert plan.updated_at == held_at


def test_it_refuses_a_check_in_held_after_the_moment_it_is_recorded(hire, alice):
    plan = development_plan_generate(application=hire, user=alice, now=THEN)

    with pytest.raises(Invalid) as refused:
        development_check_in_update(
            check_in=plan.check_ins.get(day=30),
            user=alice,
            notes="",
            held_on=THEN.date() + datetime.timedelta(days=1),
            now=THEN,
        )

    assert "held_on" in refused.value.fields


def test_it_dates_a_job_update_at_now(job):
    job_update(job=job, status=Job.Status.CLOSED, now=THEN)

    assert _row(AuditEvent.Action.JOB_UPDATED).at == THEN


def test_it_dates_self_identification_at_now(db):
    row = self_identification_record(
        candidate=CandidateFactory(), gender="woman", now=THEN
    )

    assert row.answered_at == THEN
    assert _row(AuditEvent.Action.SELF_IDENTIFICATION_RECORDED).at == THEN
