"""Finishing: the whole walk through, submit once, and the server's deadline."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Invitation, Response
from tests.assessments.taking_support import page_answers, page_url


def time_travel_past_deadline(invitation, seconds: int) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_it_takes_a_candidate_through_every_page_to_done(
    client, invited, scoring_calls, django_capture_on_commit_callbacks
):
    invitation, token = invited
    url = client.post(
        reverse("take:landing", args=[token]), {"language": "en", "consent": "on"}
    )["Location"]
    url = client.get(url)["Location"]
    invitation.refresh_from_db()
    pages = services.taking_pages(invitation)
    for number in range(1, len(pages) + 1):
        assert url == page_url(number)
        response = client.get(url)
        assert response.status_code == 200
        assert f"Page {number} of {len(pages)}" in response.content.decode()
        url = client.post(url, {**page_answers(invitation, number), "action": "next"})[
            "Location"
        ]
    assert url == reverse("take:submit")
    response = client.get(url)
    assert response.status_code == 200
    assert "You have answered every statement" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("take:done")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "your answers were submitted" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.timed_out is False
    assert Response.objects.filter(invitation=invitation).count() == sum(
        len(page) for page in pages
    )
    assert scoring_calls == [invitation.pk]


def test_it_lists_the_pages_with_unanswered_items(client, taking):
    client.post(page_url(1), page_answers(taking, 1))
    page = client.get(reverse("take:submit")).content.decode()
    assert "Some statements are not answered yet" in page
    links = page.split('id="take-unanswered"')[1]
    assert f'href="{page_url(1)}#' not in links
    assert f'href="{page_url(2)}#' in links


def test_it_shows_the_same_confirmation_on_a_double_submit(
    client, taking, scoring_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("take:submit"))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("take:submit"))
    assert first["Location"] == second["Location"] == reverse("take:done")
    assert client.get(reverse("take:done")).status_code == 200
    assert scoring_calls == [taking.pk]


def test_it_sends_every_page_to_done_once_submitted(client, taking, scoring_calls):
    client.post(reverse("take:submit"))
    for url in (page_url(1), reverse("take:resume"), reverse("take:submit")):
        assert client.get(url)["Location"] == reverse("take:done")
    response = client.post(page_url(1), page_answers(taking, 1))
    assert response["Location"] == reverse("take:done")
    assert not Response.objects.exists()
    response = client.post(
        reverse("take:autosave"),
        {"page": 1, "answers": {}},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["next"] == reverse("take:done")


def test_it_sends_done_back_to_the_pages_before_submit(client, taking):
    assert client.get(reverse("take:done"))["Location"] == reverse("take:resume")


def test_it_closes_the_attempt_when_the_time_ran_out(
    client, taking, scoring_calls, django_capture_on_commit_callbacks
):
    client.post(page_url(1), page_answers(taking, 1))
    time_travel_past_deadline(taking, 60)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(page_url(2))
    assert response["Location"] == reverse("take:done")
    page = client.get(reverse("take:done")).content.decode()
    # The title, which a screen reader reads first, says it too.
    assert "<title>Time is up · Criba</title>" in page
    assert "Time is up" in page
    assert "The answers you saved before then were submitted" in page
    taking.refresh_from_db()
    assert taking.status == Invitation.Status.SUBMITTED
    assert taking.timed_out is True
    assert scoring_calls == [taking.pk]


def test_it_refuses_a_page_sent_after_the_time_ran_out(client, taking, scoring_calls):
    time_travel_past_deadline(taking, 60)
    response = client.post(page_url(1), page_answers(taking, 1))
    assert response["Location"] == reverse("take:done")
    assert not Response.objects.exists()
    taking.refresh_from_db()
    assert taking.timed_out is True


def test_it_keeps_a_page_sent_as_the_time_ran_out(client, taking, scoring_calls):
    # The countdown posts the page at zero; it arrives within the grace.
    time_travel_past_deadline(taking, 2)
    response = client.post(page_url(1), page_answers(taking, 1))
    assert response["Location"] == reverse("take:done")
    assert Response.objects.filter(invitation=taking).count() == len(
        services.taking_pages(taking)[0]
    )
    taking.refresh_from_db()
    assert taking.status == Invitation.Status.SUBMITTED
    assert taking.timed_out is True


def test_it_refuses_an_autosave_after_the_time_ran_out(client, taking, scoring_calls):
    time_travel_past_deadline(taking, 60)
    key = services.taking_pages(taking)[0][0]
    response = client.post(
        reverse("take:autosave"),
        {"page": 1, "answers": {key: 3}},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "time_up"
    assert body["next"] == reverse("take:done")
    assert not Response.objects.exists()


def test_it_shows_the_time_left_from_the_server(client, taking):
    Invitation.objects.filter(pk=taking.pk).update(
        deadline_at=timezone.now() + timedelta(minutes=3, seconds=30)
    )
    page = client.get(page_url(1)).content.decode()
    assert 'data-seconds-left="209"' in page or 'data-seconds-left="210"' in page
    assert "3:2" in page or "3:30" in page


def test_it_submits_late_submit_clicks_as_timed_out(client, taking, scoring_calls):
    time_travel_past_deadline(taking, 2)
    assert client.post(reverse("take:submit"))["Location"] == reverse("take:done")
    taking.refresh_from_db()
    assert taking.timed_out is True


def test_it_reopens_done_after_submit_from_the_same_session(
    client, taking, scoring_calls
):
    client.post(reverse("take:submit"))
    for _ in range(2):
        response = client.get(reverse("take:done"))
        assert response.status_code == 200


def test_it_speaks_spanish_on_every_page(client, invited, scoring_calls):
    _invitation, token = invited
    landing = reverse("take:landing", args=[token])
    client.post(landing, {"language": "es", "consent": "on"})
    for url in (page_url(1), reverse("take:submit")):
        response = client.get(url)
        assert '<html lang="es">' in response.content.decode()
        assert response["Content-Language"] == "es"
    client.post(reverse("take:submit"))
    response = client.get(reverse("take:done"))
    assert '<html lang="es">' in response.content.decode()
