"""manage.py rescore."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import NormSet, QuestionnaireResult
from assessments.results.store import results_compute_and_store
from tests.factories import submissions_create


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rescore", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def scored(instrument_version):
    ids = submissions_create(instrument_version, 12)
    results_compute_and_store(invitation_ids=ids)
    provisional = NormSet.objects.get(version=instrument_version)
    NormSet.objects.create(
        version=instrument_version,
        source=NormSet.Source.LOCAL,
        scales=provisional.scales,
        n=150,
    )
    return ids


def test_it_rescores_the_latest_version_in_batches(scored):
    output = _run("--instrument", "sales-drive", "--batch-size", "5", "--no-progress")

    assert "12 submission(s) to score" in output
    assert "Scored 12 submission(s) in 3 batch(es)" in output
    assert "peak memory" in output
    assert QuestionnaireResult.objects.count() == 24


def test_it_writes_nothing_the_second_time(scored):
    _run("--instrument", "sales-drive", "--no-progress")

    output = _run("--instrument", "sales-drive", "--version", "1")

    assert "0 submission(s) to score" in output
    assert QuestionnaireResult.objects.count() == 24


def test_it_hands_the_work_to_celery_when_asked(scored, monkeypatch):
    from assessments import tasks

    calls = []
    monkeypatch.setattr(
        tasks.rescore_task, "delay", lambda *a, **kw: calls.append((a, kw))
    )

    output = _run("--instrument", "sales-drive", "--enqueue", "--batch-size", "100")

    assert "enqueued" in output
    [(_, kwargs)] = calls
    assert kwargs == {"after_id": 0, "batch_size": 100}
    assert QuestionnaireResult.objects.count() == 12


def test_it_names_an_unknown_instrument_or_version(instrument_version):
    with pytest.raises(CommandError, match="No instrument 'nope'"):
        _run("--instrument", "nope")
    with pytest.raises(CommandError, match="No version 7 of instrument"):
        _run("--instrument", "sales-drive", "--version", "7")
    with pytest.raises(CommandError, match="batch-size"):
        _run("--instrument", "sales-drive", "--batch-size", "0")
