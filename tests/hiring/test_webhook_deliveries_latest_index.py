"""An endpoint's latest deliveries (its settings page, the API's window of 50)
come from the top of an index, not from sorting everything it ever received."""

from django.db import connection

from hiring.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import service_missing


def test_it_reads_the_latest_deliveries_of_an_endpoint_from_an_index(db):
    if connection.vendor != "postgresql":
        service_missing("the query plan is PostgreSQL's")
    endpoint = WebhookEndpoint.objects.create(
        name="Receiver", url="https://example.com/hook", secret_encrypted="x"
    )
    latest = WebhookDelivery.objects.filter(endpoint=endpoint).order_by(
        "-created_at", "-id"
    )[:50]
    sql, params = latest.query.sql_with_params()

    with connection.cursor() as cursor:
        # The test table is tiny, and its statistics are whatever earlier tests
        # left: make the planner show what it would do with millions of rows,
        # where scanning the endpoint's rows and sorting them loses. Without an
        # index in the query's order a Sort node remains, disabled or not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "webhook_delivery_latest" in plan
    assert "Sort" not in plan
