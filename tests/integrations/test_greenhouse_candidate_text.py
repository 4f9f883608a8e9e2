"""Greenhouse's candidate object as it arrives: names in any script are kept, a
value Criba refuses is named under `candidate.` as Greenhouse sent it, together
with every other bad field, and nothing is written; a repeated order writes nothing
either."""

import pytest

from hiring.models import Application, AtsCallback, Candidate
from tests.integrations.test_greenhouse import _send, greenhouse, key, plan

pytestmark = pytest.mark.django_db
__all__ = ["greenhouse", "key", "plan"]  # fixtures


def test_it_keeps_names_in_any_script(client, key, plan, job, greenhouse):
    response = _send(
        client, key, job, greenhouse, first_name="Zoë 李", last_name="Ñúñez-Østergård"
    )

    assert response.status_code == 200
    candidate = Candidate.objects.get()
    assert (candidate.first_name, candidate.last_name) == ("Zoë 李", "Ñúñez-Østergård")


def test_it_names_a_control_character_with_the_other_bad_fields(
    client, key, plan, job, greenhouse
):
    response = _send(
        client, key, job, greenhouse, first_name="Ana\nMaría", email="not-one"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"candidate.first_name", "candidate.email"}
    assert not Candidate.objects.exists()
    assert not AtsCallback.objects.exists()


def test_it_names_a_bad_phone_number_as_greenhouse_sent_it(
    client, key, plan, job, greenhouse
):
    response = _send(
        client,
        key,
        job,
        greenhouse,
        phone_numbers=[{"phone_number": "+51\x001 555", "type": "mobile"}],
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"candidate.phone_numbers"}
    assert not Candidate.objects.exists()


def test_a_repeated_send_writes_nothing_a_second_time(
    client, key, plan, job, greenhouse
):
    first = _send(client, key, job, greenhouse).json()["partner_interview_id"]

    # The same order (Greenhouse's URL), its candidate's details edited meanwhile.
    again = _send(client, key, job, greenhouse, email="lucia.paredes@example.org")

    assert again.status_code == 200
    assert again.json()["partner_interview_id"] == first
    assert list(Candidate.objects.values_list("email", flat=True)) == [
        "lucia@example.org"
    ]
    assert Application.objects.count() == 1
    assert AtsCallback.objects.count() == 1
