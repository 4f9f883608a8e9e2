"""Factories of the assessment side: instruments, norms, invitations, results and
interviews. Results come from the scoring engine (``tests.factories.results``)."""

import hashlib
import itertools
from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone

from assessments.models import (
    AssessmentPlan,
    Instrument,
    InstrumentVersion,
    Interview,
    Invitation,
    NormSet,
    Panelist,
    QuestionnaireResult,
    Rubric,
    RubricVersion,
)
from assessments.rubric_definitions import rubric_load
from hiring.models import JobMember, JobRole
from tests.factories.hiring import ApplicationFactory
from tests.factories.results import answers_of, result_fields

_tokens = itertools.count(1)


def _scale(key: str, en: str, es: str, *, higher_is_better: bool = True) -> dict:
    return {
        "key": key,
        "name": {"en": en, "es": es},
        "higher_is_better": higher_is_better,
        "reliability": 0.84,  # SEM 4.0 on the T metric
    }


def _items(prefix: str, scale: str) -> list[dict]:
    return [
        {"key": f"{prefix}{i}", "scale": scale, "keyed": 1, "text": {"en": f"{i}"}}
        for i in range(1, 10)
    ]


DEFINITION = {
    "slug": "pages-test",
    "languages": ["en", "es"],
    "time_limit_minutes": 20,
    "items_per_page": 9,
    "answer_scale": {"min": 1, "max": 5},
    "scales": [
        _scale("drive", "Drive", "Empuje"),
        _scale("discipline", "Self-discipline", "Autodisciplina"),
        _scale(
            "blame",
            "Negativity and blame",
            "Negatividad y culpa",
            higher_is_better=False,
        ),
    ],
    "items": [
        *_items("dr", "drive"),
        *_items("di", "discipline"),
        *_items("bl", "blame"),
    ],
    "instructed": [
        {"key": "ir1", "expected": 4, "text": {"en": "Choose Agree."}},
        {"key": "ir2", "expected": 2, "text": {"en": "Choose Disagree."}},
    ],
    "plan_defaults": {
        "weights": {"drive": 0.6, "blame": -0.4},
        "bands": [
            [0.5, "strong_fit"],
            [0.0, "fit"],
            [-0.5, "borderline"],
            [None, "not_recommended"],
        ],
    },
}

# Drive: mean 38/9 = 4.22, z 1.2 against the norms below, T 62; discipline: 3 of 9
# answered, too few to score; blame: mean 23/9 = 2.56, z .59. Composite .6 x 1.20
# - .4 x .59 = .49: "fit", just below the "strong fit" cut at .5.
ANSWERS = {
    "drive": [5, 4, 4, 4, 4, 4, 5, 4, 4],
    "discipline": [4, 4, 4],
    "blame": [3, 3, 2, 3, 2, 3, 2, 3, 2],
}
# Every page answered in 12 s: 1.3 s per statement on a page of nine, too fast.
HURRIED_PAGE_SECONDS = 12.0


def plan_from_defaults(job, version) -> AssessmentPlan:
    """The job's assessment plan with the questionnaire version's own weights and
    bands, as a recruiter who accepts the defaults saves it."""
    defaults = version.definition["plan_defaults"]
    return AssessmentPlan.objects.create(
        job=job,
        instrument=version.instrument,
        scale_weights=dict(defaults["weights"]),
        bands=[list(band) for band in defaults["bands"]],
    )


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ("slug",)

    slug = "pages-test"
    name = "Pages test questionnaire"


class InstrumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentVersion
        django_get_or_create = ("instrument", "version")

    instrument = factory.SubFactory(InstrumentFactory)
    version = 1
    definition = DEFINITION
    checksum = factory.Sequence(lambda n: f"{n:064d}")
    source_file = "pages-test.yaml"


class NormSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NormSet

    version = factory.SubFactory(InstrumentVersionFactory)
    source = NormSet.Source.PROVISIONAL
    scales = {
        "drive": {"mean": 3.5, "sd": 0.6, "n": 0},
        "discipline": {"mean": 3.8, "sd": 0.6, "n": 0},
        "blame": {"mean": 2.2, "sd": 0.6, "n": 0},
    }


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    application = factory.SubFactory(ApplicationFactory)
    instrument_version = factory.SubFactory(InstrumentVersionFactory)
    token_hash = factory.LazyFunction(
        lambda: hashlib.sha256(f"token-{next(_tokens)}".encode()).hexdigest()
    )
    status = Invitation.Status.SENT
    item_order_seed = 7
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class QuestionnaireResultFactory(factory.django.DjangoModelFactory):
    """A stored result as the engine computes it for ``answers`` (by scale or
    item, see ``results.answers_of``) and ``page_seconds`` (spent on every page);
    a field given explicitly overrides the engine's figure."""

    class Meta:
        model = QuestionnaireResult
        exclude = ("answers", "page_seconds", "computed")

    invitation = factory.SubFactory(InvitationFactory, status=Invitation.Status.SCORED)
    norm_set = factory.LazyAttribute(
        lambda r: NormSetFactory(version=r.invitation.instrument_version)
    )
    answers = ANSWERS
    page_seconds = None
    computed = factory.LazyAttribute(
        lambda r: result_fields(
            version=r.invitation.instrument_version,
            norm_set=r.norm_set,
            answers=answers_of(r.invitation.instrument_version, **r.answers),
            seed=r.invitation.item_order_seed,
            page_seconds=r.page_seconds,
        )
    )
    scoring_version = factory.LazyAttribute(lambda r: r.computed["scoring_version"])
    scales = factory.LazyAttribute(lambda r: r.computed["scales"])
    validity = factory.LazyAttribute(lambda r: r.computed["validity"])
    validity_status = factory.LazyAttribute(lambda r: r.computed["validity_status"])
    composite = factory.LazyAttribute(lambda r: r.computed["composite"])
    band = factory.LazyAttribute(lambda r: r.computed["band"])
    explanation = factory.LazyAttribute(lambda r: r.computed["explanation"])


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    title = "Sales role play"
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))

    @factory.post_generation
    def interviewers(self, create, extracted, **kwargs):
        if create and extracted:
            _on_the_team(self, extracted)
            self.interviewers.set(extracted)


def _on_the_team(interview: Interview, users) -> None:
    """Panelists are on the job's hiring team, as scheduling requires (as
    interviewers unless they already hold a role)."""
    for user in users:
        JobMember.objects.get_or_create(
            job_id=interview.application.job_id,
            user=user,
            defaults={"role": JobRole.INTERVIEWER},
        )


def _starter_rubric() -> dict:
    return rubric_load(settings.CRIBA_RUBRICS_DIR / "sales-interview.yaml")


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric
        django_get_or_create = ("slug",)

    slug = "sales-interview"
    name = "Sales structured interview"


class RubricVersionFactory(factory.django.DjangoModelFactory):
    """The starter sales rubric, as ``load_instruments`` publishes it."""

    class Meta:
        model = RubricVersion
        django_get_or_create = ("rubric", "version")

    rubric = factory.SubFactory(RubricFactory)
    version = 1
    definition = factory.LazyFunction(_starter_rubric)
    checksum = factory.Sequence(lambda n: f"{n:064d}")
    source_file = "assessments/rubrics/sales-interview.yaml"


class PanelInterviewFactory(factory.django.DjangoModelFactory):
    """An interview on the starter rubric that ended an hour ago, with its panel."""

    class Meta:
        model = Interview
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    rubric_version = factory.SubFactory(RubricVersionFactory)
    title = "Structured interview"
    scheduled_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    duration_minutes = 60

    @factory.post_generation
    def panel(self, create, extracted, **kwargs):
        if create and extracted:
            _on_the_team(self, extracted)
            Panelist.objects.bulk_create(
                Panelist(interview=self, interviewer=user) for user in extracted
            )
