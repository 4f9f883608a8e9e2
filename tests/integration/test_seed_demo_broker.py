"""seed_demo leaves the broker almost empty: it scores and aggregates through the
services the tasks call, and the relay's wakes that every committed event asks
for go out as one, so a worker started after it has nothing stale to work through
before a candidate's submission."""

import ast
import json
from collections import Counter
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from assessments.models import Interview, InterviewResult, Invitation
from assessments.rubric_definitions import rubrics_load
from config.celery import messages_coalesced
from hiring.events import event_record
from hiring.models import OutboxEvent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RELAY = "hiring.tasks.webhooks_send_task"


def _messages(url: str) -> list[dict]:
    """The task messages waiting in the broker's queues."""
    client = redis.Redis.from_url(url)
    try:
        return [
            json.loads(raw)
            for key in client.scan_iter()
            if client.type(key) == b"list"
            for raw in client.lrange(key, 0, -1)
        ]
    finally:
        client.close()


def _queued(url: str) -> Counter:
    """The tasks waiting in the broker's queues, by name."""
    return Counter(message["headers"]["task"] for message in _messages(url))


def _event() -> None:
    with transaction.atomic():
        event_record(type=OutboxEvent.Type.INVITATION_SENT, data={})


def test_it_leaves_one_relay_wake_and_no_scoring_or_aggregation(
    instrument_version, postgres, broker_for_tests
):
    rubrics_load(settings.CRIBA_RUBRICS_DIR)

    call_command("seed_demo", "--force", stdout=StringIO())

    queued = _queued(broker_for_tests)
    # Only the upcoming interview's panel is invited, by email from a worker:
    # the interviews already held were announced before they took place.
    assert queued == {"assessments.tasks.interview_email_task": 2, RELAY: 1}
    emailed = {
        ast.literal_eval(message["headers"]["argsrepr"])[0]
        for message in _messages(broker_for_tests)
        if message["headers"]["task"] == "assessments.tasks.interview_email_task"
    }
    upcoming = Interview.objects.get(application__candidate__first_name="Marcus")
    assert emailed == set(upcoming.panelists.values_list("pk", flat=True))
    assert not Invitation.objects.filter(status=Invitation.Status.SUBMITTED).exists()
    assert Invitation.objects.filter(status=Invitation.Status.SCORED).count() == 210
    with_scorecards = Interview.objects.filter(scorecards__submitted_at__isnull=False)
    assert InterviewResult.objects.filter(
        interview__in=with_scorecards
    ).distinct().count() == (with_scorecards.distinct().count())


def test_it_wakes_the_relay_for_each_event_outside_a_coalescing_block(
    postgres, broker_for_tests
):
    _event()
    _event()
    assert _queued(broker_for_tests) == {RELAY: 2}

    with messages_coalesced():
        _event()
        _event()
        assert _queued(broker_for_tests) == {RELAY: 2}  # held until the end

    assert _queued(broker_for_tests) == {RELAY: 3}


def test_it_sends_nothing_of_the_work_done_in_the_block(postgres, broker_for_tests):
    with messages_coalesced(done_here=(RELAY,)):
        _event()

    assert _queued(broker_for_tests) == {}
