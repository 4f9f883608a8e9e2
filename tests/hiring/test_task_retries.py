"""Retries: a short one counts down on the broker, a long one waits in a row."""

from datetime import timedelta

import pytest
from celery.exceptions import Ignore
from django.db import DatabaseError
from django.utils import timezone

from assessments.tasks import questionnaire_score_task
from hiring.models import TaskRetry
from hiring.services import task_retries_release, task_retry_schedule


@pytest.fixture
def running_task():
    """The scoring task as a worker runs it: retried 5 times so far."""
    questionnaire_score_task.push_request(
        id="task-1",
        args=[42],
        kwargs={},
        retries=5,
        is_eager=False,
        called_directly=False,
    )
    yield questionnaire_score_task
    questionnaire_score_task.pop_request()


@pytest.mark.django_db
def test_it_writes_a_retry_beyond_a_broker_countdown_to_the_database(
    running_task, settings
):
    settings.CRIBA_BROKER_RETRY_MAX_SECONDS = 30
    before = timezone.now()

    with pytest.raises(Ignore):
        running_task.retry(exc=DatabaseError("connection lost"), countdown=600)

    retry = TaskRetry.objects.get()
    assert retry.task == "assessments.tasks.questionnaire_score_task"
    assert retry.args == [42]
    assert retry.kwargs == {}
    assert retry.retries == 6
    assert "connection lost" in retry.error
    assert before + timedelta(seconds=600) <= retry.due_at
    assert retry.due_at <= timezone.now() + timedelta(seconds=600)


@pytest.mark.django_db
def test_it_gives_up_with_the_error_once_the_retries_are_spent(running_task):
    running_task.request.retries = running_task.max_retries

    with pytest.raises(DatabaseError, match="still down"):
        running_task.retry(exc=DatabaseError("still down"), countdown=600)

    assert not TaskRetry.objects.exists()


@pytest.mark.django_db
def test_it_sends_nothing_before_a_retry_is_due():
    task_retry_schedule(
        task="assessments.tasks.questionnaire_score_task",
        args=[42],
        kwargs={},
        retries=6,
        due_at=timezone.now() + timedelta(minutes=10),
    )

    assert task_retries_release() == 0
    assert TaskRetry.objects.count() == 1
