"""The periodic and the rescoring tasks."""

from django.conf import settings

from assessments import tasks
from assessments.models import NormSet, QuestionnaireResult, ScaleReliability
from assessments.results.store import results_compute_and_store
from config.celery import app
from tests.factories import submissions_create


def _local_norms(version):
    provisional = NormSet.objects.get(version=version)
    return NormSet.objects.create(
        version=version, source="local", scales=provisional.scales, n=150
    )


def test_the_rescore_task_does_one_batch_and_enqueues_the_next(
    instrument_version, monkeypatch
):
    ids = submissions_create(instrument_version, 7)
    results_compute_and_store(invitation_ids=ids)
    _local_norms(instrument_version)
    queued = []
    monkeypatch.setattr(
        tasks.rescore_task, "delay", lambda *a, **kw: queued.append((a, kw))
    )

    assert tasks.rescore_task(instrument_version.pk, batch_size=3) == 3
    assert queued == [((instrument_version.pk,), {"after_id": ids[2], "batch_size": 3})]

    while queued:
        args, kwargs = queued.pop()
        tasks.rescore_task(*args, **kwargs)

    assert QuestionnaireResult.objects.filter(is_current=True).count() == 7
    assert QuestionnaireResult.objects.count() == 14


def test_the_rescore_task_is_safe_to_redeliver(instrument_version, monkeypatch):
    results_compute_and_store(invitation_ids=submissions_create(instrument_version, 4))
    _local_norms(instrument_version)
    monkeypatch.setattr(tasks.rescore_task, "delay", lambda *a, **kw: None)

    assert tasks.rescore_task(instrument_version.pk) == 4
    assert tasks.rescore_task(instrument_version.pk) == 0
    assert QuestionnaireResult.objects.count() == 8


def test_the_periodic_tasks_recompute_norms_and_reliability(instrument_version):
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 130, seed=2)
    )

    assert tasks.norms_recompute_task() == 2
    assert tasks.reliabilities_recompute_task() == 5
    assert ScaleReliability.objects.filter(alpha__isnull=False).count() == 5


def test_beat_runs_them_hourly_and_daily():
    app.finalize()
    schedule = app.conf.beat_schedule

    assert schedule["recompute-reliabilities"]["task"] == (
        "assessments.tasks.reliabilities_recompute_task"
    )
    assert schedule["recompute-reliabilities"]["schedule"] == 3600.0
    assert (
        schedule["recompute-norms"]["task"] == "assessments.tasks.norms_recompute_task"
    )
    assert schedule["recompute-norms"]["schedule"] == 86400.0
    assert settings.CELERY_TASK_SERIALIZER == "json"
