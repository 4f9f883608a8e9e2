"""A file of candidates is written in one go: the same number of queries for 10
rows as for 200, and exactly the rows, audit records and events that adding each
row through the one-by-one services writes."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.candidate_import import candidate_import, candidate_import_preview
from hiring.errors import Conflict
from hiring.models import Application, AuditEvent, Candidate, Job, OutboxEvent
from hiring.services import (
    application_create,
    audit_record,
    candidate_create,
    candidates_add_to_job,
)
from tests.conftest import service_missing
from tests.factories import ApplicationFactory, CandidateFactory, JobFactory

HEADER = "First name,Last name,Email,Phone,Language,External id\n"


def a_file(*, job, rows: int, prefix: str) -> str:
    """``rows`` rows: a quarter already known (on another job), a quarter already
    on this job, the rest new, with phones, language names and external ids."""
    elsewhere = JobFactory(title=f"Earlier {prefix}")
    lines = []
    for i in range(rows):
        email = f"{prefix}{i}@example.org"
        if i % 4 == 0:
            ApplicationFactory(
                job=elsewhere,
                candidate=CandidateFactory(email=email, first_name=f"Known{i}"),
            )
            email = email.upper()  # found in any case
        elif i % 4 == 1:
            ApplicationFactory(job=job, candidate=CandidateFactory(email=email))
        language = ("English", "es", "", "Español")[i % 4]
        lines.append(f"N{i},M{i},{email},+34 600 {i:03d},{language},{prefix}-{i}\n")
    return HEADER + "".join(lines)


def test_it_imports_in_the_same_queries_whatever_the_rows(alice):
    if connection.vendor != "postgresql":
        service_missing("query counts are asserted on PostgreSQL")
    counts = {}
    for rows in (10, 200):
        job = JobFactory(title=f"Job of {rows}", status=Job.Status.OPEN)
        text = a_file(job=job, rows=rows, prefix=f"r{rows}-")
        with CaptureQueriesContext(connection) as preview:
            candidate_import_preview(job=job, data=text, user=alice)
        with CaptureQueriesContext(connection) as write:
            summary = candidate_import(job=job, actor=alice, data=text)
        known, on_job = len(range(0, rows, 4)), len(range(1, rows, 4))
        assert (summary.created, summary.reused, summary.skipped) == (
            rows - known - on_job,
            known,
            on_job,
        )
        counts[rows] = (len(preview), len(write))

    # Preview: known emails, their applications on this job and on jobs Alice
    # sees, external ids. Write: the first, second and last of those; known
    # emails again, taken external ids, applications already on the job; one
    # INSERT each of candidates, applications and audit rows, then the import's
    # audit row; and the savepoints of the import, the service and each INSERT.
    assert counts[10] == counts[200] == (4, 18)


def snapshot(after: dict[str, int], started) -> dict[str, list[dict]]:
    """Every row written since ``after`` (the largest ids before), keys of new
    rows replaced by their order, times checked to be of this run and dropped."""
    finished = timezone.now()
    models = {
        "candidate": Candidate,
        "application": Application,
        "audit": AuditEvent,
        "event": OutboxEvent,
    }
    rows = {
        name: list(
            model.objects.filter(pk__gt=after[name]).order_by("pk").values().iterator()
        )
        for name, model in models.items()
    }
    label = {}
    for name, model_rows in rows.items():
        for order, row in enumerate(model_rows):
            label[(name, row["id"])] = f"new {name} {order}"

    def key(name: str, pk):
        return label.get((name, pk), pk)

    for name, model_rows in rows.items():
        for row in model_rows:
            for stamp in ("created_at", "updated_at", "at"):
                if stamp in row:
                    assert started <= row.pop(stamp) <= finished
            row["id"] = key(name, row["id"])
            if "candidate_id" in row:
                row["candidate_id"] = key("candidate", row["candidate_id"])
            if row.get("object_type") in ("hiring.candidate", "hiring.application"):
                about = row["object_type"].removeprefix("hiring.")
                row["object_id"] = key(about, int(row["object_id"]))
            row.pop("message_id", None)
    return rows


def largest_ids() -> dict[str, int]:
    return {
        name: max(model.objects.values_list("pk", flat=True), default=0)
        for name, model in {
            "candidate": Candidate,
            "application": Application,
            "audit": AuditEvent,
            "event": OutboxEvent,
        }.items()
    }


def one_by_one(*, job, actor, text: str) -> None:
    """The file added as before the import wrote in bulk: each row through
    `candidate_create` (unless its email is known) and `application_create`."""
    preview = candidate_import_preview(job=job, data=text)
    assert preview.ok
    created = reused = skipped = 0
    for row in preview.rows:
        if row.already_applied:
            skipped += 1
            continue
        candidate = row.existing
        if candidate is None:
            values = {k: v for k, v in row.values.items() if v}
            candidate = candidate_create(actor=actor, **values)
            created += 1
        else:
            reused += 1
        application_create(candidate=candidate, job=job, actor=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CANDIDATES_IMPORTED,
        obj=job,
        job=job,
        data={"created": created, "reused": reused, "skipped": skipped},
    )


def test_it_writes_what_adding_each_row_through_the_services_writes(job, alice):
    job.status = Job.Status.OPEN
    job.save()
    text = a_file(job=job, rows=12, prefix="same-") + (
        "  Dora , Li ,DORA@Example.org,,inglés,\n"
    )
    before = largest_ids()

    with transaction.atomic():
        started = timezone.now()
        candidate_import(job=job, actor=alice, data=text)
        in_bulk = snapshot(before, started)
        transaction.set_rollback(True)
    assert largest_ids()["audit"] == before["audit"]  # rolled back

    started = timezone.now()
    one_by_one(job=job, actor=alice, text=text)
    by_hand = snapshot(before, started)

    assert in_bulk == by_hand
    # 7 new candidates, 10 applications; their audit rows in the order of the
    # rows (a new candidate's, then their application's), then the import's.
    assert [len(in_bulk[name]) for name in in_bulk] == [7, 10, 18, 0]
    assert [row["action"] for row in in_bulk["audit"][:4]] == [
        "application.created",
        "candidate.created",
        "application.created",
        "candidate.created",
    ]
    assert in_bulk["candidate"][-1] == {
        "id": "new candidate 6",
        "first_name": "Dora",
        "last_name": "Li",
        "email": "dora@example.org",
        "phone": "",
        "preferred_language": "en",
        "external_id": "",
        "consent_at": None,
        "consent_version": None,
        "retention_until": in_bulk["candidate"][0]["retention_until"],
        "retention_notified_for": None,
        "erased_at": None,
    }
    # No event announces a new candidate or application to integrations today;
    # if one ever does, both paths write it through the same function.
    assert in_bulk["event"] == by_hand["event"] == []


def test_it_adds_an_unknown_email_given_twice_once_and_refuses_the_second(job, alice):
    rows = [
        {"first_name": "Ana", "last_name": "Ruiz", "email": "ana@example.org"},
        {"first_name": "Ana", "last_name": "R.", "email": "ANA@example.org "},
    ]

    with pytest.raises(Conflict) as refusal:
        candidates_add_to_job(job=job, rows=rows, actor=alice)

    # As adding the same person twice by hand: the second finds her on the job.
    assert refusal.value.code == "already_applied"
    assert not Candidate.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_writes_nothing_when_one_row_is_refused_at_the_write(job, alice):
    taken = CandidateFactory(external_id="ats-7", email="someone@example.org")
    rows = [
        {"first_name": "Ana", "last_name": "Ruiz", "email": "ana@example.org"},
        {
            "first_name": "Ben",
            "last_name": "Ng",
            "email": "b@x.org",
            "external_id": "ats-7",
        },
    ]

    with pytest.raises(Conflict) as refusal:
        candidates_add_to_job(job=job, rows=rows, actor=alice)

    assert refusal.value.code == "external_id_taken"
    assert list(Candidate.objects.all()) == [taken]
    assert not Application.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_keeps_the_date_each_row_asks_to_keep_the_data_until(job, alice):
    until = timezone.localdate() + timedelta(days=30)

    ((application, created),) = candidates_add_to_job(
        job=job,
        rows=[
            {
                "first_name": "Ana",
                "last_name": "Ruiz",
                "email": "ana@example.org",
                "retention_until": until,
            }
        ],
        actor=alice,
    )

    assert created
    assert Candidate.objects.get().retention_until == until
    assert application.candidate.retention_until == until
