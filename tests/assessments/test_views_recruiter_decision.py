"""Recording a decision on the application page: who, when and why, audited."""

import pytest
from django.utils import timezone

from hiring.models import Application, AuditEvent, Stage
from tests.hiring.support import logged_in


def _decide(client, application, data, **kwargs):
    return client.post(f"/applications/{application.pk}/decide/", data, **kwargs)


def test_it_records_who_decided_what_when_and_why(client, application, bob):
    before = timezone.now()

    response = _decide(
        logged_in(client, bob),
        application,
        {"decision": "hire", "reason": "Best role play of the panel."},
        follow=True,
    )

    application.refresh_from_db()
    assert application.decision == Application.Decision.HIRE
    assert application.decided_by == bob
    assert application.decided_at >= before
    assert application.decision_reason == "Best role play of the panel."
    assert application.stage == Stage.HIRED
    page = response.content.decode()
    assert "Decision recorded." in page
    assert "Best role play of the panel." in page


def test_it_audits_the_decision(client, application, alice):
    _decide(
        logged_in(client, alice),
        application,
        {"decision": "reject", "reason": "Declined the offer terms."},
    )

    event = AuditEvent.objects.get(action=AuditEvent.Action.DECISION_RECORDED)
    assert event.actor == alice
    assert event.job == application.job
    assert event.object_id == str(application.pk)
    assert event.data["decision"] == "reject"
    assert event.data["reason"] == "Declined the offer terms."


def test_it_shows_the_decision_history_newest_first(client, application, bob):
    logged_in(client, bob)
    _decide(client, application, {"decision": "hold", "reason": "Waiting for refs."})
    _decide(client, application, {"decision": "advance", "reason": "Refs are good."})

    page = client.get(f"/applications/{application.pk}/").content.decode()
    history = page[page.index('<ol class="history">') :]
    history = history[: history.index("</ol>")]

    assert history.index("Refs are good.") < history.index("Waiting for refs.")
    assert history.index("Advance") < history.index("Hold")
    assert history.count("by Bob") == 2


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "hire", "reason": ""},
        {"decision": "hire", "reason": "   "},
        {"decision": "hire"},
        {"decision": "promote", "reason": "Because."},
        {"decision": "", "reason": "Because."},
    ],
)
def test_it_needs_a_known_decision_and_a_reason(client, application, alice, data):
    response = _decide(logged_in(client, alice), application, data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    application.refresh_from_db()
    assert application.decision == ""
    assert not AuditEvent.objects.exists()


def test_it_names_the_missing_reason(client, application, alice):
    response = _decide(logged_in(client, alice), application, {"decision": "hire"})

    assert "A decision needs its reason." in response.content.decode()
