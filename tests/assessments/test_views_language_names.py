"""Recruiter pages name a language ("Spanish", "Español" on a Spanish page), never
by its code ("es")."""

import re

import pytest
from django.utils import translation

from assessments.development import development_plan_generate
from tests.factories import ApplicationFactory, CandidateFactory, InvitationFactory
from tests.factories.development import hire_for
from tests.hiring.support import logged_in


@pytest.fixture
def recruiter(client, alice):
    return logged_in(client, alice)


def _invitation_language_cell(page: str, invitation) -> str:
    row = re.search(
        rf'<tr data-invitation="{invitation.pk}">(.*?)</tr>', page, re.DOTALL
    ).group(1)
    return re.findall(r"<td>(.*?)</td>", row, re.DOTALL)[2].strip()


def test_it_names_the_language_of_each_invitation(recruiter, job):
    application = ApplicationFactory(
        job=job, candidate=CandidateFactory(preferred_language="es")
    )
    spanish = InvitationFactory(application=application, language="es")
    english = InvitationFactory(
        application=application,
        language="en",
        instrument_version=spanish.instrument_version,
    )

    page = recruiter.get(f"/applications/{application.pk}/").content.decode()

    assert _invitation_language_cell(page, spanish) == "Spanish"
    assert _invitation_language_cell(page, english) == "English"


def test_it_names_it_in_the_language_of_the_page(recruiter, job):
    application = ApplicationFactory(job=job)
    invitation = InvitationFactory(application=application, language="es")

    with translation.override("es"):
        page = recruiter.get(
            f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()

    assert _invitation_language_cell(page, invitation) == "Español"


def test_the_development_plan_names_its_language(recruiter, job, alice):
    hire = hire_for(job, language="es")
    development_plan_generate(application=hire, user=alice)

    page = recruiter.get(f"/applications/{hire.pk}/development/").content.decode()

    assert re.search(r"<dt>Language</dt><dd>Spanish</dd>", page)
