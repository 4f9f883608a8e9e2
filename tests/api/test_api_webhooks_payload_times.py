"""A delivered event's timestamps read exactly as the REST API writes the same
moment (ISO 8601 in UTC with a `Z`), as the documented examples show."""

import pytest
from standardwebhooks.webhooks import Webhook

from assessments import services as assessment_services
from hiring.services import application_decide
from hiring.tasks import webhooks_send_task

pytestmark = pytest.mark.django_db


def _delivered(receiver, secret: str) -> dict[str, dict]:
    webhooks_send_task()
    bodies = [Webhook(secret).verify(r.body, r.headers) for r in receiver.requests]
    return {body["type"]: body for body in bodies}


def test_it_writes_decided_at_and_expires_at_as_the_api_does(
    world, api_client, admin_user, receiver, django_capture_on_commit_callbacks
):
    client = api_client()
    created = client.post(
        "/api/v1/webhooks/",
        {
            "name": "ATS",
            "url": receiver.url,
            "events": ["application.decided", "invitation.sent"],
        },
        format="json",
    ).json()
    application_decide(
        application=world.application,
        user=admin_user,
        decision="advance",
        reason="Strong questionnaire.",
    )
    with django_capture_on_commit_callbacks(execute=True):  # the email leaves
        invitation = assessment_services.invitation_create(
            application=world.application, user=admin_user
        )

    events = _delivered(receiver, created["secret"])

    decided = events["application.decided"]["data"]["decided_at"]
    application = client.get(f"/api/v1/applications/{world.application.pk}/").json()
    assert decided == application["decided_at"]
    assert decided.endswith("Z")
    expires = events["invitation.sent"]["data"]["expires_at"]
    assert (
        expires
        == client.get(f"/api/v1/invitations/{invitation.pk}/").json()["expires_at"]
    )
    assert expires.endswith("Z")
