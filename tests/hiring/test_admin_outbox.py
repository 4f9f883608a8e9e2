"""The outbox admin never deletes an event that was not relayed yet: it is a
webhook still owed to a subscriber."""

import pytest
from django.utils import timezone

from hiring.models import OutboxEvent
from tests.hiring.support import logged_in


@pytest.fixture
def admin(client, admin_user):
    return logged_in(client, admin_user)


@pytest.fixture
def pending(db):
    return OutboxEvent.objects.create(type="assessment.scored", payload={"n": 1})


@pytest.fixture
def relayed(db):
    return OutboxEvent.objects.create(
        type="assessment.scored", payload={"n": 2}, relayed_at=timezone.now()
    )


def test_it_refuses_to_delete_an_event_not_relayed(admin, pending):
    page = admin.get(f"/admin/hiring/outboxevent/{pending.pk}/change/")
    response = admin.post(
        f"/admin/hiring/outboxevent/{pending.pk}/delete/", {"post": "yes"}
    )

    assert page.status_code == 200
    assert "/delete/" not in page.content.decode()
    assert response.status_code == 403
    assert OutboxEvent.objects.filter(pk=pending.pk).exists()


def test_it_deletes_a_relayed_event(admin, relayed):
    response = admin.post(
        f"/admin/hiring/outboxevent/{relayed.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not OutboxEvent.objects.filter(pk=relayed.pk).exists()


def test_it_refuses_a_bulk_delete_that_includes_an_event_not_relayed(
    admin, pending, relayed
):
    response = admin.post(
        "/admin/hiring/outboxevent/",
        {
            "action": "delete_selected",
            "_selected_action": [pending.pk, relayed.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 403
    assert OutboxEvent.objects.count() == 2


def test_it_bulk_deletes_relayed_events(admin, relayed):
    response = admin.post(
        "/admin/hiring/outboxevent/",
        {"action": "delete_selected", "_selected_action": [relayed.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not OutboxEvent.objects.exists()
