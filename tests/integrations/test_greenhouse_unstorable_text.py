"""Text PostgreSQL cannot store (NUL, or half of a UTF-16 surrogate pair that JSON's
``\\u`` escapes can still name) anywhere in a Greenhouse body is a 400 problem
naming it, with nothing stored, not a server error."""

import base64

import pytest

from hiring.models import AtsErrorReport, Candidate
from hiring.services import api_key_create
from tests.factories import plan_from_defaults

pytestmark = pytest.mark.django_db
EVERY = ["jobs:read", "applications:write", "invitations:write", "results:read"]
UNSTORABLE = {"nul": "\\u0000", "lone-surrogate": "\\ud800", "low-surrogate": "\\udfff"}


@pytest.fixture
def key():
    _key, secret = api_key_create(name="Greenhouse", scopes=EVERY)
    return {
        "HTTP_AUTHORIZATION": "Basic "
        + base64.b64encode(f"{secret}:".encode()).decode()
    }


def _post(client, key, call: str, body: str):
    return client.post(
        f"/integrations/greenhouse/{call}",
        body.encode("ascii"),
        content_type="application/json",
        **key,
    )


def _assert_refused(response) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unstorable_text"


@pytest.mark.parametrize("escape", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize(
    "body",
    [
        '{"partner_interview_id": "a%sb"}',
        '{"errors": ["x", {"deep": "%s"}]}',
        '{"k%s": 1}',
    ],
    ids=["value", "nested", "key"],
)
def test_an_error_report_with_unstorable_text_is_refused(client, key, body, escape):
    _assert_refused(_post(client, key, "response_error", body % escape))
    assert not AtsErrorReport.objects.exists()


def _send(client, key, job, *, last_name="Ruiz", url=None):
    url_member = f', "url": "{url}"' if url is not None else ""
    body = (
        f'{{"partner_test_id": "job-{job.pk}", "candidate": {{"first_name": "Ana", '
        f'"last_name": "{last_name}", "email": "ana@example.org"}}{url_member}}}'
    )
    return _post(client, key, "send_test", body)


@pytest.mark.parametrize("escape", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_send_names_the_field_holding_unstorable_text(
    client, key, job, instrument_version, escape
):
    plan_from_defaults(job, instrument_version)

    response = _send(client, key, job, last_name=f"Ruiz{escape}")

    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"candidate.last_name"}
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("escape", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_send_refuses_a_callback_url_holding_unstorable_text(
    client, key, job, instrument_version, settings, escape
):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    plan_from_defaults(job, instrument_version)

    response = _send(client, key, job, url=f"http://127.0.0.1:9/cb/{escape}")

    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"url"}
    assert not Candidate.objects.exists()


def test_a_surrogate_pair_is_ordinary_text(client, key):
    # "\ud83d\ude00" is one character (an emoji), which PostgreSQL stores.
    response = _post(client, key, "response_error", '{"errors": ["\\ud83d\\ude00"]}')

    assert response.status_code == 200
    assert AtsErrorReport.objects.get().body == {"errors": ["\U0001f600"]}
