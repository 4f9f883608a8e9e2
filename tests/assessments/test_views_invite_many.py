"""Several candidates invited in one action, each with their own link and email."""

import pytest
from django.core import mail

from assessments import services
from assessments.models import Invitation
from assessments.tokens import invitation_token
from tests.factories import ApplicationFactory, JobFactory
from tests.hiring.support import logged_in


@pytest.fixture
def emails_sent_now(monkeypatch):
    """The email task run in-process, as the worker would."""

    def send(invitation_id):
        services.invitation_email_send(invitation_id=invitation_id)
        return True

    monkeypatch.setattr(services, "invitation_email_enqueue", send)


def test_it_invites_each_selected_candidate_with_their_own_link(
    client,
    job,
    alice,
    instrument_version,
    emails_sent_now,
    django_capture_on_commit_callbacks,
):
    chosen = ApplicationFactory.create_batch(2, job=job)
    left_out = ApplicationFactory(job=job)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(client, alice).post(
            f"/jobs/{job.pk}/invite/",
            {"application": [a.pk for a in chosen], "back": "stage=applied&q=x"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/?stage=applied&q=x"
    invitations = list(Invitation.objects.filter(application__job=job))
    assert {i.application_id for i in invitations} == {a.pk for a in chosen}
    tokens = {invitation_token(i) for i in invitations}
    assert len(tokens) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        a.candidate.email for a in chosen
    )
    for message in mail.outbox:
        assert sum(token in message.body for token in tokens) == 1
    assert not Invitation.objects.filter(application=left_out).exists()
    page = client.get(response["Location"]).content.decode()
    assert "2 candidates invited" in page


def test_it_invites_the_others_and_says_who_was_not_invited(
    client, job, alice, instrument_version
):
    already = ApplicationFactory(job=job)
    services.invitation_create(application=already, user=alice, send=False)
    other = ApplicationFactory(job=job)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/invite/", {"application": [already.pk, other.pk]}, follow=True
    )

    page = response.content.decode()
    assert "1 candidate invited" in page
    assert f"{already.candidate.full_name} was not invited" in page
    assert "already has an open invitation" in page
    assert Invitation.objects.filter(application=other).count() == 1
    assert Invitation.objects.filter(application=already).count() == 1


@pytest.mark.parametrize("selection", [[], ["x"], "other job"])
def test_it_refuses_a_bad_selection_and_invites_no_one(
    client, job, alice, instrument_version, selection
):
    mine = ApplicationFactory(job=job)
    if selection == "other job":
        selection = [mine.pk, ApplicationFactory(job=JobFactory()).pk]

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/invite/", {"application": selection}
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(("person", "expected"), [("bob", 403), ("charlie", 404)])
def test_it_lets_only_those_who_may_invite(
    client, job, request, instrument_version, person, expected
):
    application = ApplicationFactory(job=job)

    response = logged_in(client, request.getfixturevalue(person)).post(
        f"/jobs/{job.pk}/invite/", {"application": [application.pk]}
    )

    assert response.status_code == expected
    assert not Invitation.objects.exists()


def test_it_invites_no_one_on_a_draft_job(client, job, alice, instrument_version):
    job.status = "draft"
    job.save()
    application = ApplicationFactory(job=job)

    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/invite/", {"application": [application.pk]}, follow=True
    )

    assert "The job is not open" in response.content.decode()
    assert not Invitation.objects.exists()
