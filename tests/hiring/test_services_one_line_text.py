"""Names, titles, phones and external ids are one line of text: a line break or
another control character is refused with a 400 naming the field, whichever way
it comes (a page, the API, a CSV file), since it would break the email subject
and the calendar entry that carry a candidate's name. No text holds NUL."""

import sys
import unicodedata
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments import interview_services
from hiring.models import Candidate, Job
from hiring.services import one_line_text_problem
from tests.factories import ApplicationFactory, CandidateFactory, RubricVersionFactory
from tests.hiring.support import logged_in

FIELDS = {
    "first_name": "Lucía",
    "last_name": "Fernández",
    "email": "lucia@example.org",
    "phone": "",
    "preferred_language": "es",
    "external_id": "",
}


@pytest.mark.parametrize(
    "text", ["Ruiz\nBcc: x@example.org", "Ruiz\r", "Ru\tiz", "Ruiz\u2028", "Ru\x85iz"]
)
def test_it_finds_each_kind_of_line_break_or_control_character(text):
    assert one_line_text_problem(text) is not None


@pytest.mark.parametrize("text", ["Fernández", "O'Brien-Núñez", "李 小龍", ""])
def test_it_lets_ordinary_names_through(text):
    assert one_line_text_problem(text) is None


def test_it_refuses_exactly_the_control_characters_and_line_separators():
    refused = {
        code
        for code in range(sys.maxunicode + 1)
        if one_line_text_problem(chr(code)) is not None
    }

    assert refused == {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Zl", "Zp"}
    }


def test_it_refuses_a_line_break_in_a_name_on_the_page(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/candidates/new/",
        {
            **FIELDS,
            "last_name": "Fernández\r\nBcc: x@example.org",
            "retention_until": f"{timezone.localdate() + timedelta(days=30):%Y-%m-%d}",
        },
    )

    assert response.status_code == 400
    assert "Line breaks and other control characters" in response.content.decode()
    assert not Candidate.objects.exists()


def test_it_refuses_a_line_break_in_a_job_title(client, job, alice):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/edit/",
        {"title": "Account\u2028Executive", "department": "", "location": ""},
    )

    assert response.status_code == 400
    assert Job.objects.get(pk=job.pk).title == "Account Executive"


def test_it_refuses_a_line_break_in_a_name_through_the_api(api_client):
    response = api_client().post(
        "/api/v1/candidates/",
        {**FIELDS, "external_id": "ats-1", "first_name": "Ana\nBcc: x@example.org"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"first_name"}
    assert not Candidate.objects.exists()


def test_it_still_emails_the_panel_about_a_name_kept_with_a_line_break(
    job, alice, dana, django_capture_on_commit_callbacks
):
    job.status = Job.Status.OPEN
    job.save()
    kept = CandidateFactory(first_name="Ana", last_name="Ruiz\nBcc: x@example.org")
    application = ApplicationFactory(job=job, candidate=kept)

    with django_capture_on_commit_callbacks(execute=True):
        interview_services.interview_schedule(
            user=alice,
            application=application,
            scheduled_at=timezone.now() + timedelta(days=1),
            duration_minutes=45,
            interviewers=[dana],
            rubric_version=RubricVersionFactory(),
        )

    (message,) = mail.outbox
    assert message.to == [dana.email]
    assert message.subject == (
        "Interview with Ana Ruiz Bcc: x@example.org (Account Executive)"
    )
    assert "Bcc" not in message.message()
