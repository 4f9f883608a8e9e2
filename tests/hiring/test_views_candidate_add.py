"""Adding one candidate: names, email, phone, language, external id, and a
retention date defaulted from the organisation's setting, explained."""

from datetime import timedelta

from django.utils import timezone

from hiring.models import Application, Candidate, Job
from tests.factories import CandidateFactory
from tests.hiring.support import logged_in

FIELDS = {
    "first_name": "Lucía",
    "last_name": "Fernández",
    "email": "Lucia@Example.org",
    "phone": "+34 600 000 000",
    "preferred_language": "es",
    "external_id": "",
}


def test_it_explains_and_defaults_the_retention_date(client, job, alice, settings):
    settings.CRIBA_RETENTION_DAYS = 200

    page = logged_in(client, alice).get(f"/jobs/{job.pk}/candidates/new/")

    text = page.content.decode()
    expected = timezone.localdate() + timedelta(days=200)
    assert f'value="{expected:%Y-%m-%d}"' in text
    assert "The default is 200 days from today" in text
    assert "erased" in text


def test_it_adds_a_new_candidate_to_the_job(client, job, alice):
    until = timezone.localdate() + timedelta(days=30)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/new/",
        {**FIELDS, "retention_until": f"{until:%Y-%m-%d}"},
    )

    candidate = Candidate.objects.get(last_name="Fernández")
    application = Application.objects.get(candidate=candidate, job=job)
    assert response["Location"] == f"/applications/{application.pk}/"
    assert candidate.email == "lucia@example.org"
    assert candidate.preferred_language == "es"
    assert candidate.retention_until == until


def test_it_recognises_a_known_email_instead_of_doubling_it(client, job, alice):
    known = CandidateFactory(email="lucia@example.org", first_name="Lu")

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/new/",
        {**FIELDS, "retention_until": f"{timezone.localdate():%Y-%m-%d}"},
        follow=True,
    )

    assert Candidate.objects.filter(email__iexact="lucia@example.org").count() == 1
    assert Application.objects.filter(candidate=known, job=job).exists()
    assert "already known by this email" in response.content.decode()


def test_it_names_each_bad_field_and_writes_nothing(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/new/",
        {**FIELDS, "email": "not-an-email", "first_name": "", "retention_until": "x"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in page
    assert "This field is required." in page
    assert "Enter a valid date." in page
    assert not Candidate.objects.filter(last_name="Fernández").exists()


def test_it_says_a_closed_job_takes_no_one(client, job, alice):
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CLOSED)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/new/",
        {**FIELDS, "retention_until": f"{timezone.localdate():%Y-%m-%d}"},
    )

    assert response.status_code == 400
    assert "This job is closed." in response.content.decode()
    assert not Application.objects.filter(job=job).exists()
