"""seed_demo's past intake gives every outcome report figures to show: hires with
outcomes, a team that loses good hires, self-identification with a group too small
to show, a development plan shared with its manager, and an analyst to read it;
each applicant's steps are dated as they happened, before the hire's start."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessments.adverse_impact import adverse_impact_figures
from assessments.management.demo_cohort import COHORT_JOB
from assessments.models import DevelopmentPlan, Invitation
from assessments.outcome_managers import manager_report
from assessments.outcome_validity import validity_report
from assessments.rubric_definitions import rubrics_load
from hiring.events import utc_timestamp
from hiring.models import (
    Application,
    AuditEvent,
    HireOutcome,
    Job,
    OutboxEvent,
    SelfIdentification,
    Stage,
)
from hiring.selectors import reports_readable


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(instrument_version):
    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    call_command("seed_demo", "--force", stdout=StringIO())
    return Job.objects.get(title=COHORT_JOB)


@pytest.fixture
def hana(seeded):
    return get_user_model().objects.get(username="hana")


def test_it_records_outcomes_for_all_but_two_hires(seeded):
    hires = Application.objects.filter(job=seeded, stage=Stage.HIRED)

    assert hires.count() == 60
    assert HireOutcome.objects.filter(application__job=seeded).count() == 58
    assert hires.filter(outcome__isnull=True).count() == 2
    assert seeded.status == Job.Status.CLOSED


def test_it_gives_the_validity_report_figures(hana):
    report = validity_report(user=hana, today=timezone.localdate())

    estimable = [
        cell for row in report.rows for cell in row.cells if cell.r is not None
    ]
    assert report.hires >= 58
    assert len(estimable) >= 10
    assert all(cell.n >= report.min_n for cell in estimable)


def test_it_flags_the_team_that_loses_good_hires(hana):
    report = manager_report(user=hana, today=timezone.localdate())

    assert {row.name for row in report.flagged} == {"Marco Ruiz", "Field sales"}


def test_it_hides_the_group_under_five_in_the_adverse_impact_report(seeded, hana):
    assert reports_readable(hana) == {"outcomes", "adverse_impact"}
    figures = adverse_impact_figures(characteristic="gender", jobs=[seeded])

    points = figures.jobs[0].points
    shown = {group.group for point in points for group in point.groups}
    assert {"woman", "man"} <= shown
    assert "non_binary" not in shown
    assert SelfIdentification.objects.filter(gender="non_binary").count() == 3
    assert all(point.comparable for point in points)


def test_it_shares_a_development_plan_with_the_hires_manager(seeded):
    plan = DevelopmentPlan.objects.get(application__job=seeded)

    assert plan.is_shared_with_manager
    assert plan.application.outcome.manager.username == "hugo"
    assert plan.application.outcome.leaving_date is None  # still on the team
    assert 2 <= plan.goals.count() <= 3
    assert [c.day for c in plan.check_ins.all()] == [30, 60, 90]


def _audit_of(plan, action):
    return AuditEvent.objects.filter(
        action=action, object_type="assessments.developmentplan", object_id=plan.pk
    )


def test_it_keeps_the_plan_of_a_hire_of_the_intake_as_it_went_in_2025(seeded):
    """The plan's hire applied, was hired and started within the intake, like
    every other; the plan was generated on her first day, shared that evening
    and kept through its three check-ins, each audit row at its moment."""
    plan = DevelopmentPlan.objects.get(application__job=seeded)
    application = plan.application
    start = application.outcome.start_date
    generated = _audit_of(plan, AuditEvent.Action.PLAN_GENERATED).get()
    shared = _audit_of(plan, AuditEvent.Action.PLAN_SHARED).get()
    updates = _audit_of(plan, AuditEvent.Action.CHECK_IN_UPDATED).order_by("at")
    check_ins = list(plan.check_ins.order_by("day"))
    first_record = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.OUTCOME_RECORDED,
            data__application_id=application.pk,
        )
        .order_by("at")
        .first()
    )

    assert start.year == 2025
    assert application.created_at < application.decided_at < _midnight(start)
    assert timezone.localtime(first_record.at).date() == start
    assert first_record.at < generated.at == plan.created_at < shared.at
    assert timezone.localtime(generated.at).date() == start
    assert shared.at == plan.shared_with_manager_at
    assert [c.due_on for c in check_ins] == [
        start + timedelta(days=days) for days in (30, 60, 90)
    ]
    assert [u.data["day"] for u in updates] == [30, 60, 90]
    for check_in, update in zip(check_ins, updates, strict=True):
        held = timezone.localtime(check_in.done_at).date()
        assert held <= check_in.due_on
        assert held.weekday() < 5
        assert timezone.localtime(update.at).date() == held
        assert check_in.notes
        assert check_in.done_by.username == "hugo"
    assert max(u.at for u in updates) < datetime(2026, 1, 1, tzinfo=UTC)


def test_it_dates_the_self_identification_and_the_closing_with_the_intake(seeded):
    answers = dict(
        SelfIdentification.objects.filter(
            candidate__applications__job=seeded
        ).values_list("pk", "answered_at")
    )
    rows = AuditEvent.objects.filter(
        action=AuditEvent.Action.SELF_IDENTIFICATION_RECORDED
    )
    closed = AuditEvent.objects.get(
        action=AuditEvent.Action.JOB_UPDATED, object_id=str(seeded.pk)
    )
    last_decision = max(
        Application.objects.filter(job=seeded).values_list("decided_at", flat=True)
    )

    assert len(answers) > 150
    for row in rows.filter(object_id__in=[str(pk) for pk in answers]):
        assert row.at == answers[int(row.object_id)]
    assert closed.data == {"fields": ["status"]}
    assert last_decision < closed.at < datetime(2026, 1, 1, tzinfo=UTC)


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time()))


def test_it_dates_each_applicants_steps_in_order_before_their_start(seeded):
    now = timezone.now()
    applications = Application.objects.filter(job=seeded).prefetch_related(
        "invitations__responses",
        "interviews__scorecards",
        "interviews__results",
    )
    for application in applications:
        (invitation,) = application.invitations.all()
        answered = [r.answered_at for r in invitation.responses.all()]
        steps = [
            application.created_at,
            invitation.created_at,
            invitation.started_at,
            min(answered),
            max(answered),
            invitation.submitted_at,
            invitation.scored_at,
        ]
        for interview in application.interviews.all():
            cards = [card.submitted_at for card in interview.scorecards.all()]
            (result,) = interview.results.all()
            steps += [
                interview.created_at,
                interview.scheduled_at,
                min(cards),
                max(cards),
                result.computed_at,
            ]
        steps.append(application.decided_at)
        outcome = HireOutcome.objects.filter(application=application).first()
        if outcome is not None:
            steps.append(_midnight(outcome.start_date))
            assert outcome.start_date.year == 2025
        steps.append(now)
        assert steps == sorted(steps), application.pk
        assert invitation.expires_at > invitation.created_at
    assert seeded.created_at < min(a.created_at for a in applications)


def test_it_dates_the_events_owed_to_integrations_with_the_intake(seeded):
    # Every step of the intake came before the end of 2025.
    before = datetime(2026, 1, 1, tzinfo=UTC)
    invitations = dict(
        Invitation.objects.filter(application__job=seeded).values_list(
            "pk", "submitted_at"
        )
    )
    decided = dict(
        Application.objects.filter(job=seeded).values_list("pk", "decided_at")
    )
    submitted = OutboxEvent.objects.filter(type="assessment.submitted")
    final = {}
    for event in OutboxEvent.objects.filter(type="application.decided").order_by("pk"):
        final[event.payload["data"]["application_id"]] = event
    checked = 0
    for event in submitted:
        when = invitations.get(event.payload["data"]["invitation_id"])
        if when is not None:
            assert event.created_at == when < before
            assert event.payload["timestamp"].startswith(when.date().isoformat())
            checked += 1
    for application_id, when in decided.items():
        event = final[application_id]
        assert event.created_at == when < before
        assert event.payload["data"]["decided_at"] == utc_timestamp(when)
    assert checked == 200


def test_it_dates_each_decisions_audit_row_when_it_was_taken(seeded):
    """The application page lists its decisions from the audit log: a 2025 hire's
    advance and hire read as 2025, the last one at the application's decided_at."""
    applications = Application.objects.filter(job=seeded)
    rows = AuditEvent.objects.filter(
        action=AuditEvent.Action.DECISION_RECORDED,
        object_type="hiring.application",
        object_id__in=[str(pk) for pk in applications.values_list("pk", flat=True)],
    )
    last = {}
    for row in rows.order_by("at", "id"):
        last[int(row.object_id)] = row.at
    assert len(last) == applications.count()
    for application in applications:
        assert last[application.pk] == application.decided_at, application.pk
    assert rows.filter(at__year=2025).count() > rows.count() // 2
