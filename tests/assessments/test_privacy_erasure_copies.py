"""Erasure also reaches the copies of a candidate's data kept for other purposes:
the stored first answer of an API call, replayed on a retry, the reason an
invitation email could not be delivered, and the API's cached renderings of
their results."""

import json
from smtplib import SMTPRecipientsRefused

import pytest
from django.core.cache import cache
from django.test import override_settings

from assessments import selectors
from assessments.api import rendering
from assessments.privacy.erasure import ERASED, candidate_erase
from assessments.services import invitation_create, invitation_email_send
from hiring.models import Application, Candidate, IdempotencyRecord, Stage
from tests.api.conftest import scored_results
from tests.factories import ApplicationFactory, CandidateFactory

FIRST_NAME = "Ottoline"
LAST_NAME = "Vandergrift-Ames"
EMAIL = "ov.retried@example.net"
PHONE = "+34 611 222 909"


@pytest.fixture
def created_by_api(api_client):
    client = api_client()
    body = {
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "email": EMAIL,
        "phone": PHONE,
    }
    response = client.post(
        "/api/v1/candidates/", body, format="json", HTTP_IDEMPOTENCY_KEY="create-ov-1"
    )
    assert response.status_code == 201, response.content
    return client, body, Candidate.objects.get(pk=response.json()["id"])


def test_it_erases_the_stored_first_answer_of_an_api_call(created_by_api, alice):
    client, body, candidate = created_by_api
    stored = IdempotencyRecord.objects.get(key="create-ov-1")
    assert EMAIL in json.dumps(stored.response_body)

    candidate_erase(candidate=candidate, actor=alice)

    stored.refresh_from_db()
    text = json.dumps(stored.response_body, ensure_ascii=False).lower()
    for value in (FIRST_NAME, LAST_NAME, EMAIL, PHONE):
        assert value.lower() not in text
    assert stored.response_body["id"] == candidate.pk
    # A retry of the same call is still answered as the first was, without the
    # erased values, and creates no second candidate.
    replay = client.post(
        "/api/v1/candidates/", body, format="json", HTTP_IDEMPOTENCY_KEY="create-ov-1"
    )
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert EMAIL not in replay.content.decode()
    assert replay.json()["email"] == ERASED
    assert Candidate.objects.filter(pk=candidate.pk).count() == 1


class RefusingBackend:
    """An SMTP server that refuses the address, as smtplib reports it."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 mailbox unavailable") for m in messages}
        )


def test_it_erases_the_delivery_error_that_names_the_address(
    job, alice, instrument_version
):
    candidate = Candidate.objects.create(
        first_name=FIRST_NAME, last_name=LAST_NAME, email=EMAIL
    )
    application = Application.objects.create(candidate=candidate, job=job)
    with override_settings(
        MAILERS={"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    ):
        invitation = invitation_create(application=application, user=alice)
        assert not invitation_email_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert EMAIL in invitation.email_error
    Application.objects.filter(pk=application.pk).update(stage=Stage.REJECTED)

    candidate_erase(candidate=candidate, actor=alice)

    invitation.refresh_from_db()
    assert EMAIL not in invitation.email_error
    assert invitation.email_error == ERASED


def test_it_drops_the_cached_renderings_of_the_candidates_results(
    api_client, instrument_version, alice
):
    candidate = CandidateFactory(external_id="ATS-CACHED-5521")
    application = ApplicationFactory(
        candidate=candidate, stage=Stage.REJECTED, external_id="GH-CACHED-7730"
    )
    (result,) = scored_results(instrument_version, 1, application=application)
    rendering.local.clear()
    client = api_client("results:read")
    for language in ("en", "es"):
        page = client.get("/api/v1/results/", HTTP_ACCEPT_LANGUAGE=language)
        assert "ATS-CACHED-5521" in page.content.decode()
    stub = selectors.result_stubs_for_integrations().get(pk=result.pk)
    keys = [rendering._cache_key(stub, language) for language in ("en", "es")]
    assert all(b"ATS-CACHED-5521" in body for body in cache.get_many(keys).values())
    assert len(cache.get_many(keys)) == 2

    candidate_erase(candidate=candidate, actor=alice)

    assert cache.get_many(keys) == {}
    assert not [key for key in rendering.local.entries if key[1] == result.pk]
    page = client.get("/api/v1/results/").content.decode()
    assert "ATS-CACHED-5521" not in page
    assert "GH-CACHED-7730" not in page
