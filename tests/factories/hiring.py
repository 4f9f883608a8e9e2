"""Factories of the hiring side: users, jobs and their teams, candidates."""

import datetime

import factory
from django.contrib.auth import get_user_model

from hiring.models import (
    Application,
    Candidate,
    HireOutcome,
    Job,
    JobMember,
    QuotaAttainment,
    Stage,
)


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


class HireOutcomeFactory(factory.django.DjangoModelFactory):
    """An outcome of a hired application (the application is moved to hired)."""

    class Meta:
        model = HireOutcome

    application = factory.SubFactory(ApplicationFactory, stage=Stage.HIRED)
    start_date = datetime.date(2026, 1, 5)
    manager_name = "Dana Reyes"
    team = "Inside sales"


class QuotaAttainmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaAttainment

    outcome = factory.SubFactory(HireOutcomeFactory)
    year = 2026
    quarter = 1
    attainment_percent = 100
