"""Jobs, candidates and applications are created and updated through services,
with the ATS's external id unique where it is set."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.errors import Conflict, Invalid
from hiring.models import Application, AuditEvent, Candidate, Job
from hiring.services import (
    application_create,
    application_upsert,
    candidate_by_email,
    candidate_create,
    candidate_update,
    candidate_upsert,
    job_create,
    job_update,
    job_upsert,
)

pytestmark = pytest.mark.django_db


def test_it_creates_a_job_and_audits_it(alice):
    job = job_create(title="  Field Sales Rep ", location="Lima", actor=alice)

    assert job.title == "Field Sales Rep"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.JOB_CREATED, object_id=str(job.pk), actor=alice
    ).exists()


def test_it_names_each_bad_field():
    with pytest.raises(Invalid) as problem:
        job_create(title="", status="half-open")

    assert set(problem.value.fields) == {"title", "status"}


def test_it_refuses_an_unknown_field():
    with pytest.raises(Invalid) as problem:
        job_create(title="SDR", salary="lots")
    assert problem.value.fields == {"salary": ["Unknown field."]}


def test_it_refuses_a_second_job_with_the_same_external_id():
    job_create(title="SDR", external_id="gh-1")

    with pytest.raises(Conflict) as problem:
        job_create(title="AE", external_id="gh-1")

    assert problem.value.code == "external_id_taken"
    assert Job.objects.filter(external_id="gh-1").count() == 1


def test_it_allows_many_rows_without_an_external_id():
    job_create(title="SDR")
    job_create(title="AE")
    assert Job.objects.filter(external_id="").count() == 2


def test_it_updates_and_audits_only_what_changed(alice):
    job = job_create(title="SDR")

    job_update(job=job, title="SDR", status=Job.Status.CLOSED, actor=alice)

    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_UPDATED)
    assert event.data == {"fields": ["status"]}


def test_it_upserts_a_job_by_external_id_without_duplicating():
    first, created = job_upsert(external_id="gh-7", title="SDR")
    again, created_again = job_upsert(external_id="gh-7", title="Senior SDR")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Job.objects.get(external_id="gh-7").title == "Senior SDR"


def test_it_requires_an_external_id_to_upsert():
    with pytest.raises(Invalid) as problem:
        job_upsert(external_id=" ", title="SDR")
    assert "external_id" in problem.value.fields


def test_it_defaults_a_candidates_retention_from_the_setting(settings):
    settings.CRIBA_RETENTION_DAYS = 30

    candidate = candidate_create(
        first_name="Ana", last_name="Ruiz", email="ANA@example.org"
    )

    assert candidate.email == "ana@example.org"
    assert candidate.retention_until == timezone.localdate() + timedelta(days=30)


def test_it_refuses_a_candidate_with_a_bad_email():
    with pytest.raises(Invalid) as problem:
        candidate_create(first_name="Ana", last_name="Ruiz", email="not-an-email")
    assert "email" in problem.value.fields
    assert not Candidate.objects.exists()


def test_it_finds_a_known_candidate_by_email_in_any_case():
    candidate = candidate_create(first_name="Ana", last_name="Ruiz", email="a@x.org")
    assert candidate_by_email(" A@X.org ") == candidate


def test_it_upserts_a_candidate_and_updates_the_fields_given():
    candidate, _ = candidate_upsert(
        external_id="c-1", first_name="Ana", last_name="Ruiz", email="a@x.org"
    )
    candidate_upsert(external_id="c-1", phone="+34 600 000 000")

    candidate.refresh_from_db()
    assert candidate.phone == "+34 600 000 000"
    assert Candidate.objects.count() == 1


def test_it_refuses_to_change_an_erased_candidate():
    candidate = candidate_create(first_name="Ana", last_name="Ruiz", email="a@x.org")
    Candidate.objects.filter(pk=candidate.pk).update(erased_at=timezone.now())
    candidate.refresh_from_db()

    with pytest.raises(Conflict):
        candidate_update(candidate=candidate, first_name="Eve")


def test_it_puts_a_candidate_on_a_job_once(job):
    candidate = candidate_create(first_name="Ana", last_name="Ruiz", email="a@x.org")
    application_create(candidate=candidate, job=job, external_id="app-1")

    with pytest.raises(Conflict) as problem:
        application_create(candidate=candidate, job=job)

    assert problem.value.code == "already_applied"
    assert Application.objects.count() == 1


def test_it_refuses_an_application_to_a_closed_job(job):
    job_update(job=job, status=Job.Status.CLOSED)
    candidate = candidate_create(first_name="Ana", last_name="Ruiz", email="a@x.org")

    with pytest.raises(Conflict):
        application_create(candidate=candidate, job=job)


def test_it_refuses_an_external_id_that_names_another_application(job):
    ana = candidate_create(first_name="Ana", last_name="Ruiz", email="a@x.org")
    eva = candidate_create(first_name="Eva", last_name="Soto", email="e@x.org")
    application_upsert(external_id="app-1", candidate=ana, job=job)

    with pytest.raises(Conflict):
        application_upsert(external_id="app-1", candidate=eva, job=job)
