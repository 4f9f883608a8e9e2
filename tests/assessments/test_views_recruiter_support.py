"""Factories of assessment rows for the recruiter page tests (no tests here).

Results are written directly with the JSON shape the scoring task stores, so the
pages can be tested without running the engine.
"""

import hashlib
import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from assessments.models import (
    Instrument,
    InstrumentVersion,
    Interview,
    Invitation,
    NormSet,
    QuestionnaireResult,
)
from tests.factories import ApplicationFactory

_tokens = itertools.count(1)

DEFINITION = {
    "slug": "pages-test",
    "languages": ["en", "es"],
    "time_limit_minutes": 20,
    "items_per_page": 10,
    "answer_scale": {"min": 1, "max": 5},
    "scales": [
        {"key": "drive", "name": {"en": "Drive", "es": "Empuje"}},
        {
            "key": "discipline",
            "name": {"en": "Self-discipline", "es": "Autodisciplina"},
            "higher_is_better": True,
        },
        {
            "key": "blame",
            "name": {"en": "Negativity and blame", "es": "Negatividad y culpa"},
            "higher_is_better": False,
        },
    ],
}


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
        "blame": {"mean": 2.2, "sd": 0.7, "n": 0},
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


def scale_score(t, *, raw_mean=3.9, sem=4.0):
    """One scale of a result as the scorer stores it; `t=None` for a missing one."""
    if t is None:
        return {
            "raw_mean": None,
            "prorated_sum": None,
            "n_answered": 3,
            "z": None,
            "t": None,
            "t_low": None,
            "t_high": None,
            "percentile": None,
            "sten": None,
            "stanine": None,
            "sem": None,
            "missing": True,
        }
    z = (t - 50) / 10
    return {
        "raw_mean": raw_mean,
        "prorated_sum": raw_mean * 10,
        "n_answered": 10,
        "z": z,
        "t": t,
        "t_low": t - 1.96 * sem,
        "t_high": t + 1.96 * sem,
        "percentile": 88.49 if t == 62 else 50.0,
        "sten": min(10, max(1, int(2 * z + 6))),
        "stanine": min(9, max(1, int(2 * z + 5.5))),
        "sem": sem,
        "missing": False,
    }


def validity(**flags):
    """All nine indices unflagged, except those given as `name=(value, flag)`."""
    names = [
        "longstring",
        "irv",
        "even_odd",
        "mahalanobis",
        "speed",
        "instructed",
        "infrequency",
        "impression",
        "consistency",
    ]
    indices = {name: {"value": 1.0, "flag": False} for name in names}
    for name, (value, flag) in flags.items():
        indices[name] = {"value": value, "flag": flag}
    return indices


class QuestionnaireResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireResult

    invitation = factory.SubFactory(InvitationFactory, status=Invitation.Status.SCORED)
    scoring_version = "1"
    norm_set = factory.LazyAttribute(
        lambda r: NormSetFactory(version=r.invitation.instrument_version)
    )
    scales = factory.LazyFunction(
        lambda: {
            "drive": scale_score(62, raw_mean=4.22),
            "discipline": scale_score(None),
            "blame": scale_score(45, raw_mean=1.9),
        }
    )
    validity = factory.LazyFunction(lambda: validity(longstring=(14, True)))
    validity_status = "questionable"
    composite = 0.49
    band = "fit"
    explanation = factory.LazyFunction(
        lambda: {
            "contributions": [
                {"scale": "drive", "weight": 0.6, "z": 1.2, "contribution": 0.72},
                {"scale": "blame", "weight": -0.4, "z": -0.5, "contribution": 0.2},
            ],
            "band": "fit",
            "missing_scales": [],
            "nearest_cut": 0.5,
            "nearest_cut_label": "strong_fit",
            "distance_to_cut": -0.01,
        }
    )


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
            self.interviewers.set(extracted)
