"""What the page flushes when it goes away: a beacon's form body, CSRF-checked."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Response

AUTOSAVE = "/take/session/autosave/"


@pytest.fixture
def strict_taking(invited):
    """A browser (CSRF enforced) that started the invitation; (client, invitation,
    csrf token, the first page's keys)."""
    invitation, token = invited
    client = Client(enforce_csrf_checks=True)
    landing = reverse("take:landing", args=[token])
    client.get(landing)
    csrf = client.cookies["csrftoken"].value
    client.post(
        landing,
        {"language": "en", "consent": "on", "csrfmiddlewaretoken": csrf},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    invitation.refresh_from_db()
    keys = services.taking_pages(invitation)[0]
    return client, invitation, client.cookies["csrftoken"].value, keys


def beacon(client, data):
    # What navigator.sendBeacon(url, URLSearchParams) sends from a no-referrer page.
    return client.post(
        AUTOSAVE,
        data,
        content_type="application/x-www-form-urlencoded;charset=UTF-8",
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )


def encoded(fields: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(fields)


def test_it_saves_the_answers_a_beacon_carries(strict_taking):
    client, invitation, csrf, keys = strict_taking

    response = beacon(
        client,
        encoded(
            {
                "csrfmiddlewaretoken": csrf,
                "page": "1",
                f"item-{keys[0]}": "4",
                f"item-{keys[1]}": "2",
            }
        ),
    )

    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 2
    saved = dict(
        Response.objects.filter(invitation=invitation).values_list("item_key", "value")
    )
    assert saved == {keys[0]: 4, keys[1]: 2}


def test_it_refuses_a_beacon_without_the_csrf_token(strict_taking):
    client, invitation, _csrf, keys = strict_taking

    response = beacon(client, encoded({"page": "1", f"item-{keys[0]}": "4"}))

    assert response.status_code == 403
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_refuses_a_beacon_from_another_site(strict_taking):
    client, invitation, csrf, keys = strict_taking

    response = client.post(
        AUTOSAVE,
        encoded({"csrfmiddlewaretoken": csrf, "page": "1", f"item-{keys[0]}": "4"}),
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        secure=True,
    )

    assert response.status_code == 403
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_names_a_bad_page_in_a_beacon(strict_taking):
    client, invitation, csrf, keys = strict_taking

    response = beacon(
        client,
        encoded({"csrfmiddlewaretoken": csrf, "page": "x", f"item-{keys[0]}": "4"}),
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "page number" in response.json()["detail"]
    assert not Response.objects.filter(invitation=invitation).exists()


@pytest.mark.parametrize("page", ["\u00b2", "\u0661", "1\u0662"])
def test_it_names_a_page_written_in_other_digits_in_a_beacon(strict_taking, page):
    client, invitation, csrf, keys = strict_taking

    response = beacon(
        client,
        encoded({"csrfmiddlewaretoken": csrf, "page": page, f"item-{keys[0]}": "4"}),
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "page number" in response.json()["detail"]
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_refuses_a_form_body_that_cannot_be_parsed(strict_taking):
    client, invitation, csrf, keys = strict_taking

    response = client.post(
        AUTOSAVE,
        f"csrfmiddlewaretoken={csrf}&page=1&item-{keys[0]}=4",
        content_type="multipart/form-data",
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "malformed"
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_says_a_page_post_that_cannot_be_parsed_saved_nothing(strict_taking):
    client, invitation, csrf, keys = strict_taking

    response = client.post(
        "/take/session/page/1/",
        f"csrfmiddlewaretoken={csrf}&item-{keys[0]}=4",
        content_type="multipart/form-data; boundary=",
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 400
    assert b'data-reason="invalid"' in response.content
    assert not Response.objects.filter(invitation=invitation).exists()
