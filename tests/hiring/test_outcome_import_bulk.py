"""A file of hire outcomes is written in one go: the same number of queries for 10
rows as for 200, and exactly the rows, audit records and events that recording
each outcome through the one-outcome service writes, in the same order."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import DevelopmentPlan
from hiring.errors import Conflict, Invalid, NotFound
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    HireOutcome,
    OutboxEvent,
    QuotaAttainment,
    Stage,
    retention_date,
)
from hiring.outcome_import import outcome_import, outcome_import_preview
from hiring.outcome_services import (
    KEEP,
    QuotaInput,
    hire_outcome_record,
    hire_outcomes_record,
)
from hiring.services import audit_record
from tests.conftest import service_missing
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    QuotaAttainmentFactory,
    UserFactory,
)

TODAY = date(2026, 12, 4)
HEADER = (
    "application_external_id,start_date,manager,team,leaving_date,leaving_reason,"
    "performance_rating,rated_on,2026-Q1,2026-Q2,2026-Q3\n"
)


def a_file(*, job, rows: int, prefix: str) -> str:
    """``rows`` hires of ``job``, by turns: one without an outcome yet, one whose
    outcome changes (fields, a quarter replaced, one added, one left alone), one
    recorded again as it is, one who left. Half the candidates' data is due to
    be kept longer."""
    lines = []
    for i in range(rows):
        application = ApplicationFactory(
            job=job,
            stage=Stage.HIRED,
            external_id=f"{prefix}{i}",
            candidate=CandidateFactory(
                email=f"{prefix}{i}@example.org",
                external_id=f"cand-{prefix}{i}" if i % 3 else "",
                retention_until=date(2026, 1, 1) if i % 4 else date(2030, 1, 1),
            ),
        )
        kind = i % 4
        if kind in (1, 2):
            outcome = HireOutcomeFactory(
                application=application,
                start_date=date(2026, 1, 5),
                manager_name="Dana Reyes",
                team="Inside sales",
            )
            QuotaAttainmentFactory(outcome=outcome, quarter=1, attainment_percent=80)
            QuotaAttainmentFactory(outcome=outcome, quarter=2, attainment_percent=90)
        cells = {
            0: "2026-02-02,Dana Reyes,Inside sales,,,4,2026-06-30,85,102.5,",
            1: "2026-01-05,Eve Lin,Field sales,,,3,2026-09-30,,95,100",
            2: "2026-01-05,Dana Reyes,Inside sales,,,,,80,90,",
            3: "2026-03-02,Dana Reyes,,2026-10-30,voluntary,,,,70,",
        }[kind]
        lines.append(f"{prefix}{i},{cells}\n")
    return HEADER + "".join(lines)


def test_it_imports_in_the_same_queries_whatever_the_rows(alice):
    if connection.vendor != "postgresql":
        service_missing("query counts are asserted on PostgreSQL")
    counts = {}
    for rows in (10, 200):
        job = JobFactory(title=f"Job of {rows}", external_id=f"job-{rows}")
        text = a_file(job=job, rows=rows, prefix=f"r{rows}-")
        with CaptureQueriesContext(connection) as preview:
            outcome_import_preview(job=job, data=text, today=TODAY)
        with CaptureQueriesContext(connection) as write:
            summary = outcome_import(job=job, actor=alice, data=text, today=TODAY)
        changed = len(range(1, rows, 4))
        unchanged = len(range(2, rows, 4))
        assert (summary.created, summary.updated, summary.unchanged) == (
            rows - changed - unchanged,
            changed,
            unchanged,
        )
        assert QuotaAttainment.objects.filter(
            outcome__application__job=job
        ).count() == sum((2, 3, 2, 1)[i % 4] for i in range(rows))
        counts[rows] = (len(preview), len(write))

    # Preview: the job's applications named by external id, with their
    # outcomes. Write: that again; the applications locked, their outcomes and
    # those outcomes' quarters; one INSERT of outcomes, one UPDATE of them; one
    # UPDATE and one INSERT of quarters; one UPDATE of retention dates; one
    # INSERT of audit rows and one of events; the import's own audit row; and
    # the savepoints of the import and of the service.
    assert counts[10] == counts[200] == (1, 16)


def largest_ids() -> dict[str, int]:
    return {
        name: max(model.objects.values_list("pk", flat=True), default=0)
        for name, model in MODELS.items()
    }


MODELS = {
    "outcome": HireOutcome,
    "quota": QuotaAttainment,
    "candidate": Candidate,
    "plan": DevelopmentPlan,
    "audit": AuditEvent,
    "event": OutboxEvent,
}
# Only the rows these write are compared; the others are compared whole.
APPEND_ONLY = ("audit", "event")
ABOUT = {"hiring.hireoutcome": "outcome", "assessments.developmentplan": "plan"}


def snapshot(after: dict[str, int], started: datetime) -> dict[str, list[dict]]:
    """Every row of the tables a recording writes (of the append-only ones, the
    rows added since ``after``), keys of new rows replaced by their order, and
    every time of this run replaced by "now" once checked to be of this run."""
    finished = timezone.now()
    rows = {
        name: list(
            model.objects.filter(pk__gt=after[name] if name in APPEND_ONLY else 0)
            .order_by("pk")
            .values()
        )
        for name, model in MODELS.items()
    }
    label = {}
    for name, model_rows in rows.items():
        new = [row["id"] for row in model_rows if row["id"] > after[name]]
        for order, pk in enumerate(new):
            label[(name, pk)] = f"new {name} {order}"

    def key(name: str, pk):
        return label.get((name, pk), pk)

    def moment(value):
        if isinstance(value, datetime) and value >= started:
            assert value <= finished
            return "now"
        return value

    for name, model_rows in rows.items():
        for row in model_rows:
            for column, value in row.items():
                row[column] = moment(value)
            row["id"] = key(name, row["id"])
            if name == "quota":
                row["outcome_id"] = key("outcome", row["outcome_id"])
            if name == "audit" and "at" in row["data"]:  # a plan's consent ended
                row["data"]["at"] = moment(datetime.fromisoformat(row["data"]["at"]))
            if row.get("object_type") in ABOUT:
                about = ABOUT[row["object_type"]]
                row["object_id"] = key(about, int(row["object_id"]))
            if name == "event":
                row.pop("message_id")
                stamp = datetime.fromisoformat(row["payload"].pop("timestamp"))
                assert started <= stamp <= finished
                data = row["payload"]["data"]
                data["outcome_id"] = key("outcome", data["outcome_id"])
    return rows


def in_bulk_and_one_by_one(in_bulk, one_by_one) -> tuple[dict, dict]:
    """The snapshots of writing with ``in_bulk`` (rolled back) and then with
    ``one_by_one``, from the same rows."""
    before = largest_ids()
    with transaction.atomic():
        started = timezone.now()
        in_bulk()
        bulk = snapshot(before, started)
        transaction.set_rollback(True)
    assert largest_ids()["audit"] == before["audit"]  # rolled back

    started = timezone.now()
    one_by_one()
    return bulk, snapshot(before, started)


def import_one_by_one(*, job, actor, text: str) -> None:
    """The file recorded as before the import wrote in bulk: the same preview,
    then each row through `hire_outcome_record`, then the import's audit row."""
    preview = outcome_import_preview(job=job, data=text, today=TODAY)
    assert preview.ok
    created = updated = unchanged = 0
    for row in preview.rows:
        outcome = hire_outcome_record(
            application=row.application, by=actor, today=TODAY, **row.record
        )
        if outcome.created:
            created += 1
        elif outcome.changed:
            updated += 1
        else:
            unchanged += 1
    audit_record(
        actor=actor,
        action=AuditEvent.Action.OUTCOMES_IMPORTED,
        obj=job,
        job=job,
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )


def test_it_writes_what_recording_each_row_through_the_service_writes(job, alice):
    job.external_id = "job-1"
    job.save()
    text = a_file(job=job, rows=12, prefix="same-")

    in_bulk, by_hand = in_bulk_and_one_by_one(
        lambda: outcome_import(job=job, actor=alice, data=text, today=TODAY),
        lambda: import_one_by_one(job=job, actor=alice, text=text),
    )

    assert in_bulk == by_hand
    # 6 new outcomes and 3 changed (3 recorded again unchanged); their audit
    # rows and events in the order of the rows, then the import's audit row.
    assert len([o for o in in_bulk["outcome"] if o["updated_at"] == "now"]) == 9
    assert [(a["action"], a["object_id"]) for a in in_bulk["audit"][:3]] == [
        ("outcome.recorded", "new outcome 0"),
        (
            "outcome.recorded",
            HireOutcome.objects.get(application__external_id="same-1").pk,
        ),
        ("outcome.recorded", "new outcome 1"),
    ]
    assert in_bulk["audit"][-1]["action"] == "outcomes.imported"
    assert in_bulk["audit"][-1]["data"] == {"created": 6, "updated": 3, "unchanged": 3}
    assert [e["payload"]["data"]["application_id"] for e in in_bulk["event"]] == [
        a["data"]["application_id"] for a in in_bulk["audit"][:-1]
    ]
    changed = next(
        e["payload"]["data"]
        for e in in_bulk["event"]
        if e["payload"]["data"]["application_external_id"] == "same-1"
    )
    assert changed["quotas"] == [
        {"year": 2026, "quarter": 1, "attainment_percent": 80.0},
        {"year": 2026, "quarter": 2, "attainment_percent": 95.0},
        {"year": 2026, "quarter": 3, "attainment_percent": 100.0},
    ]
    # The data of those whose outcome changed is kept longer; not of the others.
    assert [
        c["email"].removeprefix("same-").removesuffix("@example.org")
        for c in in_bulk["candidate"]
        if c["retention_until"] == retention_date()
    ] == ["1", "3", "5", "7", "9", "11"]


@pytest.fixture
def managed(job):
    """Three hires managed by Morgan, each with a plan shared with him; the
    first has quarters recorded."""
    morgan = UserFactory(username="morgan")
    hires = []
    for i in range(3):
        application = ApplicationFactory(job=job, stage=Stage.HIRED)
        outcome = HireOutcomeFactory(application=application, manager=morgan)
        DevelopmentPlan.objects.create(
            application=application,
            token_hash=f"hash-{i}",
            token_salt="salt",
            shared_with_manager_at=timezone.now(),
        )
        hires.append(application)
    QuotaAttainmentFactory(outcome=outcome, quarter=1, attainment_percent=80)
    QuotaAttainmentFactory(outcome=outcome, quarter=2, attainment_percent=90)
    return hires


def test_it_ends_the_consents_of_changed_managers_in_the_order_of_the_entries(
    managed, alice
):
    nadia = UserFactory(username="nadia")
    fields = {"start_date": date(2026, 1, 5), "manager_name": "Nadia"}
    entries = [
        (managed[0], fields | {"manager": nadia}),
        (managed[1], fields | {"manager": KEEP, "team": "Field sales"}),
        (
            managed[2],
            fields
            | {
                "manager": None,
                "quotas": [
                    QuotaInput(2026, 1, None),
                    QuotaInput(2026, 2, Decimal("91.5")),
                    QuotaInput(2026, 3, Decimal("100")),
                ],
            },
        ),
    ]

    def one_by_one():
        for application, values in entries:
            hire_outcome_record(
                application=application, by=alice, today=TODAY, **values
            )

    in_bulk, by_hand = in_bulk_and_one_by_one(
        lambda: hire_outcomes_record(entries=entries, by=alice, today=TODAY),
        one_by_one,
    )

    assert in_bulk == by_hand
    assert [a["action"] for a in in_bulk["audit"]] == [
        "development_plan.unshared",
        "outcome.recorded",
        "outcome.recorded",
        "development_plan.unshared",
        "outcome.recorded",
    ]
    assert [p["shared_with_manager_at"] is None for p in in_bulk["plan"]] == [
        True,
        False,
        True,
    ]
    assert [(q["quarter"], q["attainment_percent"]) for q in in_bulk["quota"]] == [
        (2, Decimal("91.5")),
        (3, Decimal("100.0")),
    ]


def test_it_writes_nothing_when_one_entry_is_refused(job, alice):
    good = ApplicationFactory(job=job, stage=Stage.HIRED)
    offer = ApplicationFactory(job=job, stage=Stage.OFFER)
    fields = {"start_date": date(2026, 1, 5), "manager_name": "Dana"}

    with pytest.raises(Conflict) as refusal:
        hire_outcomes_record(
            entries=[(good, fields), (offer, fields)], by=alice, today=TODAY
        )

    assert refusal.value.code == "not_hired"
    assert refusal.value.entry == 1
    assert not HireOutcome.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_it_names_the_entry_whose_values_break_a_rule(job, alice):
    hires = [ApplicationFactory(job=job, stage=Stage.HIRED) for _ in range(3)]
    fields = {"start_date": date(2026, 1, 5), "manager_name": "Dana"}

    with pytest.raises(Invalid) as refusal:
        hire_outcomes_record(
            entries=[
                (hires[0], fields),
                (hires[1], fields | {"performance_rating": 9}),
                (hires[2], fields | {"manager_name": ""}),
            ],
            by=alice,
            today=TODAY,
        )

    assert refusal.value.entry == 1
    assert set(refusal.value.fields) == {"performance_rating"}
    assert not HireOutcome.objects.exists()


def test_it_refuses_an_application_given_twice(job, alice):
    hire = ApplicationFactory(job=job, stage=Stage.HIRED)
    fields = {"start_date": date(2026, 1, 5), "manager_name": "Dana"}

    with pytest.raises(Invalid) as refusal:
        hire_outcomes_record(
            entries=[(hire, fields), (hire, fields | {"team": "Sales"})],
            by=alice,
            today=TODAY,
        )

    assert (refusal.value.code, refusal.value.entry) == ("given_twice", 1)
    assert not HireOutcome.objects.exists()


def test_it_refuses_an_application_that_no_longer_exists(job, alice):
    hire = ApplicationFactory(job=job, stage=Stage.HIRED)
    gone = ApplicationFactory(job=job, stage=Stage.HIRED)
    Application.objects.filter(pk=gone.pk).delete()

    with pytest.raises(NotFound) as refusal:
        hire_outcome_record(
            application=gone, by=alice, start_date=date(2026, 1, 5), manager_name="D"
        )

    assert refusal.value.entry == 0
    assert not HireOutcome.objects.exists()
    assert hire.pk  # the other is untouched
