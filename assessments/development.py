"""A hire's development plan: generating it, its check-ins, the hire's consent to
share it with their line manager, and the pages' read model.

The goals come from the hire's least favourable questionnaire scales and lowest
interview competencies (``scoring.development``); their texts are copied from the
development guides beside the definitions (``definitions``, "Development
guides") in the plan's language, so a plan reads the same after a guide changes.

Who sees a plan: holders of ``Capability.DEVELOPMENT`` on the job, and the hire's
line manager (``HireOutcome.manager``) only while the hire agrees; anyone else,
the manager without consent included, gets the NotFound (or, for a team member
whose role does not allow it, the Forbidden) of ``job_require``. The hire reads
the plan through a private link derived like candidate links
(``tokens.plan_token_derive``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from smtplib import SMTPException

from celery import current_app
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from assessments.definitions import instrument_development_guide
from assessments.models import (
    DevelopmentCheckIn,
    DevelopmentGoal,
    DevelopmentPlan,
    Interview,
    InterviewResult,
    QuestionnaireResult,
)
from assessments.rubric_definitions import rubric_development_guide
from assessments.scoring.development import (
    COMPETENCY,
    SCALE,
    Area,
    Choice,
    development_areas_choose,
)
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from assessments.tokens import (
    development_plan_link,
    new_token_salt,
    plan_token_derive,
    row_for_token,
    token_hash,
)
from hiring.errors import Conflict, Gone, Invalid, NotFound
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    Capability,
    HireOutcome,
    Stage,
)
from hiring.selectors import job_capabilities, job_require
from hiring.services import audit_record

logger = logging.getLogger(__name__)

CHECK_IN_DAYS = tuple(DevelopmentCheckIn.Day.values)  # 30, 60, 90
NOTES_MAX_LENGTH = 5000

# Audit actions of development plans (``AuditEvent.action`` values).
PLAN_GENERATED = AuditEvent.Action.PLAN_GENERATED
PLAN_OPENED = AuditEvent.Action.PLAN_OPENED
PLAN_SHARED = AuditEvent.Action.PLAN_SHARED
PLAN_UNSHARED = AuditEvent.Action.PLAN_UNSHARED
PLAN_EMAILED = AuditEvent.Action.PLAN_EMAILED
CHECK_IN_UPDATED = AuditEvent.Action.CHECK_IN_UPDATED


# --- the areas of a hire -----------------------------------------------------------


@dataclass(frozen=True)
class AreaTexts:
    """An area with what a goal needs: its names and its development texts."""

    area: Area
    names: dict[str, str]
    # {"title": {lang: text}, "practice": {...}, "check_in": {...}}, or the
    # definition's own short text as "practice" when there is no guide for it.
    texts: dict[str, dict[str, str]]


def _pick(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or ""


def _scale_areas(application: Application) -> list[AreaTexts]:
    """The scales of the current valid questionnaire result (an invalid one cannot
    be trusted, so it yields nothing)."""
    result = (
        QuestionnaireResult.objects.filter(
            invitation__application=application, is_current=True
        )
        .exclude(validity_status="invalid")
        .select_related("invitation__instrument_version__instrument")
        .order_by("-created_at", "-id")
        .first()
    )
    if result is None:
        return []
    version = result.invitation.instrument_version
    guide = instrument_development_guide(version.instrument.slug)
    areas = []
    for scale in version.definition.get("scales", []):
        data = (result.scales or {}).get(scale["key"]) or {}
        if data.get("missing") or data.get("t") is None:
            continue
        texts = guide.get(scale["key"]) or (
            {"title": scale["name"], "practice": scale["development"], "check_in": {}}
            if scale.get("development")
            else None
        )
        if texts is None:
            continue
        areas.append(
            AreaTexts(
                area=Area(
                    source=SCALE,
                    key=scale["key"],
                    value=float(data["t"]),
                    higher_is_better=scale.get("higher_is_better", True),
                ),
                names=scale["name"],
                texts=texts,
            )
        )
    return areas


def _competency_areas(application: Application) -> list[AreaTexts]:
    """Each competency's mean rating over the hire's interviews that are not
    cancelled, weighted by how many interviewers rated it."""
    rows = (
        InterviewResult.objects.filter(
            interview__application=application,
            scoring_version=INTERVIEW_SCORING_VERSION,
        )
        .exclude(interview__status=Interview.Status.CANCELLED)
        .select_related("interview__rubric_version__rubric")
        .order_by("interview__scheduled_at", "interview_id")
    )
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    definitions: dict[str, dict] = {}
    guides: dict[str, dict] = {}
    for row in rows:
        rubric_version = row.interview.rubric_version
        if rubric_version is None:
            continue
        slug = rubric_version.rubric.slug
        if slug not in guides:
            guides[slug] = rubric_development_guide(slug)
        for competency in rubric_version.definition.get("competencies", []):
            definitions[competency["key"]] = {**competency, "guide": guides[slug]}
        for score in (row.aggregate or {}).get("competencies", []):
            mean, n = score.get("mean"), score.get("n") or 0
            if mean is None or n <= 0:
                continue
            sums[score["key"]] = sums.get(score["key"], 0.0) + mean * n
            counts[score["key"]] = counts.get(score["key"], 0) + n
    areas = []
    for key, definition in definitions.items():
        if key not in counts:
            continue
        texts = definition["guide"].get(key) or (
            {
                "title": definition["name"],
                "practice": definition["development"],
                "check_in": {},
            }
            if definition.get("development")
            else None
        )
        if texts is None:
            continue
        areas.append(
            AreaTexts(
                area=Area(source=COMPETENCY, key=key, value=sums[key] / counts[key]),
                names=definition["name"],
                texts=texts,
            )
        )
    return areas


def development_areas(application: Application) -> list[AreaTexts]:
    """Every scale and competency of the hire that a goal could work on."""
    return _scale_areas(application) + _competency_areas(application)


def goal_basis(choice: Choice, name: str) -> str:
    """Why the goal was chosen, in the active language, e.g. "Coachability: T 41,
    the lowest of this hire's scales"."""
    area, rank = choice.area, choice.rank
    if area.source == SCALE:
        figure = f"T {area.value:.0f}"
        if area.higher_is_better:
            where = {
                1: _("the lowest of this hire's scales"),
                2: _("the second lowest of this hire's scales"),
            }.get(rank, _("one of this hire's lowest scales"))
        else:
            where = {
                1: _(
                    "the least favourable of this hire's scales (on this scale, "
                    "lower is better)"
                ),
                2: _(
                    "the second least favourable of this hire's scales (on this "
                    "scale, lower is better)"
                ),
            }.get(
                rank,
                _(
                    "one of this hire's least favourable scales (on this scale, "
                    "lower is better)"
                ),
            )
    else:
        figure = _("%(score)s of 5 at interview") % {
            "score": number_format(area.value, 1)
        }
        where = {
            1: _("the lowest of this hire's interview competencies"),
            2: _("the second lowest of this hire's interview competencies"),
        }.get(rank, _("one of this hire's lowest interview competencies"))
    return f"{name}: {figure}, {where}"


# --- generating a plan -------------------------------------------------------------


def _plan_language(application: Application) -> str:
    language = application.candidate.preferred_language
    return language if language in Candidate.Language.values else "en"


def development_plan_refusal(
    *, application: Application, outcome: HireOutcome | None
) -> Conflict | None:
    """Why no new plan can be generated for ``application`` now, as the error
    ``development_plan_generate`` raises; None while one can. Only a hire gets a
    plan, not one whose personal data was erased, and not one who has a leaving
    date: the plan is for someone staying. A plan generated before stays
    readable whatever this says; only generating (or replacing) is refused."""
    if application.stage != Stage.HIRED:
        return Conflict(
            _("Only a hire has a development plan: record the hire first."),
            code="not_hired",
        )
    if application.candidate.is_erased:
        return Conflict(
            _("This candidate's personal data was erased."),
            code="candidate_erased",
        )
    if outcome is not None and outcome.has_left:
        return Conflict(
            _(
                "This hire has a leaving date (%(date)s), so no new development "
                "plan can be generated. A plan generated before stays readable."
            )
            % {"date": date_format(outcome.leaving_date)},
            code="hire_left",
        )
    return None


def development_plan_blocked(*, application: Application) -> str:
    """``development_plan_refusal`` in words for the pages; "" while a plan can
    be generated."""
    outcome = HireOutcome.objects.filter(application_id=application.pk).first()
    refusal = development_plan_refusal(application=application, outcome=outcome)
    return refusal.message if refusal else ""


def development_plan_generate(
    *,
    application: Application,
    user,
    replace: bool = False,
    today: date | None = None,
) -> DevelopmentPlan:
    """Generate the hire's development plan: two or three goals from their least
    favourable scales and lowest interview competencies, each with why it was
    chosen and its texts in the hire's preferred language, and check-ins 30, 60
    and 90 days after the outcome's start date (after ``today`` while no outcome
    is recorded).

    Raises Conflict when the application is not a hire, when the candidate was
    erased, when the hire has a leaving date (``development_plan_refusal``), or
    when a plan exists and ``replace`` is not given; replacing deletes
    the old plan with its check-in notes, and its link stops working. Raises
    Invalid when there is no scored questionnaire or interview to base it on.
    Audited (``development_plan.generated``). The demo seed calls this with the
    hire's application and the recruiter.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # Serializes two generations for one hire (the plan is one-to-one).
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("candidate", "job")
            .get(pk=application.pk)
        )
        outcome = HireOutcome.objects.filter(application=application).first()
        refusal = development_plan_refusal(application=application, outcome=outcome)
        if refusal is not None:
            raise refusal
        existing = DevelopmentPlan.objects.filter(application=application).first()
        if existing is not None and not replace:
            raise Conflict(
                _(
                    "This hire already has a development plan. Choose to replace "
                    "it to generate a new one: its goals and check-in notes are "
                    "then deleted and the hire's link stops working."
                ),
                code="plan_exists",
            )
        language = _plan_language(application)
        options = development_areas(application)
        choices = development_areas_choose(o.area for o in options)
        if not choices:
            raise Invalid(
                _(
                    "There is nothing to base a plan on yet: it needs a valid "
                    "questionnaire result or a submitted interview scorecard."
                ),
                code="no_results",
            )
        by_area = {(o.area.source, o.area.key): o for o in options}
        start = outcome.start_date if outcome else today
        if existing is not None:
            existing.delete()
        salt = new_token_salt()
        plan = DevelopmentPlan.objects.create(
            application=application,
            language=language,
            token_salt=salt,
            token_hash=token_hash(plan_token_derive(salt)),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        goals = []
        with translation.override(language):
            for position, choice in enumerate(choices, start=1):
                option = by_area[(choice.area.source, choice.area.key)]
                goals.append(
                    DevelopmentGoal(
                        plan=plan,
                        position=position,
                        source=choice.area.source,
                        key=choice.area.key,
                        title=_pick(option.texts["title"], language)[:300],
                        text=_pick(option.texts["practice"], language),
                        check_in_text=_pick(option.texts.get("check_in", {}), language),
                        basis=goal_basis(choice, _pick(option.names, language))[:300],
                    )
                )
        DevelopmentGoal.objects.bulk_create(goals)
        DevelopmentCheckIn.objects.bulk_create(
            DevelopmentCheckIn(plan=plan, day=day, due_on=start + timedelta(days=day))
            for day in CHECK_IN_DAYS
        )
        audit_record(
            actor=user,
            action=PLAN_GENERATED,
            obj=plan,
            job=application.job,
            data={
                "application": application.pk,
                "replaced": existing is not None,
                "language": language,
                "goals": [f"{g.source}:{g.key}" for g in goals],
                "dated_from": "start_date" if outcome else "plan_date",
            },
        )
    return plan


# --- check-ins ---------------------------------------------------------------------


def development_check_in_update(
    *, check_in: DevelopmentCheckIn, user, notes: str, held_on: date | None
) -> DevelopmentCheckIn:
    """Keep a check-in's notes and the day it was held (None: not held yet).

    Audited without the notes themselves (``development_plan.check_in_updated``).
    """
    notes = (notes or "").strip()
    problems: dict[str, list[str]] = {}
    if len(notes) > NOTES_MAX_LENGTH:
        problems["notes"] = [_("At most %(n)s characters.") % {"n": NOTES_MAX_LENGTH}]
    if held_on is not None and held_on > timezone.localdate():
        problems["held_on"] = [_("A check-in cannot be held in the future.")]
    if problems:
        raise Invalid(_("Some fields are not valid."), fields=problems)
    with transaction.atomic():
        check_in = (
            DevelopmentCheckIn.objects.select_for_update(of=("self",))
            .select_related("plan__application__job")
            .get(pk=check_in.pk)
        )
        check_in.notes = notes
        if held_on is None:
            check_in.done_at, check_in.done_by = None, None
        else:
            held_at = timezone.make_aware(datetime.combine(held_on, time()))
            if check_in.done_at is None or (
                timezone.localtime(check_in.done_at).date() != held_on
            ):
                check_in.done_at = held_at
            authenticated = getattr(user, "is_authenticated", False)
            check_in.done_by = user if authenticated else None
        check_in.save(update_fields=["notes", "done_at", "done_by"])
        DevelopmentPlan.objects.filter(pk=check_in.plan_id).update(
            updated_at=timezone.now()
        )
        audit_record(
            actor=user,
            action=CHECK_IN_UPDATED,
            obj=check_in.plan,
            job=check_in.plan.application.job,
            data={"day": check_in.day, "held": held_on is not None},
        )
    return check_in


# --- the hire: the link, the session and consent -----------------------------------


def development_plan_for_token(token: str) -> DevelopmentPlan:
    """The plan behind a hire's link, or why it cannot be opened: NotFound for a
    link that never was or whose plan was replaced, Gone once the hire's
    personal data is erased."""
    plan = row_for_token(
        DevelopmentPlan.objects.select_related(
            "application__candidate", "application__job"
        ),
        token,
    )
    if plan is None:
        raise NotFound(_("This link is not valid."), code="unknown")
    if plan.application.candidate.is_erased:
        raise Gone(_("This plan is no longer available."), code="closed")
    return plan


def development_plan_open(*, plan: DevelopmentPlan) -> None:
    """Record that the hire exchanged their link for a session."""
    audit_record(
        actor=None,
        action=PLAN_OPENED,
        obj=plan,
        job=plan.application.job,
        data={"by": "hire"},
    )


def development_plan_share(
    *, plan: DevelopmentPlan, share: bool, now: datetime | None = None
) -> bool:
    """The hire gives (``share``) or withdraws consent to show the plan to their
    line manager; True when this call changed it. Conditional, so a repeated
    click records nothing twice. Audited with the time."""
    now = now or timezone.now()
    plans = DevelopmentPlan.objects.filter(pk=plan.pk)
    with transaction.atomic():
        if share:
            changed = plans.filter(shared_with_manager_at__isnull=True).update(
                shared_with_manager_at=now, updated_at=now
            )
        else:
            changed = plans.filter(shared_with_manager_at__isnull=False).update(
                shared_with_manager_at=None, updated_at=now
            )
        if changed:
            audit_record(
                actor=None,
                action=PLAN_SHARED if share else PLAN_UNSHARED,
                obj=plan,
                job=plan.application.job,
                data={"by": "hire", "at": now.isoformat()},
            )
    plan.shared_with_manager_at = now if share else None
    return bool(changed)


def development_plan_consent_end(*, application_id: int, user) -> bool:
    """End the hire's consent to show their plan to their line manager because the
    manager changed: it was given to one person, not to whoever manages the hire
    next. True when a consent ended. Conditional, in the caller's transaction;
    audited as ``development_plan.unshared`` with the reason."""
    now = timezone.now()
    plan = (
        DevelopmentPlan.objects.filter(
            application_id=application_id, shared_with_manager_at__isnull=False
        )
        .select_related("application__job")
        .first()
    )
    if plan is None:
        return False
    changed = DevelopmentPlan.objects.filter(
        pk=plan.pk, shared_with_manager_at__isnull=False
    ).update(shared_with_manager_at=None, updated_at=now)
    if changed:
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            action=PLAN_UNSHARED,
            obj=plan,
            job=plan.application.job,
            data={"by": "manager_changed", "at": now.isoformat()},
        )
    return bool(changed)


# --- emailing the link -------------------------------------------------------------


def development_plan_email_request(*, plan: DevelopmentPlan, user) -> None:
    """Email the hire their private link, from a worker once this commits."""
    with transaction.atomic():
        audit_record(
            actor=user,
            action=PLAN_EMAILED,
            obj=plan,
            job=plan.application.job,
            data={"requested": True},
        )
        transaction.on_commit(lambda: development_plan_email_enqueue(plan.pk))


def development_plan_email_enqueue(plan_id: int) -> bool:
    """Only the id travels through the broker; the worker derives the link."""
    try:
        current_app.send_task(
            "assessments.tasks.development_plan_email_task", args=[plan_id]
        )
    except Exception:
        logger.warning(
            "Could not enqueue the email of development plan %s", plan_id, exc_info=True
        )
        return False
    return True


def development_plan_email_send(*, plan_id: int) -> bool:
    """Send the hire the email with their link, in the plan's language."""
    plan = (
        DevelopmentPlan.objects.select_related(
            "application__candidate", "application__job"
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None or plan.application.candidate.is_erased:
        return False
    candidate = plan.application.candidate
    with translation.override(plan.language):
        context = {
            "candidate": candidate,
            "job": plan.application.job,
            "url": development_plan_link(plan),
        }
        subject = _("Your development plan for %(job)s") % {
            "job": plan.application.job.title
        }
        body = render_to_string("emails/development_plan.txt", context)
    try:
        send_mail(subject, body, None, [candidate.email])
    except (OSError, SMTPException) as error:
        logger.warning(
            "Development plan email %s failed: %s", plan_id, type(error).__name__
        )
        raise
    return True


# --- the read model ----------------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    """What the development plan page shows to one user."""

    application: Application
    plan: DevelopmentPlan | None
    outcome: HireOutcome | None
    goals: list[DevelopmentGoal] = field(default_factory=list)
    check_ins: list[DevelopmentCheckIn] = field(default_factory=list)
    # A DEVELOPMENT holder: generate, replace, the link, the email.
    can_manage: bool = False
    # The line manager reading it with the hire's consent.
    as_manager: bool = False
    # Why no plan can be generated now (``development_plan_refusal``); "" if one can.
    generate_blocked: str = ""

    @property
    def can_keep_check_ins(self) -> bool:
        return self.plan is not None and (self.can_manage or self.as_manager)

    @property
    def link(self) -> str | None:
        """The hire's private link, derived each time, for holders of
        DEVELOPMENT only; never stored, never in a session."""
        if not self.can_manage or self.plan is None:
            return None
        return development_plan_link(self.plan)


def _plan_with_parts(application_id: int) -> DevelopmentPlan | None:
    return (
        DevelopmentPlan.objects.filter(application_id=application_id)
        .prefetch_related("goals", "check_ins__done_by")
        .first()
    )


def development_plan_page(*, user, application_id: int) -> PlanPage:
    """The plan page of an application for ``user``: a holder of DEVELOPMENT on
    the job, or the hire's line manager while the hire consents. Anyone else gets
    the errors of ``job_require`` (NotFound without a role on the job)."""
    application = (
        Application.objects.select_related("candidate", "job")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("There is no such page."), code="not_found")
    outcome = (
        HireOutcome.objects.filter(application=application)
        .select_related("manager")
        .first()
    )
    plan = _plan_with_parts(application.pk)
    capabilities = job_capabilities(user=user, job=application.job)
    can_manage = Capability.DEVELOPMENT in capabilities
    as_manager = (
        not can_manage
        and plan is not None
        and plan.is_shared_with_manager
        and outcome is not None
        and outcome.manager_id is not None
        and outcome.manager_id == user.pk
    )
    if not (can_manage or as_manager):
        job_require(user=user, job=application.job, capability=Capability.DEVELOPMENT)
    refusal = (
        development_plan_refusal(application=application, outcome=outcome)
        if can_manage
        else None
    )
    return PlanPage(
        application=application,
        plan=plan,
        outcome=outcome,
        goals=list(plan.goals.all()) if plan else [],
        check_ins=list(plan.check_ins.all()) if plan else [],
        can_manage=can_manage,
        as_manager=as_manager,
        generate_blocked=refusal.message if refusal else "",
    )


def development_plan_summary(*, application: Application) -> DevelopmentPlan | None:
    """The plan of an application with its goals, for the application page."""
    return (
        DevelopmentPlan.objects.filter(application=application)
        .prefetch_related("goals")
        .first()
    )


def development_plan_shared_with(*, application: Application, user):
    """The application's plan if its hire agreed to share it with ``user`` as
    their line manager (the rule of `development_plan_page`), else None."""
    if not user.is_authenticated:
        return None
    return DevelopmentPlan.objects.filter(
        application=application,
        application__outcome__manager=user,
        shared_with_manager_at__isnull=False,
    ).first()


def development_plans_shared_with(user) -> list[DevelopmentPlan]:
    """Plans whose hire has this user as line manager and agreed to share."""
    if not user.is_authenticated:
        return []
    return list(
        DevelopmentPlan.objects.filter(
            application__outcome__manager=user, shared_with_manager_at__isnull=False
        )
        .select_related("application__candidate", "application__job")
        .order_by("application__candidate__last_name", "id")
    )


def hire_plan(plan_id: int) -> DevelopmentPlan | None:
    """The plan of a hire's session, with its goals and check-ins."""
    return (
        DevelopmentPlan.objects.filter(pk=plan_id)
        .select_related(
            "application__candidate",
            "application__job",
            "application__outcome__manager",
        )
        .prefetch_related("goals", "check_ins")
        .first()
    )


def plan_manager(plan: DevelopmentPlan):
    """The line manager who may read the plan once the hire agrees (the outcome's
    Criba account), or None while nobody is named."""
    try:
        return plan.application.outcome.manager
    except HireOutcome.DoesNotExist:
        return None


@dataclass(frozen=True)
class HireGoal:
    """A goal as the hire reads it: why it was chosen said to them, without the
    figures the hiring team reads (``DevelopmentGoal.basis``)."""

    goal: DevelopmentGoal
    reason: str


def hire_goals(plan: DevelopmentPlan) -> list[HireGoal]:
    """The plan's goals with why each was chosen, addressed to the hire in the
    active language (the plan's, on the hire's pages)."""
    seen: dict[str, int] = {}
    goals = []
    for goal in plan.goals.all():
        seen[goal.source] = seen.get(goal.source, 0) + 1
        first = seen[goal.source] == 1
        if goal.source == SCALE:
            reason = (
                _("From your questionnaire answers: your area with most room to grow.")
                if first
                else _("From your questionnaire answers: another area to grow in.")
            )
        else:
            reason = (
                _("From your interview: the area your interviewers rated lowest.")
                if first
                else _(
                    "From your interview: another area your interviewers rated lower."
                )
            )
        goals.append(HireGoal(goal=goal, reason=reason))
    return goals
