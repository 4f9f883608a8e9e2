"""Fixtures of the API tests: a world with one of everything an integrator reads."""

from dataclasses import dataclass

import pytest

from assessments import services as assessment_services
from assessments.models import Interview, Invitation, QuestionnaireResult, Scorecard
from assessments.results.store import results_compute_and_store
from hiring.models import (
    Application,
    Candidate,
    HireOutcome,
    Job,
    Stage,
    WebhookDelivery,
    WebhookEndpoint,
)
from hiring.webhooks.services import endpoint_create
from tests.assessments.interview_support import submit
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    PanelInterviewFactory,
    UserFactory,
    submissions_create,
)


@dataclass
class World:
    job: Job
    candidate: Candidate
    application: Application
    invitation: Invitation
    result: QuestionnaireResult
    webhook: WebhookEndpoint
    interview: Interview
    scorecard: Scorecard
    outcome: HireOutcome
    delivery: WebhookDelivery


def delivered_ping(webhook: WebhookEndpoint) -> WebhookDelivery:
    """A finished delivery of ``webhook`` (one that can be sent again)."""
    return WebhookDelivery.objects.create(
        endpoint=webhook,
        message_id=f"msg_delivered{webhook.pk}",
        event_type="webhook.ping",
        payload={"type": "webhook.ping", "data": {"endpoint_id": webhook.pk}},
        status=WebhookDelivery.Status.SUCCEEDED,
        attempts=1,
        last_status_code=204,
    )


def scored_results(instrument_version, n: int, *, application=None) -> list:
    """``n`` scored questionnaire results (one application unless given)."""
    ids = submissions_create(instrument_version, n, application=application)
    results_compute_and_store(invitation_ids=ids)
    return list(QuestionnaireResult.objects.filter(invitation_id__in=ids))


@pytest.fixture
def world(instrument_version, settings) -> World:
    job = JobFactory(external_id="job-1")
    candidate = CandidateFactory(external_id="cand-1")
    CandidateFactory(external_id="cand-2")  # not applied anywhere yet
    application = ApplicationFactory(job=job, candidate=candidate, external_id="app-1")
    (result,) = scored_results(instrument_version, 1, application=application)
    other = ApplicationFactory(job=job, external_id="app-2")
    invitation = assessment_services.invitation_create(
        application=other, user=None, send=False
    )
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    webhook, _secret = endpoint_create(
        actor=None, name="ATS", url="https://127.0.0.1/hooks/criba"
    )
    panel = [UserFactory(), UserFactory()]
    interview = PanelInterviewFactory(application=application, panel=panel)
    version = submit(panel[0], interview, [4, 4, 3, 4, 5, 4])
    hire = ApplicationFactory(job=job, stage=Stage.HIRED, external_id="app-hired")
    outcome = HireOutcomeFactory(application=hire)
    return World(
        job,
        candidate,
        application,
        invitation,
        result,
        webhook,
        interview,
        version.scorecard,
        outcome,
        delivered_ping(webhook),
    )


class Clock:
    """A monotonic clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def key_clock(monkeypatch) -> Clock:
    """The clock by which a web process goes on trusting an API key it looked up
    (`hiring.selectors.API_KEY_RECHECK_SECONDS`), stopped: a key is looked up
    again only when a test moves it, however slow the machine running the test."""
    from hiring import selectors

    clock = Clock()
    monkeypatch.setattr(selectors, "monotonic", clock)
    monkeypatch.setattr(selectors, "_recent_keys", {})
    return clock
