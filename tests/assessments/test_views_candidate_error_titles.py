"""A candidate page shown again with an error says so in its title, the first
thing a screen reader reads when a page loads, in the candidate's language."""

import re

from django.urls import reverse

from assessments import services
from tests.assessments.taking_support import page_answers, page_url


def title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)
    assert found is not None
    return " ".join(found.group(1).split())


def test_it_titles_the_landing_page_without_consent_as_an_error(client, invited):
    _invitation, token = invited
    url = reverse("take:landing", args=[token])
    assert not title(client.get(url)).startswith("Error:")

    response = client.post(url, {"language": "en"})

    assert response.status_code == 400
    assert title(response) == "Error: Account Executive · Questionnaire · Criba"


def test_it_titles_the_error_in_the_candidates_language(client, invited):
    _invitation, token = invited

    response = client.post(reverse("take:landing", args=[token]), {"language": "es"})

    assert response.status_code == 400
    assert title(response) == "Error: Account Executive · Cuestionario · Criba"


def test_it_titles_a_refused_page_as_an_error(client, taking):
    assert not title(client.get(page_url(1))).startswith("Error:")
    answers = page_answers(taking, 1)
    answers[f"item-{services.taking_pages(taking)[0][0]}"] = "9"

    response = client.post(page_url(1), answers)

    assert response.status_code == 400
    assert title(response) == ("Error: Page 1 of 6 · Sales Drive Questionnaire · Criba")


def test_it_titles_refused_answers_about_the_candidate_as_an_error(
    client, taking, scoring_calls
):
    client.post(reverse("take:submit"))
    assert title(client.get(reverse("take:done"))) == "Thank you · Criba"

    response = client.post(
        reverse("take:self_identify"), {"gender": "bogus", "age_band": "under_25"}
    )

    assert response.status_code == 400
    assert title(response) == "Error: Thank you · Criba"
