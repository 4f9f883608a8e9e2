"""The migration that gives outbox events their message ids works on a database
that already holds events: each existing event gets an id of its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("hiring", "0002_audit_log_append_only")]
AFTER = [("hiring", "0003_external_ids_polling_and_event_envelope")]


@pytest.mark.django_db(transaction=True)
def test_it_gives_every_existing_event_its_own_message_id():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("hiring", "OutboxEvent")
    for n in range(3):
        old.objects.create(type="assessment.scored", payload={"n": n})

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("hiring", "OutboxEvent")
    ids = list(new.objects.values_list("message_id", flat=True))

    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert all(i.startswith("msg_") for i in ids)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
