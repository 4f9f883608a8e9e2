"""self_identification_record: one row per candidate, checked, audited blind."""

import threading

import pytest
from django.contrib import admin
from django.db import close_old_connections, connection

from hiring.errors import Conflict, Invalid
from hiring.models import AuditEvent, SelfIdentification
from hiring.self_identification import (
    self_identification_questions,
    self_identification_record,
    self_identification_seed,
)
from tests.conftest import service_missing
from tests.factories import CandidateFactory


@pytest.fixture
def candidate(db):
    return CandidateFactory()


def test_it_stores_the_answers(candidate):
    row = self_identification_record(
        candidate=candidate, gender="another", age_band="under_25"
    )

    assert (row.candidate, row.gender, row.age_band) == (
        candidate,
        "another",
        "under_25",
    )


def test_it_updates_on_a_second_answer(candidate):
    self_identification_record(candidate=candidate, gender="woman")
    self_identification_record(candidate=candidate, gender="prefer_not")

    assert SelfIdentification.objects.get().gender == "prefer_not"


def test_it_withdraws_the_answers_when_all_are_left_empty(candidate):
    self_identification_record(candidate=candidate, gender="woman")

    assert self_identification_record(candidate=candidate) is None

    assert SelfIdentification.objects.count() == 0
    changes = AuditEvent.objects.filter(
        action=AuditEvent.Action.SELF_IDENTIFICATION_RECORDED
    ).values_list("data__change", flat=True)
    assert sorted(changes) == ["created", "withdrawn"]


def test_it_names_each_answer_it_refuses(candidate):
    with pytest.raises(Invalid) as caught:
        self_identification_record(candidate=candidate, gender="x", age_band="y")

    assert set(caught.value.fields) == {"gender", "age_band"}
    assert SelfIdentification.objects.count() == 0


def test_it_refuses_ethnicity_where_it_is_not_asked(candidate, settings):
    settings.CRIBA_SELF_ID_ETHNICITY = False
    assert "ethnicity" not in self_identification_questions()

    with pytest.raises(Invalid) as caught:
        self_identification_record(candidate=candidate, ethnicity="white")

    assert set(caught.value.fields) == {"ethnicity"}


def test_it_stores_ethnicity_where_it_is_asked(candidate, settings):
    settings.CRIBA_SELF_ID_ETHNICITY = True

    row = self_identification_record(candidate=candidate, ethnicity="two_or_more")

    assert row.ethnicity == "two_or_more"


def test_it_refuses_an_erased_candidate(candidate):
    from assessments.privacy.erasure import candidate_erase

    candidate_erase(candidate=candidate, actor=None)

    with pytest.raises(Conflict):
        self_identification_record(candidate=candidate, gender="man")


def test_it_seeds_demo_candidates_through_the_same_service(db):
    first, second, third = CandidateFactory(), CandidateFactory(), CandidateFactory()

    stored = self_identification_seed(
        answers={
            first.pk: {"gender": "woman", "age_band": "25_34"},
            second.pk: {"gender": "man"},
            third.pk: {},
        }
    )

    assert stored == 2
    assert SelfIdentification.objects.count() == 2


def test_it_has_no_admin_page():
    assert not admin.site.is_registered(SelfIdentification)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_row_when_two_submits_race():
    if connection.vendor != "postgresql":
        service_missing("concurrent inserts need PostgreSQL")
    candidate = CandidateFactory()
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(i, gender):
        try:
            barrier.wait()
            outcomes[i] = self_identification_record(candidate=candidate, gender=gender)
        except Exception as error:  # the outcome is what the test inspects
            outcomes[i] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(0, "woman")),
        threading.Thread(target=run, args=(1, "prefer_not")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(o, SelfIdentification) for o in outcomes), outcomes
    assert SelfIdentification.objects.filter(candidate=candidate).count() == 1
