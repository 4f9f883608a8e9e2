"""A past intake for the demo: enough hires with outcomes for every report to show
figures.

The "Account Executive, 2025 intake" job had 200 applicants. Each took the
questionnaire; the stronger half was interviewed by a panel of two; sixty were
hired and started in 2025 (one with the development plan the demo shares, kept
through its three check-ins), and most have outcomes: employment at 90 and 180 days,
performance ratings and quota attainment by quarter. The latent model that draws
the answers also draws the outcomes, with a modest true validity (what a real
sales team would see), and one team loses more good hires than their
assessments predicted, so the manager report has something to say. Each
applicant's steps, from application to decision, are dated back from the start
date (`history_for`).

Everything goes through the services the pages and the API use; the random
stream is seeded, so a fresh database always gets the same cohort.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hiring.models import Application, Job, Stage

COHORT_JOB = "Account Executive, 2025 intake"
COHORT_SIZE = 200
COHORT_SEED = 20250107
SCALES = (
    "self_discipline",
    "achievement_drive",
    "coachability",
    "resilience_to_rejection",
    "negativity_blame",
)
COMPETENCIES = (
    "prospecting_discipline",
    "motivation_goals",
    "coachability",
    "resilience_rejection",
    "accountability",
    "customer_focus",
)
# The interview panel of every applicant, in the order of their scorecards.
PANEL = ("ivan", "olga")
# (manager, team, how much harder the team makes staying, in log-odds). Hugo,
# the demo's hiring manager, leads Inside sales with his Criba account.
TEAMS = (
    ("Hugo Manager", "Inside sales", 0.0),
    ("Marco Ruiz", "Field sales", -3.0),
    ("Ines Castro", "Enterprise", 0.2),
)
FIRST_NAMES = (  # noqa: SIM905 - a list of names reads best as prose
    "Alba Ana Andres Ben Carla Chloe David Diego Eva Fatima Gabriel Hugo Irene Isaac "
    "Jade Javier Julia Kai Laura Leo Lucas Maya Miguel Nadia Nico Olivia Pablo Paula "
    "Rosa Ruben Sam Sara Teo Valeria Victor Wen Xavier Yara Zoe Amir"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Abad Baker Campos Diaz Evans Flores Garcia Hall Iglesias Jensen Kim Lopez Moreno "
    "Nguyen Ortiz Perez Quinn Ramos Santos Torres Usman Vidal Walsh Xu Young Zamora "
    "Navarro Gil Molina Cruz Rossi Novak Haddad Mensah Sato"
).split()


@dataclass(frozen=True)
class History:
    """When each step of one applicant's way through the intake happened.

    Everyone has every moment (drawn alike, so the stream stays the same); the
    steps a person did not reach are simply not written.
    """

    applied: datetime
    invited: datetime
    submitted: datetime  # the questionnaire
    scored: datetime
    self_identified: datetime
    screened: datetime  # advanced to the interview, or rejected, on the results
    interview: datetime  # its start; the interview is scheduled right after screening
    scorecards: tuple[datetime, datetime]  # submitted, in the order of PANEL
    completed: datetime  # the interview's result, once both are in
    decided: datetime  # hired or rejected after the interview


@dataclass
class Applicant:
    """One person of the cohort: their latent standing and what it led to."""

    index: int
    first_name: str
    last_name: str
    language: str
    traits: dict[str, float]
    careless: bool
    gender: str
    age_band: str
    questionnaire: str = "submitted"
    application: Application | None = None
    interviewed: bool = False
    hired: bool = False
    team: tuple[str, str, float] | None = None
    start_date: date | None = None
    left: bool = False  # their outcome has a leaving date
    history: History | None = None
    notes: dict = field(default_factory=dict)

    @property
    def email(self) -> str:
        return (
            f"{self.first_name}.{self.last_name}.{self.index:03d}@example.net".lower()
        )

    @property
    def fit(self) -> float:
        """The latent fit the outcomes depend on (negativity counts against)."""
        signs = {key: -1.0 if key == "negativity_blame" else 1.0 for key in SCALES}
        # The scales share a factor (loading .6, unique .8): the sum's variance
        # is k + k (k - 1) .36, so this divides it down to one SD.
        k = len(SCALES)
        return sum(signs[key] * self.traits[key] for key in SCALES) / math.sqrt(
            k + k * (k - 1) * 0.36
        )


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def applicants_draw() -> list[Applicant]:
    """The cohort, drawn from a seeded stream: the same people on every run."""
    rng = random.Random(COHORT_SEED)  # noqa: S311 - demo data, not secrets
    people = []
    for index in range(1, COHORT_SIZE + 1):
        general = rng.gauss(0, 1)
        # The scales share a general factor (r about .35 between scales).
        traits = {key: 0.6 * general + 0.8 * rng.gauss(0, 1) for key in SCALES}
        traits["negativity_blame"] = -traits["negativity_blame"]
        roll = rng.random()
        gender = "woman" if roll < 0.46 else "man" if roll < 0.92 else "prefer_not"
        people.append(
            Applicant(
                index=index,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                language="es" if rng.random() < 0.35 else "en",
                traits=traits,
                careless=index % 47 == 0,
                gender=gender,
                age_band=rng.choice(
                    ["under_25", "25_34", "25_34", "35_44", "35_44", "45_54", "55_plus"]
                ),
            )
        )
    # Three people describe their gender as non-binary: a group under five, whose
    # figures the adverse impact report must not show.
    for person in people[10:13]:
        person.gender = "non_binary"
    _names_made_unique(people)
    return people


def _names_made_unique(people: list[Applicant]) -> None:
    """Give a later namesake the next free last name, so that no two applicants
    share a full name on the pages (the random stream, and so everything else
    drawn from it, is left as it was)."""
    taken: set[tuple[str, str]] = set()
    for person in people:
        last = person.last_name
        while (person.first_name, last) in taken:
            last = LAST_NAMES[(LAST_NAMES.index(last) + 1) % len(LAST_NAMES)]
        person.last_name = last
        taken.add((person.first_name, last))


def self_identification_answers(people: list[Applicant]) -> dict[int, dict]:
    """What each applicant chose to say about themselves: most answer, some
    prefer not to, a few skip the form (no row at all)."""
    rng = random.Random(COHORT_SEED + 2)  # noqa: S311 - demo data
    answers = {}
    for person in people:
        if rng.random() < 0.06:
            continue
        answers[person.application.candidate_id] = {
            "gender": person.gender,
            "age_band": person.age_band if rng.random() < 0.95 else "prefer_not",
        }
    return answers


def start_date_for(person: Applicant, rng: random.Random) -> date:
    return date(2025, 2, 3) + timedelta(days=rng.randrange(0, 240))


def outcome_for(person: Applicant, today: date, rng: random.Random) -> dict:
    """What happened after the start, drawn from the person's fit and team.

    90-day retention has a true point-biserial validity of about .25 against the
    fit; quota attainment about .3; the Field sales team makes staying harder.
    """
    manager, team, team_effect = person.team
    start = person.start_date
    stay_odds = 1.3 + 0.9 * person.fit + team_effect
    leaving = None
    reason = ""
    # Whether they leave in the first 90 days, later, or not at all.
    if rng.random() > _logistic(stay_odds):
        leaving = start + timedelta(days=rng.randrange(20, 89))
    elif rng.random() > _logistic(stay_odds + 0.8):
        leaving = start + timedelta(days=rng.randrange(95, 300))
    if leaving is not None and leaving >= today:
        leaving = None
    if leaving is not None:
        reason = rng.choice(["voluntary", "voluntary", "voluntary", "involuntary"])
    end = leaving or today
    quotas = []
    quarter_start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    year, quarter = quarter_start.year, (quarter_start.month - 1) // 3 + 1
    while True:
        # The first full quarter after the start counts; the one they leave in
        # does not.
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        quarter_end = date(year, 3 * quarter, 1) + timedelta(days=31)
        if quarter_end > end:
            break
        attainment = 92 + 14 * person.fit + rng.gauss(0, 18)
        quotas.append((year, quarter, round(max(5.0, attainment), 1)))
    rating = None
    if end - start >= timedelta(days=150):
        rating = max(1, min(5, round(3 + 0.7 * person.fit + rng.gauss(0, 0.7))))
    return {
        "start_date": start,
        "manager_name": manager,
        "team": team,
        "leaving_date": leaving,
        "leaving_reason": reason,
        "performance_rating": rating,
        "rated_on": min(start + timedelta(days=180), today) if rating else None,
        "quotas": quotas,
    }


def interview_ratings(
    person: Applicant, rng: random.Random
) -> list[tuple[list[int], str]]:
    """Two panelists' ratings of the six competencies, with their own noise."""
    cards = []
    for _ in range(2):
        ratings = [
            max(1, min(5, round(3 + 0.9 * person.fit + rng.gauss(0, 0.8))))
            for _ in COMPETENCIES
        ]
        mean = sum(ratings) / len(ratings)
        recommendation = (
            "strong_yes"
            if mean >= 4.2
            else "yes"
            if mean >= 3.3
            else "no"
            if mean >= 2.3
            else "definitely_not"
        )
        cards.append((ratings, recommendation))
    return cards


def weekday(day: date) -> date:
    """The day itself, or the Friday before a weekend day: the hiring team
    works on weekdays."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _moment(day: date, rng: random.Random, first_hour: int, last_hour: int) -> datetime:
    clock = time(rng.randrange(first_hour, last_hour), rng.randrange(0, 60))
    return timezone.make_aware(datetime.combine(day, clock))


def history_for(person: Applicant, rng: random.Random) -> History:
    """The applicant's way through the intake, counted back from the start date
    (a hire with an outcome) or from a date drawn as a start date would be
    (everyone else), so that application < invitation < submission < screening
    < interview < decision < start, each step on an earlier day than the next.
    Every person draws the same number of values, whatever they reached.
    """
    anchor = person.start_date or start_date_for(person, rng)
    if person.start_date is not None:
        rng.randrange(0, 240)  # the draw the others spend on their anchor
    decided = weekday(anchor - timedelta(days=rng.randrange(10, 29)))
    interviewed = weekday(decided - timedelta(days=rng.randrange(2, 8)))
    screened = weekday(interviewed - timedelta(days=rng.randrange(3, 11)))
    # Candidates answer on any day, at any reasonable hour.
    submitted = screened - timedelta(days=rng.randrange(1, 5))
    invited = weekday(submitted - timedelta(days=rng.randrange(1, 4)))
    applied = invited - timedelta(days=rng.randrange(1, 8))
    interview = timezone.make_aware(
        datetime.combine(interviewed, time(rng.randrange(9, 17), rng.choice((0, 30))))
    )
    # Each panelist writes up within a few hours of the hour-long interview.
    scorecards = tuple(
        interview + timedelta(minutes=60 + rng.randrange(5, 240)) for _ in range(2)
    )
    submitted_at = _moment(submitted, rng, 8, 22)
    return History(
        applied=_moment(applied, rng, 7, 23),
        invited=_moment(invited, rng, 9, 18),
        submitted=submitted_at,
        scored=submitted_at + timedelta(seconds=rng.randrange(3, 40)),
        self_identified=submitted_at + timedelta(seconds=rng.randrange(40, 240)),
        screened=_moment(screened, rng, 9, 18),
        interview=interview,
        scorecards=scorecards,
        completed=max(scorecards) + timedelta(seconds=rng.randrange(1, 20)),
        decided=_moment(decided, rng, 9, 18),
    )


def cohort_job(jobs: dict[str, Job]) -> Job | None:
    return jobs.get(COHORT_JOB)


def hired(application: Application) -> bool:
    return application.stage == Stage.HIRED
