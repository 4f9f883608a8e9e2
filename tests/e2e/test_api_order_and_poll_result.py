"""An applicant tracking system's whole path over HTTP: it creates a job, a
candidate and an application, orders a questionnaire, the candidate answers it in
Chromium from `candidate_url`, a real worker scores it, and the ATS polls
`results/?updated_since=` until the result is there.

Needs PostgreSQL and Redis: the Celery worker is another process, on the test
database and a Redis database of its own (tests/integration/conftest.py).
"""

import json
import time
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from tests.e2e.taking import answer_rest_and_submit, start
from tests.integration.conftest import careful_answers, celery_broker

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SCORING_TIMEOUT = 60


class Ats:
    """A minimal API client, as an integrator would write one."""

    def __init__(self, base: str, key: str):
        self.base = base + "/api/v1"
        self.key = key

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(  # noqa: S310 - the test's own server
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.key}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return json.loads(response.read())


def test_it_orders_a_questionnaire_and_polls_its_result(
    start_worker,
    worker_redis,
    transactional_db,
    site,
    new_context,
    instrument_version,
    api_client,
):
    worker = start_worker()
    ats = Ats(site, api_client().raw_key)
    since = datetime.now(UTC).isoformat().replace("+00:00", "Z")

    job = ats.call("POST", "/jobs/", {"external_id": "j-1", "title": "Closer"})
    candidate = ats.call(
        "POST",
        "/candidates/",
        {
            "external_id": "c-1",
            "first_name": "Lucía",
            "last_name": "Pérez",
            "email": "lucia@example.org",
        },
    )
    application = ats.call(
        "POST",
        "/applications/",
        {"external_id": "a-1", "job": job["id"], "candidate": candidate["id"]},
    )
    invitation = ats.call("POST", "/invitations/", {"application_external_id": "a-1"})
    assert invitation["candidate_url"].startswith(f"{site}/take/")
    assert invitation["expires_at"].endswith("Z")
    assert (
        ats.call("GET", "/results/?" + urlencode({"updated_since": since}))["results"]
        == []
    )

    taker = new_context().new_page()
    start(taker, invitation["candidate_url"])
    worker.wait_ready()
    with celery_broker(worker_redis):
        answer_rest_and_submit(taker, careful_answers(instrument_version.definition))

    deadline = time.monotonic() + SCORING_TIMEOUT
    while True:
        page = ats.call("GET", "/results/?" + urlencode({"updated_since": since}))
        if page["results"]:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"No result after {SCORING_TIMEOUT}s\n{worker.log()}")
        time.sleep(0.5)

    (result,) = page["results"]
    assert result["application"] == application["id"]
    assert result["application_external_id"] == "a-1"
    assert result["invitation"] == invitation["id"]
    assert result["validity"]["status"]
    assert result["scales"]
    assert all(scale["t"] is not None for scale in result["scales"])
    assert result["scoring_version"]
    assert result["norm_set"]["id"]
    scored = ats.call("GET", f"/invitations/{invitation['id']}/")
    assert scored["status"] == "scored"
    assert scored["candidate_url"] is None
