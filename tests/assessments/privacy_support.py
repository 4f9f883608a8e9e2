"""A candidate with a row of every kind of data about them (no tests here).

Their personal values are unusual enough that finding one of them anywhere in the
database can only mean it was not erased.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone

from assessments import interview_services
from assessments.interview_selectors import interview_access
from assessments.models import Interview, Invitation, PageTiming, Response
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    Stage,
    WebhookAttempt,
    WebhookDelivery,
)
from hiring.services import application_decide, audit_record
from hiring.webhooks.relay import outbox_relay
from hiring.webhooks.services import endpoint_create
from tests.assessments.interview_support import KEYS, scorecard_input
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InterviewFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    UserFactory,
)

FIRST_NAME = "Zebulon"
LAST_NAME = "Quennell-Ashby"
EMAIL = "zq.erasable@example.net"
PHONE = "+34 600 987 321"
EXTERNAL_ID = "ATS-ZQ-4417"
APPLICATION_EXTERNAL_ID = "GH-APP-90210-ZQ"
PERSONAL = [FIRST_NAME, LAST_NAME, EMAIL, PHONE, EXTERNAL_ID, APPLICATION_EXTERNAL_ID]


@dataclass
class Dossier:
    candidate: Candidate
    application: Application
    invitation: Invitation
    result_id: int
    # A structured interview: the interviewer's scorecard submitted and amended,
    # a second panelist's draft, and its result.
    panel_interview: Interview
    interview_result_id: int


def dossier_create(
    *,
    job,
    recruiter,
    interviewer,
    stage=Stage.APPLIED,
    first_name=FIRST_NAME,
    last_name=LAST_NAME,
    email=EMAIL,
    phone=PHONE,
    external_id=EXTERNAL_ID,
    application_external_id=APPLICATION_EXTERNAL_ID,
) -> Dossier:
    """Every kind of row Criba keeps about one candidate, written as the app does."""
    candidate = CandidateFactory(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        external_id=external_id,
        consent_at=timezone.now(),
        consent_version=1,
    )
    application = ApplicationFactory(
        candidate=candidate, job=job, external_id=application_external_id
    )
    result = QuestionnaireResultFactory(invitation__application=application)
    invitation = result.invitation
    for number, key in enumerate(["dr01", "dr02", "di01"]):
        Response.objects.create(
            invitation=invitation, item_key=key, value=number + 2, page=0
        )
    PageTiming.objects.create(
        invitation=invitation,
        page=0,
        item_count=3,
        first_shown_at=timezone.now() - timedelta(minutes=3),
        seconds=41.5,
    )
    InterviewFactory(
        application=application,
        title=f"Role play with {first_name}",
        interviewers=[interviewer],
        location=f"https://meet.example.com/{last_name.lower()}",
    )
    InterviewFactory(
        application=application,
        title="Phone screen",
        interviewers=[interviewer],
        status=Interview.Status.CANCELLED,
        cancel_reason=f"{first_name} asked to move it; call {phone}.",
    )
    panel_interview, interview_result_id = _panel_interview_create(
        application=application,
        interviewer=interviewer,
        first_name=first_name,
        last_name=last_name,
    )
    # What the services write about the candidate, names and address included.
    audit_record(
        actor=None,
        action=AuditEvent.Action.INVITATION_SENT,
        obj=invitation,
        job=job,
        data={"to": email},
    )
    audit_record(
        actor=recruiter,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=result,
        job=job,
        data={"application": application.pk, "invitation": invitation.pk},
    )
    application_decide(
        application=application,
        user=recruiter,
        decision=Application.Decision.ADVANCE,
        reason=f"{first_name} led the role play well.",
    )
    if stage in {Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED}:
        application_decide(
            application=application,
            user=recruiter,
            decision=Application.Decision.REJECT,
            reason=f"{last_name} took another offer ({phone}).",
        )
        Application.objects.filter(pk=application.pk).update(stage=stage)
    # An integration subscribed to every event, and its endpoint echoing the email.
    with override_settings(CRIBA_WEBHOOK_ALLOW_PRIVATE=True):
        endpoint, _secret = endpoint_create(
            actor=None, name="ATS", url="http://127.0.0.1:9/criba"
        )
    outbox_relay()
    for delivery in WebhookDelivery.objects.filter(endpoint=endpoint):
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=200, response_excerpt=f'{{"ok": "{email}"}}'
        )
    LogEntry.objects.log_actions(
        user_id=recruiter.pk,
        queryset=[candidate],
        action_flag=CHANGE,
        change_message="Changed phone.",
        single_object=True,
    )
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Candidate),
        object_repr__contains=last_name,
    ).exists()
    application.refresh_from_db()
    candidate.refresh_from_db()
    return Dossier(
        candidate=candidate,
        application=application,
        invitation=invitation,
        result_id=result.pk,
        panel_interview=panel_interview,
        interview_result_id=interview_result_id,
    )


def _panel_interview_create(*, application, interviewer, first_name, last_name):
    """A structured interview whose scorecards speak of the candidate by name."""
    second = UserFactory(username=f"second-{interviewer.username}")
    interview = PanelInterviewFactory(
        application=application,
        title=f"Structured interview with {first_name}",
        panel=[interviewer, second],
    )
    access = interview_access(user=interviewer, interview_id=interview.pk)
    card = scorecard_input(
        [5, 4, 3, None, 2, 1],
        recommendation="yes",
        notes={
            **dict.fromkeys(KEYS, f"{first_name} gave a specific example."),
            "customer_focus": f"{last_name} interrupted the client twice.",
        },
    )
    card = replace(card, summary=f"{first_name} {last_name} would ramp up fast.")
    interview_services.scorecard_submit(access=access, scorecard=card)
    access = interview_access(user=interviewer, interview_id=interview.pk)
    interview_services.scorecard_amend(
        access=access,
        scorecard=replace(card, ratings={**card.ratings, "coachability": 4}),
        reason=f"Reread my notes on {first_name}'s answer about feedback.",
    )
    draft = scorecard_input(
        [3, 3, 3, 3, 3, 3],
        notes=dict.fromkeys(KEYS, f"Not sure {first_name} understood the question."),
    )
    interview_services.scorecard_draft_save(
        access=interview_access(user=second, interview_id=interview.pk),
        scorecard=replace(draft, summary=f"Talk to {last_name} again."),
    )
    result = interview_services.interview_aggregate(interview_id=interview.pk)
    return interview, result.pk
