"""Criba as a Greenhouse Assessment Partner: the partner side of Greenhouse's
contract (list tests, send a test, report its status, take error reports), on the
same services as every other surface.

A "test" is a Criba job with an assessment plan: Greenhouse's hiring-plan stage
picks the job, `send_test` puts the candidate on that job's pipeline (reusing the
candidate and the application when they exist) and invites them, and Greenhouse
is called back with a body-less PATCH once the result is scored
(`hiring.models.AtsCallback`, retried like any webhook).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import services
from assessments.labels import band_label, validity_status_label
from assessments.models import AssessmentPlan, Invitation, QuestionnaireResult
from hiring.errors import Invalid, NotFound
from hiring.json_input import json_unstorable
from hiring.models import (
    Application,
    AtsCallback,
    AtsErrorReport,
    AuditEvent,
    Job,
)
from hiring.services import (
    application_create,
    audit_record,
    candidate_by_email,
    candidate_create,
    one_line_text_problem,
)
from hiring.webhooks.targets import target_check

PROVIDER = AtsCallback.Provider.GREENHOUSE
TEST_PREFIX = "job-"


def _test_id(job: Job) -> str:
    return f"{TEST_PREFIX}{job.pk}"


def greenhouse_tests() -> list[dict]:
    """Every open job with an assessment plan, as Greenhouse lists tests."""
    plans = (
        AssessmentPlan.objects.filter(job__status=Job.Status.OPEN)
        .select_related("job", "instrument")
        .order_by("job__title", "job_id")
    )
    return [
        {
            "partner_test_id": _test_id(plan.job),
            "partner_test_name": f"{plan.instrument.name}: {plan.job.title}",
        }
        for plan in plans
    ]


def _job_for_test(test_id) -> Job:
    """The open job with a plan that ``test_id`` names, its row locked to the
    end of the send: one send per job at a time, so two copies of one order
    arriving together find one another instead of each making a candidate, an
    application, an invitation and an order of their own."""
    if not isinstance(test_id, str) or not test_id.startswith(TEST_PREFIX):
        raise Invalid(
            _("Unknown partner_test_id."),
            code="unknown_test",
            fields={"partner_test_id": [_("Use an id from list_tests.")]},
        )
    number = test_id.removeprefix(TEST_PREFIX)
    job = (
        Job.objects.select_for_update(of=("self",))
        .filter(pk=int(number), status=Job.Status.OPEN, assessment_plan__isnull=False)
        .first()
        if number.isascii() and number.isdigit()
        else None
    )
    if job is None:
        raise Invalid(
            _("Unknown partner_test_id, or its job is no longer open."),
            code="unknown_test",
            fields={"partner_test_id": [_("Use an id from list_tests.")]},
        )
    return job


def _text(data: dict, key: str, *, required: bool, limit: int = 100) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Invalid(
            _("candidate.%(key)s must be a non-empty string.") % {"key": key},
            fields={f"candidate.{key}": [_("A non-empty string.")]},
        )
    if len(value) > limit:
        raise Invalid(
            _("candidate.%(key)s is too long.") % {"key": key},
            fields={f"candidate.{key}": [_("At most %s characters.") % limit]},
        )
    problem = one_line_text_problem(value.strip())
    if problem is not None:
        raise Invalid(problem, fields={f"candidate.{key}": [problem]})
    return value.strip()


def _candidate_fields(person: dict) -> dict[str, str]:
    """The candidate's name and email, every bad one named under `candidate.`."""
    limits = {"first_name": 100, "last_name": 100, "email": 254}
    values: dict[str, str] = {}
    problems: list[Invalid] = []
    for key, limit in limits.items():
        try:
            values[key] = _text(person, key, required=True, limit=limit)
        except Invalid as error:
            problems.append(error)
    if "email" in values:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(
                Invalid(
                    _("candidate.email is not an email address."),
                    fields={"candidate.email": [_("Enter a valid email address.")]},
                )
            )
    if problems:
        fields = {k: v for problem in problems for k, v in problem.fields.items()}
        detail = (
            problems[0].message
            if len(problems) == 1
            else _("Some fields of the candidate are not valid.")
        )
        raise Invalid(detail, fields=fields)
    return values


def _callback_checked(url) -> str:
    if not isinstance(url, str) or len(url) > 1000:
        raise Invalid(_("url must be a string."), fields={"url": [_("A URL.")]})
    try:
        target_check(url)
    except Invalid as error:
        raise Invalid(
            error.message, code=error.code, fields={"url": [error.message]}
        ) from None
    return url


def _phone(data: dict) -> str:
    numbers = data.get("phone_numbers")
    if isinstance(numbers, list):
        for entry in numbers:
            if isinstance(entry, dict) and isinstance(entry.get("phone_number"), str):
                return entry["phone_number"].strip()[:40]
    return ""


# Criba's candidate fields under the names of Greenhouse's candidate object.
_GREENHOUSE_FIELD = {"phone": "phone_numbers"}


def _candidate_create(values: dict[str, str], *, phone: str):
    """A new candidate; whatever Criba refuses is named as Greenhouse sent it."""
    try:
        return candidate_create(**values, phone=phone)
    except Invalid as error:
        fields = {
            f"candidate.{_GREENHOUSE_FIELD.get(name, name)}": messages
            for name, messages in error.fields.items()
        }
        raise Invalid(error.message, code=error.code, fields=fields) from None


@transaction.atomic
def greenhouse_send_test(*, payload: dict, api_key=None) -> dict:
    """Create or reuse the candidate and the application, invite the candidate
    (Criba emails them), and remember Greenhouse's callback URL."""
    if not isinstance(payload, dict):
        raise Invalid(_("Send a JSON object."), code="malformed")
    job = _job_for_test(payload.get("partner_test_id"))
    person = payload.get("candidate")
    if not isinstance(person, dict):
        raise Invalid(
            _("candidate must be an object."),
            fields={"candidate": [_("An object with the candidate's details.")]},
        )
    callback_url = payload.get("url")
    if callback_url is not None:
        _callback_checked(callback_url)
    values = _candidate_fields(person)
    if callback_url:
        repeated = AtsCallback.objects.filter(
            provider=PROVIDER, url=callback_url
        ).first()
        if repeated is not None:
            # Greenhouse retried a send it had already made: the same order, and
            # nothing written for it a second time.
            return {"partner_interview_id": repeated.reference}
    candidate = candidate_by_email(values["email"]) or _candidate_create(
        values, phone=_phone(person)
    )
    application = Application.objects.filter(
        candidate=candidate, job=job
    ).first() or application_create(candidate=candidate, job=job)
    invitation = application.invitations.filter(
        status__in=Invitation.OPEN_STATUSES
    ).order_by("-created_at").first() or services.invitation_create(
        application=application, user=None
    )
    reference = uuid.uuid4().hex
    AtsCallback.objects.create(
        provider=PROVIDER,
        reference=reference,
        invitation_id=invitation.pk,
        url=callback_url or "",
        status=(
            AtsCallback.Status.WAITING if callback_url else AtsCallback.Status.FAILED
        ),
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.INVITATION_CREATED,
        obj=invitation,
        job=job,
        data={"via": "greenhouse", "api_key": getattr(api_key, "prefix", "")},
    )
    return {"partner_interview_id": reference}


_STATUS = {
    Invitation.Status.CREATED: "waiting",
    Invitation.Status.SENT: "waiting",
    Invitation.Status.OPENED: "waiting",
    Invitation.Status.IN_PROGRESS: "in_progress",
    Invitation.Status.SUBMITTED: "in_progress",
    Invitation.Status.SCORED: "complete",
    Invitation.Status.EXPIRED: "expired",
    Invitation.Status.REVOKED: "cancelled",
}


def greenhouse_test_status(*, reference) -> dict:
    """The contract's status: partner_status, partner_score, partner_profile_url
    and flat metadata (no nesting: Greenhouse shows it as a list of facts)."""
    callback = (
        AtsCallback.objects.filter(provider=PROVIDER, reference=reference).first()
        if isinstance(reference, str) and reference
        else None
    )
    if callback is None:
        raise NotFound(_("Unknown partner_interview_id."), code="unknown_interview")
    invitation = Invitation.objects.select_related(
        "application__job", "instrument_version"
    ).get(pk=callback.invitation_id)
    result = (
        QuestionnaireResult.objects.filter(invitation=invitation, is_current=True)
        .select_related("norm_set")
        .first()
    )
    profile_url = settings.CRIBA_BASE_URL + reverse(
        "results:application_detail", args=[invitation.application_id]
    )
    status = _STATUS.get(invitation.status, "waiting")
    metadata: dict = {"Questionnaire": str(invitation.instrument_version)}
    score = None
    if status == "complete" and result is not None:
        metadata["Response validity"] = validity_status_label(result.validity_status)
        metadata["Scoring version"] = result.scoring_version
        if result.validity_status != "invalid":
            score = None if result.composite is None else round(result.composite, 2)
            if result.band:
                metadata["Band"] = band_label(result.band)
            version = invitation.instrument_version
            for key, scale in (result.scales or {}).items():
                if scale and scale.get("t") is not None:
                    metadata[f"{version.scale_name(key, 'en')} (T)"] = round(scale["t"])
        metadata["Note"] = "Criba recommends; a person decides."
    return {
        "partner_status": status,
        "partner_profile_url": profile_url,
        "partner_score": score,
        "metadata": metadata,
    }


def greenhouse_error_record(*, payload) -> AtsErrorReport:
    """Keep an error Greenhouse reported, for the administrators."""
    if json_unstorable(payload):
        raise Invalid(
            _(
                "The body holds a NUL character (\\u0000) or an unpaired surrogate "
                "(\\ud800 to \\udfff), which cannot be stored."
            ),
            code="unstorable_text",
        )
    reference = ""
    if isinstance(payload, dict):
        value = payload.get("partner_interview_id")
        reference = value[:64] if isinstance(value, str) else ""
    return AtsErrorReport.objects.create(
        provider=PROVIDER, reference=reference, body=payload
    )
