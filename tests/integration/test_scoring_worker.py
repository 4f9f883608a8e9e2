"""A submission is scored exactly once by a real worker, across crashes and outages.

Each test runs a ``celery worker`` process against Redis and the PostgreSQL test
database; see conftest.py for the machinery.
"""

import time

import pytest

from assessments.models import Invitation, QuestionnaireResult
from assessments.services import submission_submit, submissions_sweep
from assessments.tokens import invitation_token
from tests.integration.conftest import (
    VISIBILITY_TIMEOUT,
    careful_answers,
    celery_broker,
    is_scored,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCORING_TIMEOUT = 90


def _results(invitation: Invitation) -> int:
    return QuestionnaireResult.objects.filter(invitation=invitation).count()


def test_it_scores_a_submission_exactly_once(
    answered_invitation, broker_for_tests, start_worker
):
    worker = start_worker().wait_ready()

    assert submission_submit(invitation=answered_invitation) is True

    wait_until(
        is_scored(answered_invitation.pk),
        timeout=SCORING_TIMEOUT,
        what="the invitation to be scored",
        log=worker.log,
    )
    assert _results(answered_invitation) == 1


def test_it_scores_once_after_the_worker_is_killed_while_scoring(
    answered_invitation, broker_for_tests, start_worker, tmp_path
):
    marker = tmp_path / "scoring-started"
    slow = start_worker(
        app="tests.integration.slow_worker",
        env={
            "CRIBA_TEST_SCORING_MARKER": str(marker),
            "CRIBA_TEST_SCORING_SLEEP": "120",
        },
    ).wait_ready()

    submission_submit(invitation=answered_invitation)
    wait_until(
        marker.exists, timeout=60, what="the worker to take the task", log=slow.log
    )
    taken_at = time.monotonic()
    slow.kill()

    answered_invitation.refresh_from_db()
    assert answered_invitation.status == Invitation.Status.SUBMITTED
    assert _results(answered_invitation) == 0
    # The message is still unacknowledged in Redis (acks_late); once the
    # visibility timeout has passed, the next worker to start takes it again.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - taken_at)))
    worker = start_worker().wait_ready()

    wait_until(
        is_scored(answered_invitation.pk),
        timeout=SCORING_TIMEOUT,
        what="the redelivered task to score the invitation",
        log=worker.log,
    )
    assert _results(answered_invitation) == 1


def _take_through_the_pages(client, token: str, definition: dict) -> None:
    """Start with consent and answer every page as a browser would."""
    response = client.post(
        f"/take/{token}/", {"language": "en", "consent": "on"}, follow=True
    )
    assert response.status_code == 200, response.content[:500]
    answers = careful_answers(definition)
    while "/session/page/" in response.request["PATH_INFO"]:
        keys = [item["key"] for item in response.context["items"]]
        response = client.post(
            response.request["PATH_INFO"],
            {"action": "next", **{f"item-{key}": answers[key] for key in keys}},
            follow=True,
        )
        assert response.status_code == 200, response.content[:500]
    assert response.request["PATH_INFO"].endswith("/session/submit/")


def test_it_scores_once_a_submission_made_while_the_broker_was_down(
    client,
    settings,
    caplog,
    instrument_version,
    application,
    alice,
    own_redis,
    start_worker,
):
    from assessments.services import invitation_create

    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # No collectstatic here: unhashed static names instead of the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }

    _invitation = invitation_create(application=application, user=alice, send=False)

    token = invitation_token(_invitation)
    own_redis.start()
    with celery_broker(own_redis.url):
        own_redis.stop()
        _take_through_the_pages(client, token, instrument_version.definition)

        # The candidate still sees the confirmation: nothing is lost on their side.
        response = client.post("/take/session/submit/", follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith("/take/session/done/")

        invitation = Invitation.objects.get(application=application)
        assert invitation.status == Invitation.Status.SUBMITTED
        assert "Could not enqueue scoring" in caplog.text

        own_redis.start()
        assert submissions_sweep(older_than=0) == 1
        worker = start_worker(env={"REDIS_URL": own_redis.url}).wait_ready()

        wait_until(
            is_scored(invitation.pk),
            timeout=SCORING_TIMEOUT,
            what="the swept submission to be scored",
            log=worker.log,
        )
    assert _results(invitation) == 1
