"""Two requests at once never make two rows: the upsert by external id, the
invitation (which locks its application) and a Greenhouse order (which locks its
job). PostgreSQL only: SQLite serialises
every write, so it cannot show a race."""

import threading

import pytest
from django.db import close_old_connections, connection

from assessments import services
from assessments.models import Invitation
from hiring.errors import Conflict
from hiring.models import Job
from hiring.services import job_upsert
from tests.conftest import service_missing

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, n=2):
    """Run ``target`` in ``n`` threads released together; returns their outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = target()
        except Exception as error:  # the outcome is what the test inspects
            outcomes[i] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        service_missing("row locks and concurrent inserts need PostgreSQL")


def test_it_makes_one_job_from_two_concurrent_upserts():
    outcomes = _race(lambda: job_upsert(external_id="gh-42", title="SDR"))

    assert Job.objects.filter(external_id="gh-42").count() == 1
    created = [o[1] for o in outcomes if isinstance(o, tuple)]
    assert sorted(created) == [False, True], outcomes


def test_it_makes_one_open_invitation_from_two_concurrent_requests(
    application, alice, instrument_version
):
    outcomes = _race(
        lambda: services.invitation_create(
            application=application, user=alice, send=False
        )
    )

    assert Invitation.objects.filter(application=application).count() == 1
    assert sum(isinstance(o, Invitation) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1


def test_two_copies_of_one_greenhouse_order_at_once_make_one_order(
    job, instrument_version, settings
):
    """Greenhouse resends an order it thinks was lost while the first is still
    being written: both answer the same partner_interview_id, and there is one
    candidate, one application, one invitation and one order."""
    from assessments.integrations.greenhouse import greenhouse_send_test
    from hiring.models import Application, AtsCallback, Candidate
    from tests.factories import plan_from_defaults

    plan_from_defaults(job, instrument_version)
    payload = {
        "partner_test_id": f"job-{job.pk}",
        "candidate": {
            "first_name": "Lucía",
            "last_name": "Paredes",
            "email": "lucia.race@example.org",
        },
        # A local address (nothing is called back here), allowed as in a test.
        "url": "http://127.0.0.1:9/partner/tests/4711",
    }
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True

    outcomes = _race(lambda: greenhouse_send_test(payload=payload))

    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    assert AtsCallback.objects.count() == 1
    assert Candidate.objects.filter(email="lucia.race@example.org").count() == 1
    assert Application.objects.filter(job=job).count() == 1
    assert Invitation.objects.filter(application__job=job).count() == 1
