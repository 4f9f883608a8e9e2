"""A decision form remembers the stage it was shown for: sent twice (a double
click, the browser's back button) or after a colleague decided, it records
nothing and says where the application stands now, so one "advance" never moves
a candidate two stages."""

import re

from hiring.models import AuditEvent, Stage
from hiring.services import application_decide
from tests.hiring.support import logged_in


def _decisions():
    return AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED)


def _hidden_stage(html: str, form_action: str) -> str:
    form = re.search(
        rf'<form[^>]*action="{re.escape(form_action)}".*?</form>', html, re.S
    )
    assert form, form_action
    stage = re.search(r'<input type="hidden" name="stage" value="([^"]*)">', form[0])
    assert stage, "the decision form sends no stage"
    return stage[1]


def test_it_puts_the_shown_stage_in_the_application_pages_form(
    client, application, alice
):
    application.stage = Stage.ASSESSING
    application.save()

    html = logged_in(client, alice).get(f"/applications/{application.pk}/").content

    action = f"/applications/{application.pk}/decide/"
    assert _hidden_stage(html.decode(), action) == "assessing"


def test_it_advances_once_when_the_same_form_is_sent_twice(client, application, alice):
    application.stage = Stage.ASSESSING
    application.save()
    logged_in(client, alice)
    data = {"decision": "advance", "reason": "Clear profile.", "stage": "assessing"}

    first = client.post(f"/applications/{application.pk}/decide/", data)
    second = client.post(f"/applications/{application.pk}/decide/", data)

    assert first.status_code == 302
    assert second.status_code == 409
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEWING
    assert _decisions().count() == 1
    page = second.content.decode()
    assert "moved to the stage Interviewing after the page was opened" in page
    # The form is shown again with what was typed and the stage as it is now.
    assert "Clear profile." in page
    action = f"/applications/{application.pk}/decide/"
    assert _hidden_stage(page, action) == "interviewing"


def test_it_refuses_a_form_shown_before_a_colleague_rejected(
    client, application, alice, bob
):
    application.stage = Stage.INTERVIEWING
    application.save()
    application_decide(
        application=application, user=bob, decision="reject", reason="No."
    )

    response = logged_in(client, alice).post(
        f"/applications/{application.pk}/decide/",
        {"decision": "advance", "reason": "Great.", "stage": "interviewing"},
    )

    assert response.status_code == 409
    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.REJECTED, "reject")
    assert _decisions().count() == 1


def test_it_still_records_a_decision_sent_without_a_stage(client, application, bob):
    # Integrations and pages opened before the stage was sent keep working.
    application.stage = Stage.ASSESSING
    application.save()

    response = logged_in(client, bob).post(
        f"/applications/{application.pk}/decide/",
        {"decision": "advance", "reason": "Good."},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEWING


def test_it_advances_once_from_the_debrief_sent_twice(client, debriefed, bob):
    logged_in(client, bob)
    url = f"/interviews/{debriefed.pk}/decide/"
    html = client.get(f"/interviews/{debriefed.pk}/debrief/").content.decode()
    stage = _hidden_stage(html, url)
    data = {"decision": "hold", "reason": "Second interview first.", "stage": stage}

    client.post(url, {**data, "decision": "advance"})
    second = client.post(url, data)

    assert stage == "interviewing"
    assert second.status_code == 409
    application = debriefed.application
    application.refresh_from_db()
    assert (application.stage, application.decision) == (Stage.OFFER, "advance")
    assert "moved to the stage Offer" in second.content.decode()
    assert _decisions().count() == 1
