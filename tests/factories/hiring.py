"""Factories of the hiring side: users, jobs and their teams, candidates."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from hiring.models import Application, Candidate, Job, JobMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    title = factory.Sequence(lambda n: f"Account Executive {n}")
    department = "Sales"
    location = "Madrid"


class JobMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobMember

    job = factory.SubFactory(JobFactory)
    user = factory.SubFactory(UserFactory)
    role = "recruiter"


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = factory.Sequence(lambda n: f"Casey{n}")
    last_name = "Rivera"
    email = factory.LazyAttribute(lambda c: f"{c.first_name.lower()}@example.org")
    preferred_language = "en"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateFactory)
    job = factory.SubFactory(JobFactory)


def _starter_rubric() -> dict:
    from django.conf import settings

    from assessments.rubric_definitions import rubric_load

    return rubric_load(settings.CRIBA_RUBRICS_DIR / "sales-interview.yaml")


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Rubric"
        django_get_or_create = ("slug",)

    slug = "sales-interview"
    name = "Sales structured interview"


class RubricVersionFactory(factory.django.DjangoModelFactory):
    """The starter sales rubric, as ``load_instruments`` publishes it."""

    class Meta:
        model = "assessments.RubricVersion"
        django_get_or_create = ("rubric", "version")

    rubric = factory.SubFactory(RubricFactory)
    version = 1
    definition = factory.LazyFunction(_starter_rubric)
    checksum = factory.Sequence(lambda n: f"{n:064d}")
    source_file = "assessments/rubrics/sales-interview.yaml"


class PanelInterviewFactory(factory.django.DjangoModelFactory):
    """An interview on the starter rubric that ended an hour ago, with its panel."""

    class Meta:
        model = "assessments.Interview"
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    rubric_version = factory.SubFactory(RubricVersionFactory)
    title = "Structured interview"
    scheduled_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    duration_minutes = 60

    @factory.post_generation
    def panel(self, create, extracted, **kwargs):
        if create and extracted:
            from assessments.models import Panelist

            Panelist.objects.bulk_create(
                Panelist(interview=self, interviewer=user) for user in extracted
            )
