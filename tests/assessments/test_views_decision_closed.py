"""The pages offer no decision form on a closed application or a closed job's,
say why instead, and answer a form sent from an older page with that reason
(409), never a 500 and never a second decision."""

import re

from hiring.models import AuditEvent, Job, Stage
from hiring.services import application_decide, job_update
from tests.factories import (
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in

CLOSED_APPLICATION = "This application is closed (Rejected), so no decision can be"
CLOSED_JOB = "The job is closed, so no decision can be recorded"


def _decisions():
    return AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _reject(application, user):
    application_decide(
        application=application, user=user, decision="reject", reason="Not now."
    )


def test_it_offers_no_decision_form_on_a_closed_application(client, application, bob):
    _reject(application, bob)

    html = _text(
        logged_in(client, bob).get(f"/applications/{application.pk}/").content.decode()
    )

    assert 'id="decision-form"' not in html
    assert CLOSED_APPLICATION in html
    assert 'role="alert" id="decision-closed"' not in html
    assert "Not now." in html  # the decision history stays readable


def test_it_offers_no_decision_form_when_the_job_is_closed(
    client, application, bob, job
):
    job_update(job=job, status=Job.Status.CLOSED)

    html = _text(
        logged_in(client, bob).get(f"/applications/{application.pk}/").content.decode()
    )

    assert 'id="decision-form"' not in html
    assert CLOSED_JOB in html


def test_it_answers_a_form_from_an_older_page_with_the_reason(
    client, application, alice, bob
):
    logged_in(client, alice)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="decision-form"' in page
    _reject(application, bob)

    response = client.post(
        f"/applications/{application.pk}/decide/",
        {"decision": "advance", "reason": "Strong.", "stage": "applied"},
    )

    assert response.status_code == 409
    html = _text(response.content.decode())
    assert re.search(
        rf'role="alert" id="decision-closed"><p>{re.escape(CLOSED_APPLICATION)}', html
    )
    assert 'id="decision-form"' not in html
    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.REJECTED, "reject")
    assert _decisions().count() == 1


def test_it_refuses_a_post_once_the_job_is_closed(client, application, bob, job):
    job_update(job=job, status=Job.Status.CLOSED)

    response = logged_in(client, bob).post(
        f"/applications/{application.pk}/decide/",
        {"decision": "hire", "reason": "Strong.", "stage": "applied"},
    )

    assert response.status_code == 409
    assert CLOSED_JOB in _text(response.content.decode())
    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.APPLIED, "")
    assert not _decisions().exists()


def test_the_report_page_shows_the_reason_instead_of_the_form(client, job, bob):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    _reject(result.invitation.application, bob)

    response = logged_in(client, bob).get(f"/results/{result.pk}/")

    html = _text(response.content.decode())
    assert response.status_code == 200
    assert 'id="decision-form"' not in html
    assert CLOSED_APPLICATION in html


def test_the_debrief_shows_the_reason_instead_of_the_form(client, debriefed, bob):
    _reject(debriefed.application, bob)

    html = _text(
        logged_in(client, bob)
        .get(f"/interviews/{debriefed.pk}/debrief/")
        .content.decode()
    )

    assert f'action="/interviews/{debriefed.pk}/decide/"' not in html
    assert CLOSED_APPLICATION in html


def test_the_debrief_answers_a_form_from_an_older_page_with_the_reason(
    client, debriefed, bob
):
    logged_in(client, bob)
    url = f"/interviews/{debriefed.pk}/decide/"
    html = client.get(f"/interviews/{debriefed.pk}/debrief/").content.decode()
    assert f'action="{url}"' in html
    _reject(debriefed.application, bob)

    response = client.post(
        url, {"decision": "hold", "reason": "Later.", "stage": "interviewing"}
    )

    assert response.status_code == 409
    page = _text(response.content.decode())
    assert re.search(
        rf'role="alert" id="decision-closed"><p>{re.escape(CLOSED_APPLICATION)}', page
    )
    assert f'action="{url}"' not in page
    assert _decisions().count() == 1
