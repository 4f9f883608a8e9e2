"""A candidate with a row of every kind of data about them (no tests here).

Their personal values are unusual enough that finding one of them anywhere in the
database can only mean it was not erased.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone

from assessments.models import Invitation, PageTiming, Response
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
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InterviewFactory,
    QuestionnaireResultFactory,
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
    )
