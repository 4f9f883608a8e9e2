"""Pages of items: saving, resuming, autosave and bad input."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Invitation, PageTiming, Response
from assessments.views.candidate import _scale_points
from tests.assessments.taking_support import page_answers, page_url


def autosave(client, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(
        reverse("take:autosave"), body, content_type="application/json", **extra
    )


def is_checked(page: str, key: str, value: int) -> bool:
    tag = re.search(rf'<input[^>]*id="item-{key}-{value}"[^>]*>', page)
    return tag is not None and " checked" in tag.group(0)


def test_it_shows_a_page_of_items_with_progress(client, taking):
    response = client.get(page_url(2))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    total = len(services.taking_pages(taking))
    assert f"Page 2 of {total}" in page
    assert f'<progress max="{total}" value="2"' in page
    keys = services.taking_pages(taking)[1]
    assert page.count("<fieldset") == len(keys)
    assert page.count("<legend>") == len(keys)
    for key in keys:
        for value in range(1, 6):
            assert f'id="item-{key}-{value}"' in page
            assert f'for="item-{key}-{value}"' in page
    for label in ("Strongly disagree", "Neither agree nor disagree", "Strongly agree"):
        assert label in page


@pytest.mark.parametrize("keys", [("1", "2"), (1, 2)])
def test_it_reads_answer_labels_keyed_by_strings_or_integers(keys):
    labels = {keys[0]: {"en": "No", "es": "No"}, keys[1]: {"en": "Yes", "es": "Sí"}}
    definition = {"answer_scale": {"min": 1, "max": 2, "labels": labels}}
    assert _scale_points(definition, "es") == [(1, "No"), (2, "Sí")]


def test_it_records_when_a_page_is_first_shown(client, taking):
    client.get(page_url(1))
    client.get(page_url(1))
    timing = PageTiming.objects.get(invitation=taking, page=0)
    assert timing.item_count == len(services.taking_pages(taking)[0])


def test_it_saves_the_page_and_moves_on(client, taking):
    response = client.post(page_url(1), {**page_answers(taking, 1), "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == page_url(2)
    assert Response.objects.filter(invitation=taking).count() == len(
        services.taking_pages(taking)[0]
    )


def test_it_saves_the_page_and_goes_back(client, taking):
    response = client.post(page_url(2), {**page_answers(taking, 2), "action": "back"})
    assert response["Location"] == page_url(1)
    assert Response.objects.filter(invitation=taking, page=1).exists()


def test_it_goes_to_submit_after_the_last_page(client, taking):
    last = len(services.taking_pages(taking))
    response = client.post(page_url(last), {"action": "next"})
    assert response["Location"] == reverse("take:submit")


def test_it_resumes_at_the_first_unanswered_page(client, taking):
    client.post(page_url(1), page_answers(taking, 1, value=4))
    keys = services.taking_pages(taking)[1]
    client.post(page_url(2), {f"item-{keys[0]}": "2"})
    response = client.get(reverse("take:resume"))
    assert response["Location"] == page_url(2)
    page = client.get(page_url(2)).content.decode()
    assert is_checked(page, keys[0], 2)
    assert not is_checked(page, keys[0], 3)
    assert not any(is_checked(page, keys[1], value) for value in range(1, 6))
    page = client.get(page_url(1)).content.decode()
    first = services.taking_pages(taking)[0][0]
    assert is_checked(page, first, 4)


def test_it_resumes_in_a_new_browser_from_the_link(client, invited, taking):
    _, token = invited
    client.post(page_url(1), page_answers(taking, 1))
    other = Client()
    response = other.post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )
    assert response["Location"] == reverse("take:resume")
    assert other.get(reverse("take:resume"))["Location"] == page_url(2)
    deadline = taking.deadline_at
    taking.refresh_from_db()
    assert taking.deadline_at == deadline


def test_it_ends_an_older_session_after_a_newer_start(client, invited, taking):
    _, token = invited
    Client().post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )
    response = client.get(page_url(1))
    assert response.status_code == 409
    assert "opened somewhere else" in response.content.decode()
    response = client.post(page_url(1), page_answers(taking, 1))
    assert response.status_code == 409
    assert not Response.objects.exists()
    response = autosave(client, {"page": 1, "answers": {}})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"


def test_it_asks_to_reopen_the_link_without_a_session(client, invited):
    for url in (page_url(1), reverse("take:resume"), reverse("take:submit")):
        response = client.get(url)
        assert response.status_code == 403
        assert response["Referrer-Policy"] == "no-referrer"
        assert "Your session has ended" in response.content.decode()


def test_it_says_a_page_does_not_exist(client, taking):
    total = len(services.taking_pages(taking))
    assert client.get(page_url(total + 1)).status_code == 404
    assert client.get(page_url(0)).status_code == 404


def test_it_says_the_invitation_was_withdrawn_mid_way(client, taking, alice):
    services.invitation_revoke(invitation=taking, user=alice)
    response = client.get(page_url(1))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "problem"),
    [("9", "must be between 1 and 5"), ("0", "must be between 1 and 5"),
     ("abc", "must be a whole number"), ("2.5", "must be a whole number"),
     (" 3 ", "must be a whole number"), ("\u0663", "must be a whole number")],
)  # fmt: skip
def test_it_refuses_a_page_with_a_bad_answer(client, taking, value, problem):
    answers = page_answers(taking, 1)
    keys = services.taking_pages(taking)[0]
    answers[f"item-{keys[-1]}"] = value
    response = client.post(page_url(1), answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"The answer to question {len(keys)} {problem}" in page
    assert "Nothing on this page was saved" in page
    assert not Response.objects.exists()


def test_it_refuses_a_page_with_an_unknown_item(client, taking):
    response = client.post(page_url(1), {**page_answers(taking, 1), "item-zz99": "3"})
    assert response.status_code == 400
    assert "zz99" in response.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_an_item_of_another_page(client, taking):
    other = services.taking_pages(taking)[1][0]
    response = client.post(page_url(1), {f"item-{other}": "3"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_refuses_two_answers_for_one_item(client, taking):
    key = services.taking_pages(taking)[0][0]
    response = client.post(
        page_url(1),
        urlencode([(f"item-{key}", "2"), (f"item-{key}", "4")]),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_it_refuses_an_oversized_page_post(client, taking, encoding):
    answers = {**page_answers(taking, 1), "padding": "x" * (300 * 1024)}
    if encoding == "urlencoded":
        response = client.post(
            page_url(1),
            urlencode(answers),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(page_url(1), answers)
    assert response.status_code == 400
    assert response["Referrer-Policy"] == "no-referrer"
    assert "The request was too large" in response.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_an_oversized_post_with_csrf_checks_on(invited):
    _, token = invited
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("take:landing", args=[token]))
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        reverse("take:landing", args=[token]),
        urlencode({"csrfmiddlewaretoken": csrf, "padding": "x" * (300 * 1024)}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "The request was too large" in response.content.decode()


def test_it_still_checks_csrf(invited):
    invitation, token = invited
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.started_at is None


def test_it_autosaves_one_answer(client, taking):
    key = services.taking_pages(taking)[0][0]
    response = autosave(client, {"page": 1, "answers": {key: 4}})
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    body = response.json()
    assert body["saved"] == 1
    assert 0 < body["seconds_left"] <= 25 * 60
    assert Response.objects.get(invitation=taking, item_key=key).value == 4


def test_it_autosaves_with_the_csrf_token_of_the_form(invited):
    _, token = invited
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("take:landing", args=[token]))
    csrf = browser.cookies["csrftoken"].value
    browser.post(
        reverse("take:landing", args=[token]),
        {"language": "en", "consent": "on", "csrfmiddlewaretoken": csrf},
    )
    invitation = Invitation.objects.get()
    page = browser.get(page_url(1)).content.decode()
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    key = services.taking_pages(invitation)[0][0]
    response = autosave(
        browser, {"page": 1, "answers": {key: 2}}, headers={"X-CSRFToken": form_token}
    )
    assert response.status_code == 200
    assert autosave(browser, {"page": 1, "answers": {key: 2}}).status_code == 403


@pytest.mark.parametrize(
    ("answer", "code"),
    [(9, "out_of_range"), ("abc", "bad_answer"), (2.5, "bad_answer"),
     (" 3 ", "bad_answer"), ("\u0663", "bad_answer"), (None, None)],
)  # fmt: skip
def test_it_refuses_a_bad_autosave_answer(client, taking, answer, code):
    keys = services.taking_pages(taking)[0]
    response = autosave(client, {"page": 1, "answers": {keys[0]: 3, keys[1]: answer}})
    if code is None:  # an empty answer is skipped, not refused
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["title"]
    assert body["detail"].startswith("The answer to question 2 must be")
    assert keys[1] not in body["detail"]
    assert not Response.objects.exists()


def test_it_refuses_an_unknown_item_in_autosave(client, taking):
    response = autosave(client, {"page": 1, "answers": {"zz99": 3}})
    assert response.status_code == 400
    assert "zz99" in response.json()["detail"]


def test_it_shortens_a_long_unknown_key_in_autosave(client, taking):
    response = autosave(client, {"page": 1, "answers": {"z" * 10_000: 3}})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail == f"Unknown item {'z' * 39}… on this page."


@pytest.mark.parametrize(
    "payload",
    ["{not json", "[1, 2]", '"text"', b"\xff\xfe", json.dumps({"answers": {}}),
     json.dumps({"page": "1", "answers": {}}),
     json.dumps({"page": True, "answers": {}}),
     json.dumps({"page": 1, "answers": [3]})],
)  # fmt: skip
def test_it_refuses_a_malformed_autosave(client, taking, payload):
    response = autosave(client, payload)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"title", "detail", "status"}
    assert body["status"] == 400


def test_it_refuses_an_autosave_of_a_page_that_does_not_exist(client, taking):
    response = autosave(client, {"page": 99, "answers": {}})
    assert response.status_code == 400
    assert "Page 99 does not exist" in response.json()["detail"]


def test_it_refuses_an_oversized_autosave(client, taking):
    response = autosave(client, {"page": 1, "answers": {"x": "y" * (300 * 1024)}})
    assert response.status_code == 400
    assert response.json()["code"] == "too_big"


def test_it_autosaves_only_by_post(client, taking):
    assert client.get(reverse("take:autosave")).status_code == 405


def test_it_refuses_autosave_without_a_session(client, invited):
    response = autosave(client, {"page": 1, "answers": {}})
    assert response.status_code == 403
    assert response.json()["code"] == "no_session"
