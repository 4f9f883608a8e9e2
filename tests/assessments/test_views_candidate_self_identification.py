"""The optional questions about the candidate on the thank-you page."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.tokens import invitation_token
from hiring.models import AuditEvent, SelfIdentification
from tests.factories import ApplicationFactory

DONE = reverse("take:done")
ANSWER = reverse("take:self_identify")


@pytest.fixture
def submitted(client, taking, scoring_calls):
    client.post(reverse("take:submit"))
    return taking


def _rows():
    return list(SelfIdentification.objects.values("candidate_id", "gender", "age_band"))


def test_it_offers_the_questions_after_submitting(client, submitted):
    page = client.get(DONE).content.decode()

    assert "Optional: a few questions about you" in page
    assert "treats every group of people fairly" in page
    assert "never seen by anyone who decides" in page
    assert "never enter any score" in page
    assert page.count("I prefer not to say") == 2
    assert 'name="gender"' in page
    assert 'name="age_band"' in page
    assert 'name="ethnicity"' not in page
    assert "Skip these questions" in page
    assert 'action="/take/session/about-you/"' in page


def test_it_asks_about_ethnicity_where_it_is_allowed(client, submitted, settings):
    settings.CRIBA_SELF_ID_ETHNICITY = True

    page = client.get(DONE).content.decode()

    assert 'name="ethnicity"' in page
    assert page.count("I prefer not to say") == 3


def test_it_asks_in_spanish(
    client, application, alice, instrument_version, scoring_calls
):
    invitation = services.invitation_create(
        application=application,
        user=alice,
        instrument_version=instrument_version,
        language="es",
    )
    client.post(
        reverse("take:landing", args=[invitation_token(invitation)]),
        {"language": "es", "consent": "on"},
    )
    client.post(reverse("take:submit"))

    response = client.get(DONE)

    assert response["Content-Language"] == "es"


def test_it_saves_the_answers_of_the_session_candidate(client, submitted):
    response = client.post(
        ANSWER, {"gender": "woman", "age_band": "prefer_not", "action": "save"}
    )

    assert response.status_code == 302
    assert response["Location"] == DONE
    assert _rows() == [
        {
            "candidate_id": submitted.application.candidate_id,
            "gender": "woman",
            "age_band": "prefer_not",
        }
    ]
    page = client.get(DONE).content.decode()
    assert "your answers about yourself were saved" in page
    assert 'name="gender"' not in page


def test_it_audits_that_the_candidate_answered_but_not_what(client, submitted):
    client.post(ANSWER, {"gender": "non_binary", "age_band": "55_plus"})

    event = AuditEvent.objects.get(action="self_identification.recorded")
    assert event.actor is None
    assert event.data == {"change": "created"}
    assert "non_binary" not in str(event.data)
    assert "55_plus" not in str(event.data)


def test_it_lets_every_question_be_left_unanswered(client, submitted):
    response = client.post(ANSWER, {"gender": "man", "action": "save"})

    assert response.status_code == 302
    row = SelfIdentification.objects.get()
    assert (row.gender, row.age_band, row.ethnicity) == ("man", "", "")


def test_it_keeps_nothing_when_skipped(client, submitted):
    response = client.post(ANSWER, {"gender": "man", "action": "skip"})

    assert response["Location"] == DONE
    assert SelfIdentification.objects.count() == 0
    page = client.get(DONE).content.decode()
    assert "You skipped the optional questions" in page
    assert 'name="gender"' not in page


def test_it_stores_one_row_on_a_double_submit(client, submitted):
    first = client.post(ANSWER, {"gender": "woman", "age_band": "25_34"})
    second = client.post(ANSWER, {"gender": "woman", "age_band": "35_44"})

    assert first.status_code == second.status_code == 302
    row = SelfIdentification.objects.get()
    assert row.age_band == "35_44"
    changes = list(
        AuditEvent.objects.filter(action="self_identification.recorded")
        .order_by("id")
        .values_list("data__change", flat=True)
    )
    assert changes == ["created", "updated"]


@pytest.mark.parametrize(
    ("data", "field", "label"),
    [
        ({"gender": "robot"}, "gender", "What is your gender?"),
        ({"gender": "man", "age_band": "ancient"}, "age_band", "What is your age?"),
    ],
)
def test_it_refuses_an_answer_it_does_not_offer(client, submitted, data, field, label):
    response = client.post(ANSWER, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="self-id-{field}-error"' in page
    assert label in page.split('id="self-id-errors"')[1].split("</div>")[0]
    assert SelfIdentification.objects.count() == 0


def test_it_ignores_ethnicity_where_it_is_not_asked(client, submitted):
    client.post(ANSWER, {"gender": "man", "ethnicity": "asian"})

    assert SelfIdentification.objects.get().ethnicity == ""


def test_it_is_not_offered_before_the_questionnaire_is_submitted(client, taking):
    response = client.post(ANSWER, {"gender": "woman"})

    assert response.status_code == 302
    assert response["Location"] == reverse("take:resume")
    assert SelfIdentification.objects.count() == 0


def test_it_needs_the_candidate_session(client, db):
    response = client.post(ANSWER, {"gender": "woman"})

    assert response.status_code == 403
    assert SelfIdentification.objects.count() == 0


def test_another_candidates_session_writes_only_its_own(
    submitted, alice, instrument_version, scoring_calls
):
    other_application = ApplicationFactory(job=submitted.application.job)
    invitation = services.invitation_create(
        application=other_application, user=alice, instrument_version=instrument_version
    )
    other = Client()
    other.post(
        reverse("take:landing", args=[invitation_token(invitation)]),
        {"language": "en", "consent": "on"},
    )
    other.post(reverse("take:submit"))

    # Whatever it posts, the other session's answers are the other candidate's.
    other.post(
        ANSWER,
        {
            "gender": "man",
            "candidate": submitted.application.candidate_id,
            "candidate_id": submitted.application.candidate_id,
        },
    )

    assert _rows() == [
        {
            "candidate_id": other_application.candidate_id,
            "gender": "man",
            "age_band": "",
        }
    ]


def test_it_refuses_a_post_without_the_csrf_token(client, submitted):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    response = strict.post(ANSWER, {"gender": "woman"})

    assert response.status_code == 403
    # Refused for the missing token, not for a missing session.
    assert "Your session has ended" not in response.content.decode()
    assert SelfIdentification.objects.count() == 0


def test_it_keeps_nothing_for_a_candidate_erased_meanwhile(client, submitted):
    from assessments.privacy.erasure import candidate_erase

    candidate_erase(
        candidate=submitted.application.candidate,
        actor=None,
        force_reason="asked by the candidate",
    )

    assert 'name="gender"' not in client.get(DONE).content.decode()
    response = client.post(ANSWER, {"gender": "woman"})
    assert response.status_code == 409
    assert SelfIdentification.objects.count() == 0


def _self_id_section(page: str) -> str:
    return page.split('id="self-id"')[1].split("</section>")[0]


def _later_session(application, alice, instrument_version) -> Client:
    """A new link of the same candidate, opened in another browser (by the
    candidate, or by whoever else holds the link) and submitted."""
    invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    later = Client()
    later.post(
        reverse("take:landing", args=[invitation_token(invitation)]),
        {"language": "en", "consent": "on"},
    )
    later.post(reverse("take:submit"))
    return later


def test_a_later_session_of_the_candidate_sees_no_stored_answer(
    client, submitted, alice, instrument_version, settings
):
    settings.CRIBA_SELF_ID_ETHNICITY = True
    client.post(
        ANSWER,
        {"gender": "non_binary", "age_band": "55_plus", "ethnicity": "asian"},
    )
    assert SelfIdentification.objects.count() == 1

    later = _later_session(submitted.application, alice, instrument_version)
    response = later.get(DONE)

    page = response.content.decode()
    assert response.status_code == 200
    form = _self_id_section(page)
    assert 'name="gender"' in form
    assert "checked" not in form
    for value in ("non_binary", "55_plus", "asian"):
        assert f'value="{value}" checked' not in form
    # Nor said in any other way.
    assert "were saved" not in page


def test_a_later_session_of_the_candidate_can_still_replace_the_answers(
    client, submitted, alice, instrument_version
):
    client.post(ANSWER, {"gender": "woman", "age_band": "25_34"})
    later = _later_session(submitted.application, alice, instrument_version)

    response = later.post(ANSWER, {"gender": "man", "age_band": "35_44"})

    assert response.status_code == 302
    assert _rows() == [
        {
            "candidate_id": submitted.application.candidate_id,
            "gender": "man",
            "age_band": "35_44",
        }
    ]
    page = later.get(DONE).content.decode()
    section = _self_id_section(page)
    assert "your answers about yourself were saved" in section
    # The confirmation echoes nothing of what was answered.
    assert "Man" not in section
    assert "35 to 44" not in section
    assert 'name="gender"' not in page


def test_the_saving_session_is_thanked_without_its_answers(client, submitted):
    client.post(ANSWER, {"gender": "non_binary", "age_band": "55_plus"})

    section = _self_id_section(client.get(DONE).content.decode())

    assert "were saved" in section
    assert "Non-binary" not in section
    assert "55 or older" not in section
