"""The partner side of Greenhouse's Assessment Partner contract, against a local
stand-in for Greenhouse's callback endpoint."""

import base64
from pathlib import Path

import pytest
from django.core import mail

from assessments import services
from assessments.models import Invitation
from assessments.results.store import results_compute_and_store
from hiring.models import AtsCallback, AtsErrorReport, Candidate, Job
from hiring.services import api_key_create
from hiring.tasks import webhooks_send_task
from tests.factories import plan_from_defaults
from tests.integration.conftest import careful_answers

pytestmark = pytest.mark.django_db
EVERY = ["jobs:read", "applications:write", "invitations:write", "results:read"]

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plan(job, instrument_version):
    return plan_from_defaults(job, instrument_version)


@pytest.fixture
def key():
    _key, secret = api_key_create(name="Greenhouse", scopes=EVERY)
    return secret


def _basic(secret: str) -> dict:
    token = base64.b64encode(f"{secret}:".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def greenhouse(receiver):
    """Greenhouse's side of the callback: a local receiver."""
    return receiver


def _send(client, key, job, greenhouse, **candidate):
    person = {
        "first_name": "Lucía",
        "last_name": "Paredes",
        "email": "lucia@example.org",
        "phone_numbers": [{"phone_number": "+51 1 555 0101", "type": "mobile"}],
        "greenhouse_profile_url": "https://app.greenhouse.io/people/4711",
        **candidate,
    }
    return client.post(
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": f"job-{job.pk}",
            "candidate": person,
            "url": greenhouse.url,
        },
        content_type="application/json",
        **_basic(key),
    )


def test_it_lists_each_open_job_with_a_plan_as_a_test(client, key, plan, job):
    Job.objects.create(title="No plan yet")

    response = client.get("/integrations/greenhouse/list_tests", **_basic(key))

    assert response.status_code == 200
    assert response.json() == [
        {
            "partner_test_id": f"job-{job.pk}",
            "partner_test_name": f"{plan.instrument.name}: {job.title}",
        }
    ]


@pytest.mark.parametrize(
    "header",
    [
        {},
        {"HTTP_AUTHORIZATION": "Basic !!!"},
        {"HTTP_AUTHORIZATION": "Bearer something"},
        {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"wrong:").decode()},
    ],
)
def test_it_refuses_a_missing_or_unknown_key_with_401(client, header):
    response = client.get("/integrations/greenhouse/list_tests", **header)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("call", "method", "allowed"),
    [
        ("list_tests", "post", "GET"),
        ("send_test", "get", "POST"),
        ("test_status", "delete", "GET"),
        ("response_error", "put", "POST"),
    ],
)
def test_it_answers_a_wrong_method_with_a_problem(client, key, call, method, allowed):
    response = getattr(client, method)(
        f"/integrations/greenhouse/{call}", **_basic(key)
    )

    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert body["status"] == 405
    assert allowed in body["detail"]


@pytest.mark.parametrize("path", ["list_tests/", "send-test", "nothing/at/all"])
def test_it_answers_a_mistyped_call_with_a_problem_naming_the_calls(client, key, path):
    response = client.get(f"/integrations/greenhouse/{path}", **_basic(key))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "list_tests" in response.json()["detail"]


def test_it_refuses_a_key_without_the_scopes(client, plan, job, greenhouse):
    _key, secret = api_key_create(name="read only", scopes=["jobs:read"])

    response = _send(client, secret, job, greenhouse)

    assert response.status_code == 403
    assert "invitations:write" in response.json()["detail"]
    assert not Candidate.objects.exists()


def test_it_sends_the_test_and_reuses_a_known_candidate(
    client, key, plan, job, greenhouse, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, key, job, greenhouse)

    assert response.status_code == 200
    reference = response.json()["partner_interview_id"]
    callback = AtsCallback.objects.get(reference=reference)
    invitation = Invitation.objects.get(pk=callback.invitation_id)
    assert invitation.application.job == job
    assert invitation.application.candidate.phone == "+51 1 555 0101"
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]
    again = _send(client, key, job, greenhouse)
    assert again.json()["partner_interview_id"] == reference
    assert Candidate.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"partner_test_id": "job-999999", "candidate": {}}, "partner_test_id"),
        ({"partner_test_id": "nonsense"}, "partner_test_id"),
        ({"candidate": {"email": "x@example.org"}}, "partner_test_id"),
    ],
)
def test_it_names_what_is_wrong_in_a_send(client, key, plan, body, field):
    response = client.post(
        "/integrations/greenhouse/send_test",
        body,
        content_type="application/json",
        **_basic(key),
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_it_names_every_bad_field_of_the_candidate_under_candidate(
    client, key, plan, job
):
    response = client.post(
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": f"job-{job.pk}",
            "candidate": {"first_name": "Ana", "last_name": "", "email": "not-one"},
        },
        content_type="application/json",
        **_basic(key),
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"candidate.last_name", "candidate.email"}
    assert not Candidate.objects.exists()


def test_it_names_a_refused_callback_url(client, key, plan, job):
    response = client.post(
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": f"job-{job.pk}",
            "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.org"},
            "url": "http://127.0.0.1:9/callback",
        },
        content_type="application/json",
        **_basic(key),
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("size", [70 * 1024, 300 * 1024])
def test_it_refuses_a_body_too_large_with_a_413_problem(client, key, size):
    body = '{"partner_test_id": "' + "x" * size + '"}'

    response = client.post(
        "/integrations/greenhouse/send_test",
        body,
        content_type="application/json",
        **_basic(key),
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"
    assert not Candidate.objects.exists()


def test_it_refuses_a_body_that_is_not_json(client, key):
    response = client.post(
        "/integrations/greenhouse/send_test",
        b"{not json",
        content_type="application/json",
        **_basic(key),
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_it_refuses_a_candidate_without_an_email(client, key, plan, job, greenhouse):
    response = _send(client, key, job, greenhouse, email="")
    assert response.status_code == 400
    assert "candidate.email" in response.json()["errors"]


def test_it_reports_waiting_then_complete_and_patches_greenhouse(
    client, key, plan, job, greenhouse
):
    reference = _send(client, key, job, greenhouse).json()["partner_interview_id"]
    status = client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": reference},
        **_basic(key),
    ).json()
    assert status["partner_status"] == "waiting"
    assert status["partner_score"] is None

    callback = AtsCallback.objects.get(reference=reference)
    invitation = Invitation.objects.get(pk=callback.invitation_id)
    # The candidate answers and submits; the worker's scoring writes the event.
    services.taking_start(invitation=invitation, language="en", consent=True)
    answers = careful_answers(invitation.instrument_version.definition)
    for page, keys in enumerate(services.taking_pages(invitation)):
        services.answers_save(
            invitation=invitation, page=page, answers={k: answers[k] for k in keys}
        )
    services.submission_submit(invitation=invitation)
    (result,) = results_compute_and_store(invitation_ids=[invitation.pk])
    webhooks_send_task()

    (patch,) = greenhouse.requests
    assert patch.body == b""
    callback.refresh_from_db()
    assert callback.status == AtsCallback.Status.SUCCEEDED
    status = client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": reference},
        **_basic(key),
    ).json()
    assert status["partner_status"] == "complete"
    assert status["partner_score"] == round(result.composite, 2)
    assert status["partner_profile_url"].endswith(
        f"/applications/{invitation.application_id}/"
    )
    assert all(
        isinstance(value, str | int | float) for value in status["metadata"].values()
    )
    # Every key is one docs/greenhouse.md names.
    documented = (REPO_ROOT / "docs" / "greenhouse.md").read_text()
    for name in status["metadata"]:
        assert f"`{name}`" in documented or name.endswith(" (T)"), name
    assert "`<scale> (T)`" in documented


def test_it_answers_404_for_an_unknown_order(client, key):
    response = client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": "nope"},
        **_basic(key),
    )
    assert response.status_code == 404


def test_it_keeps_the_error_reports_for_administrators(client, key):
    response = client.post(
        "/integrations/greenhouse/response_error",
        {"partner_interview_id": "abc", "errors": ["partner_score is not a number"]},
        content_type="application/json",
        **_basic(key),
    )

    assert response.status_code == 200
    assert response.json() == {"received": True}  # as docs/greenhouse.md says
    report = AtsErrorReport.objects.get()
    assert report.reference == "abc"
    assert report.body["errors"] == ["partner_score is not a number"]


def test_an_order_without_a_callback_url_is_read_with_test_status(
    client, key, plan, job
):
    response = client.post(
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": f"job-{job.pk}",
            "candidate": {
                "first_name": "Ana",
                "last_name": "Ruiz",
                "email": "ana@example.org",
            },
        },
        content_type="application/json",
        **_basic(key),
    )
    reference = response.json()["partner_interview_id"]

    status = client.get(
        "/integrations/greenhouse/test_status",
        {"partner_interview_id": reference},
        **_basic(key),
    )

    assert status.json()["partner_status"] == "waiting"
    assert AtsCallback.objects.get(reference=reference).url == ""
