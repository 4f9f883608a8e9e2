"""Greenhouse's whole round trip: it lists the tests and sends one, the candidate
answers in Chromium from the emailed link, a real worker scores, Criba PATCHes the
URL Greenhouse gave, and test_status reports the result.

A local stand-in plays Greenhouse's callback endpoint; everything of Criba's is
real (PostgreSQL, Redis, a worker process, the browser).
"""

import base64
import re

import pytest
from django.core import mail
from django.test import Client

from hiring.services import api_key_create
from tests.e2e.taking import answer_rest_and_submit, start
from tests.factories import plan_from_defaults
from tests.integration.conftest import careful_answers, celery_broker

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

WORKER_ENV = {"CRIBA_WEBHOOK_ALLOW_PRIVATE": "true"}


@pytest.fixture
def greenhouse(receiver):
    """Greenhouse's side of the callback: a local receiver."""
    return receiver


def test_it_runs_the_greenhouse_round_trip(
    start_worker,
    worker_redis,
    transactional_db,
    site,
    new_context,
    instrument_version,
    job,
    greenhouse,
):
    plan_from_defaults(job, instrument_version)
    _key, secret = api_key_create(
        name="Greenhouse",
        scopes=["jobs:read", "applications:write", "invitations:write", "results:read"],
    )
    auth = {
        "HTTP_AUTHORIZATION": "Basic "
        + base64.b64encode(f"{secret}:".encode()).decode()
    }
    worker = start_worker(env=WORKER_ENV)
    greenhouse_client = Client()

    (test,) = greenhouse_client.get(
        "/integrations/greenhouse/list_tests", **auth
    ).json()
    sent = greenhouse_client.post(
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": test["partner_test_id"],
            "candidate": {
                "first_name": "Marta",
                "last_name": "Quispe",
                "email": "marta@example.org",
            },
            "url": greenhouse.url,
        },
        content_type="application/json",
        **auth,
    )
    reference = sent.json()["partner_interview_id"]
    link = re.search(r"https?://\S+/take/\S+/", mail.outbox[0].body).group(0)

    taker = new_context().new_page()
    start(taker, link)
    worker.wait_ready()
    with celery_broker(worker_redis):
        answer_rest_and_submit(taker, careful_answers(instrument_version.definition))

    (patch,) = greenhouse.wait_for(1, timeout=90)
    assert patch.body == b""
    status = greenhouse_client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": reference},
        **auth,
    ).json()
    assert status["partner_status"] == "complete"
    assert isinstance(status["partner_score"], float)
    assert re.search(r"/applications/\d+/$", status["partner_profile_url"])
    assert "Band" in status["metadata"]
    assert worker.process.poll() is None
