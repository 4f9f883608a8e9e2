"""Fill an empty deployment with a small, believable demo; safe to run again.

Everything is looked up by a stable key (username, job title, candidate email; for
the candidate erased on request, the erasure's row in the audit log) and created
only when missing, so a second run adds nothing. Questionnaires are taken
through the same services the candidate pages use; the submitted ones are scored,
and the interviews aggregated, here by the services the workers' tasks call, so
the worker starts on an empty queue rather than on hundreds of jobs already done.
The wakes of the webhook relay that every committed event asks for are sent as
one at the end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.development import (
    development_check_in_update,
    development_plan_generate,
    development_plan_share,
)
from assessments.interview_selectors import interview_access
from assessments.interview_services import (
    INTERVIEW_AGGREGATE_TASK,
    ScorecardInput,
    interview_aggregate,
    interview_schedule,
    scorecard_submit,
)
from assessments.management import demo_cohort
from assessments.management.demo_history import (
    cohort_history_write,
    pipeline_move_before,
)
from assessments.models import (
    AssessmentPlan,
    Instrument,
    Interview,
    Invitation,
    PrivacyNotice,
    Rubric,
)
from assessments.privacy.erasure import candidate_erase
from assessments.privacy.notices import privacy_notice_publish
from assessments.results.store import results_compute_and_store
from assessments.services import (
    INVITATION_EMAIL_TASK,
    QUESTIONNAIRE_SCORE_TASK,
    answers_save,
    invitation_create,
    invitation_email_send,
    page_shown,
    questionnaire_score,
    submission_submit,
    taking_pages,
    taking_start,
)
from config.celery import messages_coalesced
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    Job,
    JobMember,
    JobRole,
    Stage,
    WebhookEndpoint,
)
from hiring.outcome_services import QuotaInput, hire_outcome_record
from hiring.self_identification import self_identification_seed
from hiring.services import (
    application_create,
    application_decide,
    candidate_create,
    job_create,
    job_update,
)
from hiring.webhooks.secrets import secret_new, secret_seal

INSTRUMENT_SLUG = "sales-drive"
DEMO_ENDPOINT_NAME = "Demo ATS"
RUBRIC_SLUG = "sales-interview"
SEED = 20240601


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # their role on every demo job; None: no role at all
    superuser: bool = False
    # Allowed to open new jobs from the workspace ("hiring.add_job").
    opens_jobs: bool = False
    # Further hiring permissions by codename (the reports across jobs).
    permissions: tuple[str, ...] = ()

    @property
    def password(self) -> str:
        # Published in the README: for a local demo only, never a real deployment.
        return f"criba-demo-{self.username}"


USERS = [
    DemoUser("admin", "Ada", "Admin", None, superuser=True),
    DemoUser("rita", "Rita", "Recruiter", JobRole.RECRUITER, opens_jobs=True),
    DemoUser("hugo", "Hugo", "Manager", JobRole.HIRING_MANAGER),
    DemoUser("ivan", "Ivan", "Interviewer", JobRole.INTERVIEWER),
    DemoUser("olga", "Olga", "Ortega", JobRole.INTERVIEWER),
    DemoUser("nora", "Nora", "Nobody", None),
    # People analytics: reads the outcome and adverse impact reports, no job.
    DemoUser(
        "hana",
        "Hana",
        "Analyst",
        None,
        permissions=("view_outcome_reports", "view_selfid_aggregates"),
    ),
]

JOBS = [
    {"title": "Account Executive", "department": "Sales", "location": "Madrid"},
    {
        "title": "Sales Development Representative",
        "department": "Sales",
        "location": "Remote",
    },
    # A draft with no plan yet: what a recruiter sees right after "New job".
    {
        "title": "Customer Success Manager",
        "department": "Customer Success",
        "location": "Valencia",
        "status": Job.Status.DRAFT,
        "plan": False,
    },
    # Last year's intake, closed: hires with outcomes for the outcome reports.
    {
        "title": demo_cohort.COHORT_JOB,
        "department": "Sales",
        "location": "Madrid",
    },
]


@dataclass(frozen=True)
class DemoCandidate:
    first_name: str
    last_name: str
    job: str
    stage: str
    # What happens to the questionnaire: None (not invited), "sent", "in_progress",
    # "submitted" (answered with care) or "careless" (the same answer throughout).
    questionnaire: str | None
    # Latent standing per scale in SDs; scales not named stand at 0.
    traits: dict[str, float] = field(default_factory=dict)
    language: str = "en"
    rejected_because: str = ""
    # Withdraws after the questionnaire and asks for their personal data to be
    # erased: the demo then shows an erased candidate whose scores remain.
    erased_on_request: bool = False

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()


AE, SDR, CSM, _COHORT = (spec["title"] for spec in JOBS)

CANDIDATES = [
    DemoCandidate(
        "Lucia",
        "Fernandez",
        AE,
        Stage.INTERVIEWING,
        "submitted",
        {
            "self_discipline": 1.2,
            "achievement_drive": 1.0,
            "coachability": 0.8,
            "resilience_to_rejection": 0.9,
            "negativity_blame": -0.8,
        },
    ),
    DemoCandidate(
        "Marcus",
        "Chen",
        AE,
        Stage.ASSESSING,
        "submitted",
        {"achievement_drive": 0.6, "coachability": -0.3, "negativity_blame": 0.2},
    ),
    DemoCandidate(
        "Priya",
        "Natarajan",
        AE,
        Stage.OFFER,
        "submitted",
        {
            "self_discipline": 0.7,
            "achievement_drive": 1.3,
            "coachability": 1.1,
            "resilience_to_rejection": 0.4,
            "negativity_blame": -1.0,
        },
    ),
    DemoCandidate("Tom", "Becker", AE, Stage.ASSESSING, "careless"),
    DemoCandidate(
        "Sofia",
        "Romero",
        AE,
        Stage.ASSESSING,
        "in_progress",
        {"coachability": 0.5},
        language="es",
    ),
    DemoCandidate(
        "Daniel",
        "Okafor",
        SDR,
        Stage.ASSESSING,
        "submitted",
        {
            "self_discipline": -0.9,
            "achievement_drive": 0.3,
            "coachability": -0.6,
            "resilience_to_rejection": -0.4,
            "negativity_blame": 1.1,
        },
    ),
    DemoCandidate("Emma", "Larsen", SDR, Stage.ASSESSING, "sent"),
    # More of the Account Executive pipeline, so filters, sorting and the groups
    # of the margin of error have something to work on.
    DemoCandidate(
        "Hannah",
        "Schmidt",
        AE,
        Stage.ASSESSING,
        "submitted",
        {"self_discipline": 0.9, "achievement_drive": 0.8, "negativity_blame": -0.4},
    ),
    DemoCandidate(
        "Mateo",
        "Silva",
        AE,
        Stage.ASSESSING,
        "submitted",
        {"self_discipline": 1.0, "achievement_drive": 0.7, "coachability": 0.6},
        language="es",
    ),
    DemoCandidate(
        "Grace",
        "Owusu",
        AE,
        Stage.ASSESSING,
        "submitted",
        {"self_discipline": -0.7, "coachability": -0.5, "negativity_blame": 0.9},
    ),
    DemoCandidate("Liam", "Byrne", AE, Stage.ASSESSING, "careless"),
    DemoCandidate("Yuki", "Tanaka", AE, Stage.APPLIED, None),
    DemoCandidate("Omar", "Haddad", AE, Stage.APPLIED, None),
    DemoCandidate("Elena", "Popescu", AE, Stage.APPLIED, None, language="es"),
    DemoCandidate("Noah", "Dubois", CSM, Stage.APPLIED, None),
    DemoCandidate("Zara", "Ali", CSM, Stage.APPLIED, None),
    DemoCandidate("Jonas", "Weber", SDR, Stage.APPLIED, None),
    DemoCandidate(
        "Aisha",
        "Rahman",
        SDR,
        Stage.APPLIED,
        None,
        rejected_because="Needs visa sponsorship, which this role cannot offer.",
    ),
    DemoCandidate(
        "Lena",
        "Vogt",
        AE,
        Stage.ASSESSING,
        "submitted",
        traits={"achievement_drive": 0.4, "self_discipline": 0.2},
        erased_on_request=True,
    ),
]

DEMO_ERASURE = "demo"
DEMO_NOTICE_EN = """\
About this demo
This deployment holds demonstration data only.

A person decides
Scores inform the hiring team; a person makes every decision."""
DEMO_NOTICE_ES = """\
Sobre esta demostración
Este despliegue solo contiene datos de demostración.

Decide una persona
Las puntuaciones informan al equipo; una persona toma cada decisión."""


@dataclass(frozen=True)
class DemoInterview:
    """An interview of a demo candidate at ``hour`` o'clock (the jobs' time
    zone, the server's) on a working day: ``days`` working days after today
    when positive; otherwise ``-days`` working days before the latest working
    day on which an interview at that hour is already over (see
    `interview_slot`), so a demo seeded at night or on a Sunday still shows
    interviews held and to come in office hours.

    ``scorecards`` maps an interviewer to their ratings of the six competencies of
    the starter rubric (None: no decision) and recommendation; panelists not named
    have not submitted yet.
    """

    candidate_email: str
    days: int
    hour: int
    scorecards: dict[str, tuple[list, str]] = field(default_factory=dict)
    panel: tuple[str, ...] = ("ivan", "olga")


RUBRIC_KEYS = (
    "prospecting_discipline",
    "motivation_goals",
    "coachability",
    "resilience_rejection",
    "accountability",
    "customer_focus",
)

INTERVIEWS = [
    # Complete, with one competency in clear disagreement: Ivan heard a candidate
    # who argued with feedback, Olga one who used it.
    DemoInterview(
        "lucia.fernandez@example.com",
        -1,
        10,
        {
            "ivan": ([4, 4, 1, 4, 4, 3], "yes"),
            "olga": ([4, 5, 5, 4, 3, 4], "strong_yes"),
        },
    ),
    # Complete, and the panel agrees.
    DemoInterview(
        "priya.natarajan@example.com",
        -3,
        12,
        {
            "ivan": ([4, 5, 4, 4, 5, 4], "strong_yes"),
            "olga": ([4, 4, 4, 4, 5, 4], "strong_yes"),
        },
    ),
    # The latest one held; Olga has submitted, Ivan has not: his kit is open and
    # her scorecard stays hidden from him until he submits.
    DemoInterview(
        "daniel.okafor@example.com",
        0,
        15,
        {"olga": ([2, 3, 2, None, 2, 3], "no")},
    ),
    # The next working day: nothing to rate yet.
    DemoInterview("marcus.chen@example.com", 1, 10),
]
# How long each demo interview lasts.
INTERVIEW_MINUTES = 60
# A candidate interviewed before the seeding applied and answered the
# questionnaire this long before the interview, which was put in the calendar
# this long before it.
ANSWERED_BEFORE_INTERVIEW = timedelta(days=2)
SCHEDULED_BEFORE_INTERVIEW = timedelta(days=1)


def _working_day(day: date, step: int) -> date:
    """The next (``step`` 1) or previous (-1) weekday after ``day``."""
    day += timedelta(days=step)
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def interview_slot(*, now: datetime, days: int, hour: int) -> datetime:
    """When a demo interview starts (see `DemoInterview`): at ``hour`` in the
    current time zone on a weekday, over by ``now`` when ``days`` <= 0 and
    after ``now`` when ``days`` > 0."""
    local = timezone.localtime(now)
    day = local.date()
    if days > 0:
        for _step in range(days):
            day = _working_day(day, 1)
    else:
        ends = datetime.combine(day, time(hour)) + timedelta(minutes=INTERVIEW_MINUTES)
        if day.weekday() >= 5 or local.replace(tzinfo=None) < ends:
            day = _working_day(day, -1)
        for _step in range(-days):
            day = _working_day(day, -1)
    return timezone.make_aware(datetime.combine(day, time(hour)))


# The cohort's job is closed this long after its last decision.
CLOSED_HOURS_AFTER = 2
# What Hugo noted at the check-ins of the demo's development plan.
CHECK_IN_NOTES = {
    30: "Shadowed five discovery calls and ran two on her own. Agreed to ask for "
    "feedback on one recorded call a week.",
    60: "Feedback is turning into changes: her call openings are shorter and she "
    "logs every follow-up the same day.",
    90: "Working on her own pipeline now. Keep the weekly call review; next step "
    "is leading a demo with a new account.",
}

EVIDENCE = {
    1: "Described arguing with the manager's feedback and changing nothing.",
    5: "Gave a specific example with numbers, what they did and what changed.",
}


def _likert(center: float, rng: random.Random, low: int, high: int) -> int:
    return max(low, min(high, round(center + rng.gauss(0, 0.6))))


def answers_for(
    definition: dict, candidate: DemoCandidate, rng: random.Random
) -> dict[str, int]:
    """Plausible answers: each scale's items scatter around the candidate's trait.

    A trait of +1 puts the scale mean one norm SD above the norm mean. Reverse-keyed
    items are answered from the other end of the scale, instructed
    items correctly, infrequency items with disagreement; a careless candidate
    gives the same answer to everything.
    """
    low = int(definition["answer_scale"]["min"])
    high = int(definition["answer_scale"]["max"])
    if candidate.questionnaire == "careless":
        return {
            key: high - 1
            for section in ("items", "instructed", "infrequency", "impression")
            for key in (item["key"] for item in definition.get(section, []))
        }
    middle = (low + high) / 2
    # Where the person's scale mean lands: the norm mean, moved by their standing
    # (which wobbles a little around the profile) times the norm SD.
    target = {
        scale["key"]: scale["norms"]["mean"]
        + scale["norms"]["sd"]
        * (candidate.traits.get(scale["key"], 0.0) + rng.gauss(0, 0.25))
        for scale in definition["scales"]
    }
    answers: dict[str, int] = {}
    for item in definition["items"]:
        center = target[item["scale"]]
        if item["keyed"] == -1:
            center = low + high - center
        answers[item["key"]] = _likert(center, rng, low, high)
    for item in definition.get("instructed", []):
        answers[item["key"]] = int(item["expected"])
    for item in definition.get("infrequency", []):
        answers[item["key"]] = rng.choice([low, low, low + 1])
    for item in definition.get("impression", []):
        answers[item["key"]] = _likert(middle, rng, low, high)
    return answers


def _scorecard(
    interviewer, interview: Interview, ratings: list, recommendation: str, now=None
):
    """Submit the interviewer's ratings of the starter rubric's six competencies
    (None: no decision), with the evidence an interviewer would write."""
    scorecard_submit(
        now=now,
        access=interview_access(user=interviewer, interview_id=interview.pk),
        scorecard=ScorecardInput(
            ratings=dict(zip(RUBRIC_KEYS, ratings, strict=True)),
            notes={
                key: EVIDENCE.get(
                    rating, "Answered the question with a general example."
                )
                for key, rating in zip(RUBRIC_KEYS, ratings, strict=True)
                if rating is not None
            },
            recommendation=recommendation,
        ),
    )


def _cohort_outcomes_draw(
    people: list[demo_cohort.Applicant], today: date
) -> tuple[list[tuple[demo_cohort.Applicant, dict]], demo_cohort.Applicant]:
    """Start dates and outcomes of all but the last two hires, whose are still
    to record (the outcome form on their page is empty), and the hire whose
    development plan the demo shares: one of the intake like the others, who
    started in 2025 on the Inside sales team and is still there."""
    rng = random.Random(demo_cohort.COHORT_SEED + 3)  # noqa: S311 - demo data
    hires = [p for p in people if p.hired][:-2]
    outcomes = []
    for number, person in enumerate(hires):
        # In turn, so each team gets hires of every standing.
        person.team = demo_cohort.TEAMS[number % len(demo_cohort.TEAMS)]
        person.start_date = demo_cohort.start_date_for(person, rng)
        outcomes.append((person, demo_cohort.outcome_for(person, today, rng)))
        person.left = outcomes[-1][1]["leaving_date"] is not None
    # A plan is for someone still on the team: a hire who has left has no first
    # 90 days ahead and no manager to share it with.
    planned = next(
        person
        for person in hires
        if person.team[1] == "Inside sales" and not person.left
    )
    return outcomes, planned


class Command(BaseCommand):
    help = (
        "Create demo users, jobs, candidates and questionnaires (idempotent). "
        "The passwords are published: for a local demo only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (creates users with known passwords).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with published passwords; it runs only with "
                "DJANGO_DEBUG=true (or --force on a throwaway database)"
            )
        instrument = Instrument.objects.filter(slug=INSTRUMENT_SLUG).first()
        version = instrument.latest_version() if instrument else None
        if version is None:
            raise CommandError(
                f"The {INSTRUMENT_SLUG!r} questionnaire is not loaded: "
                "run load_instruments first"
            )
        rubric = Rubric.objects.filter(slug=RUBRIC_SLUG).first()
        self.rubric = rubric
        self.created: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.submitted: list[int] = []
        # Applications whose interview was held before the seeding, and when.
        self.held_before: dict[int, datetime] = {}
        # The messages that each committed row asks for are held: the scoring and
        # aggregation are done below, by the services their tasks call, and the
        # rest (the relay's wakes above all) go out once each when seeding ends.
        with messages_coalesced(
            done_here=(
                QUESTIONNAIRE_SCORE_TASK,
                INTERVIEW_AGGREGATE_TASK,
                # The one invitation that is sent is sent here and now.
                INVITATION_EMAIL_TASK,
            )
        ):
            # One transaction: a failure leaves nothing half seeded.
            with transaction.atomic():
                self._privacy_notice()
                users = {user.username: self._user(user) for user in USERS}
                jobs = {
                    spec["title"]: self._job(spec, users, instrument) for spec in JOBS
                }
                rng = random.Random(SEED)  # noqa: S311 - demo answers, not secrets
                for candidate in CANDIDATES:
                    # Every candidate draws from the stream, created or not, so
                    # the answers of each stay the same whatever was seeded before.
                    candidate_rng = random.Random(rng.getrandbits(32))  # noqa: S311
                    self._candidate(
                        candidate, jobs[candidate.job], users, candidate_rng
                    )
                self._webhook_endpoint()
                seeded = self._interviews(users) if rubric else []
                if rubric:
                    self._cohort(users, jobs[demo_cohort.COHORT_JOB])
            # After the commit, as a worker would, so the results and the
            # debriefs show at once.
            for invitation_id in Invitation.objects.filter(
                pk__in=self.submitted, status=Invitation.Status.SUBMITTED
            ).values_list("pk", flat=True):
                questionnaire_score(invitation_id=invitation_id)
            for interview in seeded:
                interview_aggregate(interview_id=interview.pk)
            with transaction.atomic():
                for application_id, interview_at in self.held_before.items():
                    pipeline_move_before(
                        application_id=application_id,
                        moment=interview_at - ANSWERED_BEFORE_INTERVIEW,
                        scheduled=interview_at - SCHEDULED_BEFORE_INTERVIEW,
                    )
        if rubric is None:
            self.stdout.write(
                f"The {RUBRIC_SLUG!r} rubric is not loaded: no interviews seeded "
                "(run load_instruments)"
            )
        self._report()

    # --- pieces -------------------------------------------------------------------

    def _user(self, spec: DemoUser):
        model = get_user_model()
        user, created = model.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.com",
                "is_staff": spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        if created:
            user.set_password(spec.password)
            user.save(update_fields=["password"])
            self.created.append(f"user {spec.username}")
        codenames = (*(("add_job",) if spec.opens_jobs else ()), *spec.permissions)
        if codenames:
            user.user_permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="hiring", codename__in=codenames
                )
            )
        return user

    def _job(self, spec: dict, users: dict, instrument):
        job = Job.objects.filter(title=spec["title"]).first()
        if job is None:
            job = job_create(
                title=spec["title"],
                department=spec["department"],
                location=spec["location"],
                status=spec.get("status", Job.Status.OPEN),
            )
            self.created.append(f"job {job.title}")
        for demo_user in USERS:
            if demo_user.role is not None:
                JobMember.objects.get_or_create(
                    job=job,
                    user=users[demo_user.username],
                    defaults={"role": demo_user.role},
                )
        if not spec.get("plan", True):
            return job
        defaults = instrument.latest_version().definition["plan_defaults"]
        plan, created = AssessmentPlan.objects.get_or_create(
            job=job,
            defaults={
                "instrument": instrument,
                "scale_weights": dict(defaults["weights"]),
                "bands": [list(band) for band in defaults["bands"]],
                "rubric": self.rubric,
            },
        )
        if plan.rubric is None and self.rubric is not None:
            plan.rubric = self.rubric
            plan.save(update_fields=["rubric"])
        if created:
            self.created.append(f"assessment plan for {job.title}")
        return job

    def _privacy_notice(self) -> None:
        # The migrations seed version 1; a flushed database gets a short one.
        if not PrivacyNotice.objects.exists():
            privacy_notice_publish(
                text_en=DEMO_NOTICE_EN, text_es=DEMO_NOTICE_ES, user=None
            )
            self.created.append("privacy notice")

    def _candidate(
        self, spec: DemoCandidate, job: Job, users: dict, rng: random.Random
    ) -> None:
        if (
            spec.erased_on_request
            and AuditEvent.objects.filter(
                action=AuditEvent.Action.ERASURE, data__trigger=DEMO_ERASURE
            ).exists()
        ):
            return
        person = Candidate.objects.filter(email=spec.email).first()
        if person is None:
            person = candidate_create(
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=spec.email,
                preferred_language=spec.language,
            )
            self.created.append(f"candidate {person.full_name}")
        application = Application.objects.filter(candidate=person, job=job).first()
        if application is None:
            application = application_create(
                candidate=person, job=job, stage=spec.stage
            )
            self.created.append(f"application {person.full_name} for {job.title}")
        if spec.rejected_because and not application.decision:
            application_decide(
                application=application,
                user=users["hugo"],
                decision=Application.Decision.REJECT,
                reason=spec.rejected_because,
            )
            self.created.append(f"decision on {person.full_name}")
        if spec.questionnaire and not application.invitations.exists():
            self._questionnaire(spec, application, users["rita"], rng)
        if spec.erased_on_request:
            application_decide(
                application=application,
                user=users["rita"],
                decision=Application.Decision.REJECT,
                reason="Withdrew and asked for the personal data to be erased.",
            )
            candidate_erase(candidate=person, actor=None, trigger=DEMO_ERASURE)
            self.created.append(
                f"candidate #{person.pk} erased on request (results kept)"
            )

    def _questionnaire(
        self, spec: DemoCandidate, application: Application, recruiter, rng
    ) -> None:
        name = application.candidate.full_name
        if spec.questionnaire == "sent":
            invitation = invitation_create(application=application, user=recruiter)
            # Sent here and now rather than by the worker, so the demo shows a
            # sent invitation even before the worker starts.
            invitation_email_send(invitation_id=invitation.pk)
            self.links.append((name, application.pk))
            self.created.append(f"invitation sent to {name}")
            return
        invitation = invitation_create(
            application=application,
            user=recruiter,
            send=False,
            # The halfway candidate has an accommodation of double extra time
            # (the most allowed): their link stays halfway for over an hour after
            # seeding, long enough to open it and carry on.
            extra_time_percent=200 if spec.questionnaire == "in_progress" else 0,
        )
        answers = answers_for(invitation.instrument_version.definition, spec, rng)
        pages = taking_pages(invitation)
        if spec.questionnaire == "in_progress":
            pages = pages[:2]
            self.links.append((name, application.pk))
        # A careful candidate reads for about six seconds an item, a careless one
        # clicks through in one; the speed check sees the difference.
        per_item = 1.0 if spec.questionnaire == "careless" else rng.uniform(5, 8)
        at = timezone.now() - timedelta(
            seconds=per_item * sum(len(page) for page in pages) + 60
        )
        taking_start(
            invitation=invitation, language=spec.language, consent=True, now=at
        )
        for number, keys in enumerate(pages):
            page_shown(invitation=invitation, page=number, now=at)
            at += timedelta(seconds=per_item * len(keys))
            answers_save(
                invitation=invitation,
                page=number,
                answers={key: answers[key] for key in keys},
                now=at,
            )
        if spec.questionnaire == "in_progress":
            self.created.append(f"questionnaire in progress for {name}")
            return
        submission_submit(invitation=invitation)
        self.submitted.append(invitation.pk)
        self.created.append(f"questionnaire submitted by {name}")

    def _webhook_endpoint(self) -> None:
        """An ATS endpoint as an administrator would register it. The demo has no
        receiver on the internet, so it is left disabled: enabling it on the
        webhook settings page shows retries and the attempt log."""
        if WebhookEndpoint.objects.filter(name=DEMO_ENDPOINT_NAME).exists():
            return
        WebhookEndpoint.objects.create(
            name=DEMO_ENDPOINT_NAME,
            url="https://ats.example.com/hooks/criba",
            events=["assessment.scored", "application.decided"],
            enabled=False,
            disabled_reason=WebhookEndpoint.DisabledReason.MANUAL,
            secret_encrypted=secret_seal(secret_new()),
        )
        self.created.append(f"webhook endpoint {DEMO_ENDPOINT_NAME} (disabled)")

    def _interviews(self, users: dict) -> list[Interview]:
        seeded = []
        now = timezone.now()
        for spec in INTERVIEWS:
            application = Application.objects.filter(
                candidate__email=spec.candidate_email
            ).first()
            if application is None or application.interviews.exists():
                continue
            scheduled_at = interview_slot(now=now, days=spec.days, hour=spec.hour)
            held = scheduled_at <= now
            interview = interview_schedule(
                user=users["rita"],
                application=application,
                scheduled_at=scheduled_at,
                duration_minutes=INTERVIEW_MINUTES,
                interviewers=[users[name] for name in spec.panel],
                title="Structured sales interview",
                location="Room 2 / video link in the calendar entry",
                # The panel of an interview already held was invited before it;
                # an invitation now would ask them to rate what they have rated.
                notify=not held,
            )
            if held:
                # Its application, questionnaire and scheduling came before it:
                # moved back once the results are in (see handle).
                self.held_before[application.pk] = scheduled_at
            name = application.candidate.full_name
            self.created.append(f"interview with {name}")
            for username, (ratings, recommendation) in spec.scorecards.items():
                _scorecard(users[username], interview, ratings, recommendation)
                self.created.append(f"scorecard of {username} on {name}")
            seeded.append(interview)
        return seeded

    def _cohort(self, users: dict, job: Job) -> None:
        """Last year's intake, from application to outcome (see demo_cohort),
        dated as it happened once the hires' start dates are known."""
        if job.applications.exists():
            return
        rng = random.Random(demo_cohort.COHORT_SEED + 1)  # noqa: S311 - demo data
        people = demo_cohort.applicants_draw()
        quiet = len(self.created)
        for person in people:
            candidate = candidate_create(
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                preferred_language=person.language,
            )
            person.application = application_create(
                candidate=candidate, job=job, stage=Stage.ASSESSING
            )
            person.questionnaire = "careless" if person.careless else "submitted"
            self._questionnaire(person, person.application, users["rita"], rng)
        results = {
            result.invitation.application_id: result
            for result in results_compute_and_store(
                invitation_ids=[
                    invitation.pk
                    for person in people
                    for invitation in person.application.invitations.all()
                ]
            )
        }
        # The stronger half by composite goes on to the interview; an invalid
        # result is not read, so that person is not advanced on it.
        ranked = sorted(
            (p for p in people if results[p.application.pk].composite is not None),
            key=lambda p: results[p.application.pk].composite,
            reverse=True,
        )
        advancing = {p.index for p in ranked[: len(ranked) * 55 // 100]}
        # Who is interviewed, how the panel rates them and who is hired; then
        # the hires' start dates and outcomes, so that every step before the
        # start is dated from it (demo_cohort.history_for).
        for person in people:
            person.interviewed = person.index in advancing
            if person.interviewed:
                person.notes["cards"] = demo_cohort.interview_ratings(person, rng)
        interviewed = [p for p in people if p.interviewed]
        interviewed.sort(
            key=lambda p: sum(sum(card[0]) for card in p.notes["cards"]), reverse=True
        )
        for number, person in enumerate(interviewed):
            person.hired = number < len(interviewed) * 55 // 100
        today = timezone.localdate()
        outcomes, planned = _cohort_outcomes_draw(people, today)
        history_rng = random.Random(demo_cohort.COHORT_SEED + 4)  # noqa: S311
        for person in people:
            person.history = demo_cohort.history_for(person, history_rng)
        for person in people:
            if not person.interviewed:
                application_decide(
                    application=person.application,
                    user=users["hugo"],
                    decision=Application.Decision.REJECT,
                    reason="Other applicants matched the role more closely.",
                    now=person.history.screened,
                )
                continue
            application_decide(
                application=person.application,
                user=users["hugo"],
                decision=Application.Decision.ADVANCE,
                reason="Strong questionnaire profile; invite to the interview.",
                now=person.history.screened,
            )
            self._cohort_interview(person, users)
        for person in interviewed:
            application_decide(
                application=person.application,
                user=users["hugo"],
                decision=(
                    Application.Decision.HIRE
                    if person.hired
                    else Application.Decision.REJECT
                ),
                reason=(
                    "The panel agreed on a clear hire."
                    if person.hired
                    else "The panel found the evidence for the role too thin."
                ),
                now=person.history.decided,
            )
        answers = demo_cohort.self_identification_answers(people)
        for person in people:
            if person.application.candidate_id in answers:
                self_identification_seed(
                    answers={
                        person.application.candidate_id: answers[
                            person.application.candidate_id
                        ]
                    },
                    now=person.history.self_identified,
                )
        self._cohort_plan(planned, users)
        self._cohort_outcomes_record(outcomes, users, today)
        # Closed once its last decision was taken.
        job_update(
            job=job,
            status=Job.Status.CLOSED,
            now=max(p.history.decided for p in interviewed)
            + timedelta(hours=CLOSED_HOURS_AFTER),
        )
        cohort_history_write(job=job, people=people)
        del self.created[quiet:]
        self.created.append(
            f"{len(people)} applicants to {job.title}: "
            f"{len(interviewed)} interviewed, "
            f"{sum(p.hired for p in people)} hired, {len(outcomes)} with outcomes "
            "(two still to record)"
        )
        self.cohort = people

    def _cohort_plan(self, planned, users: dict) -> None:
        """The development plan of one hire, as it went in 2025: on her first day
        the recruiter records her start and manager and generates the plan, she
        shares it with Hugo that evening, and he keeps its three check-ins on
        their days. Each step at its moment, audit rows included."""
        start = planned.start_date
        first_day = timezone.make_aware(datetime.combine(start, time(9, 30)))
        hire_outcome_record(
            application=planned.application,
            by=users["rita"],
            start_date=start,
            manager_name=planned.team[0],
            team=planned.team[1],
            manager=users["hugo"],
            now=first_day,
        )
        plan = development_plan_generate(
            application=planned.application,
            user=users["rita"],
            now=first_day + timedelta(minutes=20),
        )
        development_plan_share(
            plan=plan, share=True, now=first_day + timedelta(hours=10)
        )
        for check_in in plan.check_ins.all():
            held_on = demo_cohort.weekday(check_in.due_on)
            development_check_in_update(
                check_in=check_in,
                user=users["hugo"],
                notes=CHECK_IN_NOTES[check_in.day],
                held_on=held_on,
                now=timezone.make_aware(datetime.combine(held_on, time(16, 30))),
            )

    def _cohort_outcomes_record(
        self, outcomes: list[tuple], users: dict, today: date
    ) -> None:
        """Record the drawn outcomes at the seeding, as a recruiter catching up
        on them would."""
        for person, values in outcomes:
            quotas = [
                QuotaInput(
                    year=year, quarter=quarter, attainment_percent=Decimal(str(v))
                )
                for year, quarter, v in values.pop("quotas")
            ]
            hire_outcome_record(
                application=person.application,
                by=users["rita"],
                manager=users["hugo"] if person.team[1] == "Inside sales" else None,
                quotas=quotas,
                today=today,
                **values,
            )

    def _cohort_interview(self, person, users: dict) -> Interview:
        """The interview at its time in the person's history, rated by the
        panel within hours and aggregated, as a worker did, once both were in."""
        history = person.history
        interview = interview_schedule(
            user=users["rita"],
            application=person.application,
            scheduled_at=history.interview,
            duration_minutes=60,
            interviewers=[users[username] for username in demo_cohort.PANEL],
            title="Structured sales interview",
            location="Room 2",
            notify=False,  # last year's intake: history, nobody to invite
        )
        for username, (ratings, recommendation), submitted_at in zip(
            demo_cohort.PANEL, person.notes["cards"], history.scorecards, strict=True
        ):
            _scorecard(
                users[username], interview, ratings, recommendation, now=submitted_at
            )
        interview_aggregate(interview_id=interview.pk, now=history.completed)
        return interview

    def _report(self) -> None:
        if self.created:
            self.stdout.write(f"Created {len(self.created)} demo records:")
            for line in self.created:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo data is already in place; nothing added.")
        for name, application_id in self.links:
            self.stdout.write(
                f"{name}'s private link is on {settings.CRIBA_BASE_URL}"
                f"/applications/{application_id}/ (signed in as rita)"
            )
        self.stdout.write("Demo users (for this local demo only):")
        for user in USERS:
            role = user.role.label if user.role else "no role"
            if user.superuser:
                role = "administrator"
            elif user.permissions:
                role = "reads the outcome and adverse impact reports, no job"
            self.stdout.write(f"  {user.username:<6} {user.password:<20} {role}")
