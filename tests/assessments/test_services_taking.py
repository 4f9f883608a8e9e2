"""Taking a questionnaire: start, pages, saving answers, the deadline, submit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.definitions import all_item_keys
from assessments.models import Invitation, PageTiming, Response
from hiring.errors import DomainError
from hiring.models import OutboxEvent
from hiring.problems import problem_status


@pytest.fixture
def invitation(application, alice, instrument_version):
    invitation = services.invitation_create(
        application=application,
        user=alice,
        instrument_version=instrument_version,
        extra_time_percent=20,
    )
    return invitation


@pytest.fixture
def started(invitation):
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    return invitation


def test_it_needs_consent_to_start(invitation):
    with pytest.raises(DomainError) as error:
        services.taking_start(invitation=invitation, language="en", consent=False)
    assert error.value.code == "no_consent"
    invitation.refresh_from_db()
    assert invitation.started_at is None
    assert invitation.session_nonce == ""


def test_it_refuses_a_language_the_questionnaire_lacks(invitation):
    with pytest.raises(DomainError):
        services.taking_start(invitation=invitation, language="fr", consent=True)


def test_it_sets_the_deadline_with_the_extra_time(invitation):
    now = timezone.now()
    services.taking_start(invitation=invitation, language="es", consent=True, now=now)
    invitation.refresh_from_db()
    # 25 minutes plus 20 %.
    assert invitation.deadline_at == now + timedelta(minutes=30)
    assert invitation.status == Invitation.Status.IN_PROGRESS
    assert invitation.language == "es"
    assert invitation.consented_at == now
    assert invitation.seconds_left(now=now) == 30 * 60


def test_it_never_restarts_the_clock_but_rotates_the_nonce(invitation):
    now = timezone.now()
    first = services.taking_start(
        invitation=invitation, language="en", consent=True, now=now
    )
    second = services.taking_start(
        invitation=invitation,
        language="en",
        consent=True,
        now=now + timedelta(minutes=10),
    )
    invitation.refresh_from_db()
    assert first != second
    assert invitation.session_nonce == second
    assert invitation.started_at == now
    assert invitation.deadline_at == now + timedelta(minutes=30)


def test_it_splits_every_item_into_stable_pages(started, instrument_version):
    pages = services.taking_pages(started)
    keys = [key for page in pages for key in page]
    assert sorted(keys) == sorted(all_item_keys(instrument_version.definition))
    assert all(len(page) <= instrument_version.items_per_page for page in pages)
    assert services.taking_pages(Invitation.objects.get(pk=started.pk)) == pages


def test_it_saves_a_page_and_lets_the_last_answer_win(started):
    page = services.taking_pages(started)[0]
    saved = services.answers_save(
        invitation=started, page=0, answers={page[0]: 4, page[1]: "2", page[2]: ""}
    )
    assert saved == 2
    services.answers_save(invitation=started, page=0, answers={page[0]: 1})
    values = dict(Response.objects.values_list("item_key", "value"))
    assert values == {page[0]: 1, page[1]: 2}


@pytest.mark.parametrize(
    ("answer", "code"),
    [(9, "out_of_range"), (0, "out_of_range"), ("abc", "bad_answer"),
     ("3.5", "bad_answer"), (3.0, "bad_answer"), (True, "bad_answer"),
     ([3], "bad_answer"), (" 3 ", "bad_answer"), ("\u0663", "bad_answer"),
     ("+3", "bad_answer"), ("03", "bad_answer"), ("3\n", "bad_answer"),
     ("1_0", "bad_answer"), ("\uff13", "bad_answer"), ("9", "out_of_range")],
)  # fmt: skip
def test_it_saves_nothing_of_a_page_with_a_bad_answer(started, answer, code):
    page = services.taking_pages(started)[0]
    with pytest.raises(DomainError) as error:
        services.answers_save(
            invitation=started, page=0, answers={page[0]: 3, page[1]: answer}
        )
    assert error.value.code == code
    assert problem_status(error.value) == 400
    # Named as the candidate sees it (the second question), not by its key.
    assert "The answer to question 2 must be" in error.value.message
    assert page[1] not in error.value.message
    assert not Response.objects.exists()


def test_it_names_a_bad_answer_by_its_number_on_a_later_page(started):
    pages = services.taking_pages(started)
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=started, page=1, answers={pages[1][0]: 7})
    assert error.value.message == (
        f"The answer to question {len(pages[0]) + 1} must be between 1 and 5."
    )


def test_it_takes_an_answer_as_the_page_sends_it(started):
    page = services.taking_pages(started)[0]
    services.answers_save(invitation=started, page=0, answers={page[0]: "3"})
    services.answers_save(invitation=started, page=0, answers={page[1]: 4})
    values = dict(Response.objects.values_list("item_key", "value"))
    assert values == {page[0]: 3, page[1]: 4}


def test_it_shortens_an_unknown_items_long_key(started):
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=started, page=0, answers={"k" * 5000: 3})
    assert error.value.code == "unknown_item"
    assert error.value.message == f"Unknown item {'k' * 39}… on this page."


def test_it_saves_nothing_of_a_page_with_an_unknown_item(started):
    pages = services.taking_pages(started)
    answers = {pages[0][0]: 3, pages[1][0]: 3}
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=started, page=0, answers=answers)
    assert error.value.code == "unknown_item"
    assert pages[1][0] in error.value.message
    assert not Response.objects.exists()


def test_it_refuses_a_page_that_does_not_exist(started):
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=started, page=99, answers={})
    assert error.value.code == "bad_page"


def test_it_refuses_answers_before_the_start(invitation):
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=invitation, page=0, answers={})
    assert problem_status(error.value) == 409


def test_it_accepts_a_save_within_the_grace_after_the_deadline(started):
    key = services.taking_pages(started)[0][0]
    now = started.deadline_at + timedelta(seconds=Invitation.DEADLINE_GRACE_SECONDS)
    assert services.answers_save(invitation=started, page=0, answers={key: 3}, now=now)


def test_it_refuses_a_save_after_the_deadline_and_grace(started):
    key = services.taking_pages(started)[0][0]
    now = started.deadline_at + timedelta(seconds=Invitation.DEADLINE_GRACE_SECONDS + 1)
    with pytest.raises(DomainError) as error:
        services.answers_save(invitation=started, page=0, answers={key: 3}, now=now)
    assert (error.value.code, problem_status(error.value)) == ("time_up", 409)
    assert not Response.objects.exists()


def test_it_times_the_page_from_first_shown_to_last_save(started):
    key = services.taking_pages(started)[0][0]
    shown = timezone.now()
    services.page_shown(invitation=started, page=0, now=shown)
    services.page_shown(invitation=started, page=0, now=shown + timedelta(seconds=5))
    services.answers_save(
        invitation=started, page=0, answers={key: 3}, now=shown + timedelta(seconds=20)
    )
    timing = PageTiming.objects.get(invitation=started, page=0)
    assert timing.first_shown_at == shown
    assert timing.seconds == pytest.approx(20)


def test_it_submits_once_and_enqueues_scoring_after_commit(
    started, scoring_calls, django_capture_on_commit_callbacks
):
    nonce = started.session_nonce
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submission_submit(invitation=started) is True
        assert scoring_calls == []
    assert scoring_calls == [started.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submission_submit(invitation=started) is False
    assert scoring_calls == [started.pk]
    started.refresh_from_db()
    assert started.status == Invitation.Status.SUBMITTED
    # Kept: it names the session that took it (asked the optional questions).
    assert started.session_nonce == nonce != ""
    assert started.timed_out is False
    assert OutboxEvent.objects.filter(type="assessment.submitted").count() == 1


def test_it_enqueues_nothing_before_commit(
    started, scoring_calls, relay_wakes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submission_submit(invitation=started)
    assert scoring_calls == []
    assert relay_wakes == []
    # After commit: the webhook relay is woken and scoring is enqueued.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert scoring_calls == [started.pk]
    assert relay_wakes == [True]


def test_it_closes_an_attempt_whose_time_ran_out(
    started, scoring_calls, django_capture_on_commit_callbacks
):
    before = started.deadline_at - timedelta(seconds=1)
    assert not services.submission_close_if_timed_out(invitation=started, now=before)
    after = started.deadline_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submission_close_if_timed_out(invitation=started, now=after)
    started.refresh_from_db()
    assert started.status == Invitation.Status.SUBMITTED
    assert started.timed_out is True
    assert scoring_calls == [started.pk]


def test_it_leaves_an_attempt_without_time_limit_open(started):
    Invitation.objects.filter(pk=started.pk).update(deadline_at=None)
    started.refresh_from_db()
    later = timezone.now() + timedelta(days=30)
    assert not services.submission_close_if_timed_out(invitation=started, now=later)
