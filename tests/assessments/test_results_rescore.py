"""Rescoring a version: new rows for new norms or scoring versions, the newest one
current, earlier ones kept; idempotent and resumable."""

import pytest

from assessments.models import Invitation, NormSet, QuestionnaireResult
from assessments.results.rescore import (
    results_rescore,
    results_rescore_batch,
    results_rescore_pending,
)
from assessments.results.store import results_compute_and_store
from assessments.scoring import SCORING_VERSION
from tests.factories import submissions_create


def _local_norms(version, language=""):
    provisional = NormSet.objects.get(version=version, source="provisional")
    return NormSet.objects.create(
        version=version,
        source=NormSet.Source.LOCAL,
        language=language,
        scales={
            key: {"mean": f["mean"] + 0.1, "sd": f["sd"], "n": 150}
            for key, f in provisional.scales.items()
        },
        n=150,
    )


@pytest.fixture
def scored(instrument_version):
    ids = submissions_create(instrument_version, 30, seed=5)
    results_compute_and_store(invitation_ids=ids)
    return ids


def test_it_rescores_onto_new_norms_and_keeps_the_earlier_results(
    instrument_version, scored
):
    old = set(QuestionnaireResult.objects.values_list("pk", flat=True))
    norms = _local_norms(instrument_version)

    outcome = results_rescore(version=instrument_version, batch_size=7)

    assert outcome.scored == 30
    assert outcome.batches == 5
    assert QuestionnaireResult.objects.count() == 60
    current = QuestionnaireResult.objects.filter(is_current=True)
    assert current.count() == 30
    assert set(current.values_list("norm_set", flat=True)) == {norms.pk}
    earlier = QuestionnaireResult.objects.filter(pk__in=old)
    assert not earlier.filter(is_current=True).exists()
    assert set(earlier.values_list("norm_set__source", flat=True)) == {"provisional"}


def test_it_writes_nothing_when_run_twice(instrument_version, scored):
    _local_norms(instrument_version)
    results_rescore(version=instrument_version)

    again = results_rescore(version=instrument_version)

    assert again.scored == 0
    assert QuestionnaireResult.objects.count() == 60
    assert results_rescore_pending(version=instrument_version) == 0


def test_it_writes_nothing_when_nothing_changed(instrument_version, scored):
    assert results_rescore(version=instrument_version).scored == 0
    assert QuestionnaireResult.objects.count() == 30


def test_it_resumes_where_an_interrupted_run_stopped(instrument_version, scored):
    _local_norms(instrument_version)
    first = results_rescore_batch(version=instrument_version, batch_size=12)
    assert first.scored == 12
    assert first.last_id == scored[11]
    assert results_rescore_pending(version=instrument_version) == 18

    # Restarted from scratch: what is done is skipped.
    rest = results_rescore(version=instrument_version, batch_size=12)

    assert rest.scored == 18
    assert QuestionnaireResult.objects.filter(is_current=True).count() == 30
    assert QuestionnaireResult.objects.count() == 60


def test_it_reports_progress_per_batch(instrument_version, scored):
    _local_norms(instrument_version)
    seen = []

    results_rescore(version=instrument_version, batch_size=8, progress=seen.append)

    assert seen == [8, 8, 8, 6]


def test_it_brings_results_of_an_earlier_scoring_version_up_to_date(
    instrument_version, scored
):
    # As if scored before the validity rule of scoring version 2.
    QuestionnaireResult.objects.update(scoring_version="1.0.0")
    assert results_rescore_pending(version=instrument_version) == 30

    assert results_rescore(version=instrument_version).scored == 30

    versions = QuestionnaireResult.objects.values_list("scoring_version", "is_current")
    assert sorted(set(versions)) == [("1.0.0", False), (SCORING_VERSION, True)]
    assert results_rescore_pending(version=instrument_version) == 0


def test_it_uses_the_norms_of_each_language(instrument_version):
    english = submissions_create(instrument_version, 4, language="en")
    spanish = submissions_create(instrument_version, 3, language="es", seed=2)
    en_norms = _local_norms(instrument_version, "en")

    results_rescore(version=instrument_version)

    current = dict(
        QuestionnaireResult.objects.filter(is_current=True).values_list(
            "invitation_id", "norm_set__source"
        )
    )
    assert {current[pk] for pk in english} == {"local"}
    assert {current[pk] for pk in spanish} == {"provisional"}
    assert QuestionnaireResult.objects.filter(norm_set=en_norms).count() == 4


def test_it_leaves_unfinished_invitations_alone(instrument_version):
    submissions_create(instrument_version, 3)
    submissions_create(instrument_version, 2, status=Invitation.Status.IN_PROGRESS)

    assert results_rescore(version=instrument_version).scored == 3
    assert QuestionnaireResult.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_writes_on_a_second_connection_outside_a_transaction(instrument_version):
    # On PostgreSQL a batch is written while the next is scored; elsewhere serially.
    ids = submissions_create(instrument_version, 25)

    outcome = results_rescore(version=instrument_version, batch_size=6)

    assert outcome.scored == 25
    assert QuestionnaireResult.objects.filter(invitation_id__in=ids).count() == 25
    assert set(Invitation.objects.values_list("status", flat=True)) == {"scored"}
