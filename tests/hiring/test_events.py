"""One event envelope: every outbox row has its type, a unique message id and the
same payload shape; a decision is announced as `application.decided`."""

import pytest

from hiring.events import event_build, event_record
from hiring.models import OutboxEvent
from hiring.services import application_decide

pytestmark = pytest.mark.django_db


def test_it_writes_the_envelope_with_a_unique_message_id():
    first = event_record(type="assessment.scored", data={"invitation_id": 1})
    second = event_record(type="assessment.scored", data={"invitation_id": 1})

    assert first.payload["type"] == "assessment.scored"
    assert first.payload["data"] == {"invitation_id": 1}
    assert first.payload["timestamp"] == first.created_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert first.payload["timestamp"].endswith("Z")
    assert first.message_id.startswith("msg_")
    assert first.message_id != second.message_id
    assert first.relayed_at is None


def test_it_refuses_an_unknown_type():
    with pytest.raises(ValueError, match=r"OutboxEvent\.Type"):
        event_build(type="something.happened", data={})


def test_it_announces_a_decision(application, alice):
    application.external_id = "gh-app-9"
    application.save()

    application_decide(
        application=application, user=alice, decision="reject", reason="Chose another"
    )

    event = OutboxEvent.objects.get(type=OutboxEvent.Type.APPLICATION_DECIDED)
    assert event.payload["data"]["application_id"] == application.pk
    assert event.payload["data"]["external_id"] == "gh-app-9"
    assert event.payload["data"]["decision"] == "reject"
    assert event.payload["data"]["stage"] == "rejected"
    assert "reason" not in event.payload["data"]
