"""Each step of an invitation writes its webhook event in the same transaction."""

from assessments import services
from hiring.models import OutboxEvent


def _types():
    return list(OutboxEvent.objects.order_by("id").values_list("type", flat=True))


def test_it_records_sent_opened_and_submitted(
    application,
    alice,
    instrument_version,
    django_capture_on_commit_callbacks,
    monkeypatch,
    mailoutbox,
):
    monkeypatch.setattr(services, "scoring_enqueue", lambda pk: True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(application=application, user=alice)
    services.invitation_open(invitation=invitation)
    services.invitation_open(invitation=invitation)
    services.taking_start(invitation=invitation, language="en", consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(invitation=invitation)
        services.submission_submit(invitation=invitation)

    assert _types() == ["invitation.sent", "invitation.opened", "assessment.submitted"]
    sent = OutboxEvent.objects.get(type="invitation.sent")
    assert set(sent.payload) == {"type", "timestamp", "data"}
    assert sent.payload["data"]["invitation_id"] == invitation.pk
    assert len(mailoutbox) == 1
