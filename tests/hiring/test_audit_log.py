"""The audit log only grows: rows cannot be changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from hiring.models import AuditEvent
from hiring.services import audit_record
from tests.conftest import service_missing


@pytest.fixture
def event(application, alice):
    return audit_record(
        actor=alice,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=application,
        job=application.job,
    )


def test_it_refuses_to_save_a_stored_event_again(event):
    event.data = {"changed": True}
    with pytest.raises(PermissionError):
        event.save()


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(PermissionError):
        event.delete()


def test_it_is_enforced_by_postgresql_for_any_client(event):
    if connection.vendor != "postgresql":
        service_missing("the database trigger exists on PostgreSQL only")
    for statement in (
        "UPDATE hiring_auditevent SET data = '{}' WHERE id = %s",
        "DELETE FROM hiring_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
