"""The recruiter's privacy pages: export, erasure with its confirmation, retention."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import QuestionnaireResult, Response
from hiring.models import Application, AuditEvent, Candidate, Stage
from tests.assessments.privacy_support import EMAIL, FIRST_NAME, dossier_create
from tests.hiring.support import logged_in


@pytest.fixture
def open_dossier(job, alice, dana):
    return dossier_create(job=job, recruiter=alice, interviewer=dana)


@pytest.fixture
def closed(open_dossier):
    Application.objects.filter(pk=open_dossier.application.pk).update(
        stage=Stage.WITHDRAWN
    )
    return open_dossier


def _url(dossier, page=""):
    return f"/candidates/{dossier.candidate.pk}/privacy/{page}"


def test_it_shows_consent_retention_and_applications(client, alice, open_dossier):
    page = logged_in(client, alice).get(_url(open_dossier)).content.decode()

    assert EMAIL in page
    assert 'href="/privacy/v1/"' in page
    until = open_dossier.candidate.retention_until.isoformat()
    assert f'value="{until}"' in page
    assert "Account Executive" in page
    assert 'id="export-form"' in page


def test_it_links_the_privacy_page_from_the_application_for_recruiters_only(
    client, alice, bob, open_dossier
):
    url = f"/applications/{open_dossier.application.pk}/"

    for_alice = logged_in(client, alice).get(url).content.decode()
    for_bob = logged_in(client, bob).get(url).content.decode()

    assert f'href="{_url(open_dossier)}"' in for_alice
    assert _url(open_dossier) not in for_bob


def test_it_downloads_the_export_as_a_json_file(client, alice, open_dossier):
    response = logged_in(client, alice).post(_url(open_dossier, "export/"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["candidate"]["email"] == EMAIL
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.data["via"] == "page"
    assert event.actor == alice


def test_it_refuses_an_export_by_get(client, alice, open_dossier):
    response = logged_in(client, alice).get(_url(open_dossier, "export/"))

    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_it_explains_the_erasure_before_doing_it(client, alice, closed):
    page = logged_in(client, alice).get(_url(closed, "erase/")).content.decode()

    assert "cannot be undone" in page
    assert 'name="confirm"' in page
    assert 'name="answers"' in page
    # A recruiter on a closed application is not asked for a forcing reason.
    assert 'name="reason"' not in page
    assert not Candidate.objects.get(pk=closed.candidate.pk).is_erased


def test_it_erases_nothing_without_the_confirmation(client, alice, closed):
    response = logged_in(client, alice).post(_url(closed, "erase/"), {})

    assert response.status_code == 400
    assert "Confirm that the erasure cannot be undone." in response.content.decode()
    assert not Candidate.objects.get(pk=closed.candidate.pk).is_erased


def test_it_erases_after_the_confirmation(client, alice, closed):
    response = logged_in(client, alice).post(
        _url(closed, "erase/"), {"confirm": "on"}, follow=True
    )

    page = response.content.decode()
    assert "personal data was erased" in page
    assert EMAIL not in page
    assert FIRST_NAME not in page
    assert Candidate.objects.get(pk=closed.candidate.pk).is_erased
    assert QuestionnaireResult.objects.filter(pk=closed.result_id).exists()


def test_it_erases_the_answers_too_when_ticked(client, alice, closed):
    logged_in(client, alice).post(
        _url(closed, "erase/"), {"confirm": "on", "answers": "on"}
    )

    assert not Response.objects.filter(invitation=closed.invitation).exists()
    assert not QuestionnaireResult.objects.filter(pk=closed.result_id).exists()


def test_it_refuses_a_recruiter_while_an_application_is_open(
    client, alice, open_dossier
):
    form = logged_in(client, alice).get(_url(open_dossier, "erase/")).content.decode()
    response = client.post(
        _url(open_dossier, "erase/"),
        {"confirm": "on", "reason": "The candidate asked by letter."},
    )

    assert "still open" in form
    assert 'id="erase-form"' not in form
    assert response.status_code == 403
    assert not Candidate.objects.get(pk=open_dossier.candidate.pk).is_erased


def test_it_asks_an_administrator_for_a_reason_while_open(
    client, admin_user, open_dossier
):
    logged_in(client, admin_user)
    without = client.post(_url(open_dossier, "erase/"), {"confirm": "on"})
    naming = client.post(
        _url(open_dossier, "erase/"),
        {"confirm": "on", "reason": f"{FIRST_NAME} wrote to us"},
    )
    forced = client.post(
        _url(open_dossier, "erase/"),
        {"confirm": "on", "reason": "Written request; the job is on hold."},
    )

    assert without.status_code == 409
    assert "still open" in without.content.decode()
    assert naming.status_code == 400
    assert "Describe why without the candidate" in naming.content.decode()
    assert forced.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.data["forced"] is True


def test_it_saves_the_retention_date(client, alice, open_dossier):
    until = timezone.localdate() + timedelta(days=45)

    response = logged_in(client, alice).post(
        _url(open_dossier, "retention/"), {"until": until.isoformat()}
    )

    assert response.status_code == 302
    assert Candidate.objects.get(pk=open_dossier.candidate.pk).retention_until == until


@pytest.mark.parametrize(
    ("until", "message"),
    [("not-a-date", "Enter a valid date."), ("2001-01-01", "Choose a date from today")],
)
def test_it_refuses_a_bad_retention_date(client, alice, open_dossier, until, message):
    before = open_dossier.candidate.retention_until

    response = logged_in(client, alice).post(
        _url(open_dossier, "retention/"), {"until": until}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Candidate.objects.get(pk=open_dossier.candidate.pk).retention_until == before
