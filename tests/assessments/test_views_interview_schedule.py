"""Scheduling, moving and cancelling from the pages; only recruiters may."""

import pytest
from django.core import mail

from assessments.models import AssessmentPlan, Interview
from tests.factories import PanelInterviewFactory, RubricVersionFactory
from tests.hiring.support import logged_in


@pytest.fixture
def plan(job, instrument_version):
    return AssessmentPlan.objects.create(
        job=job,
        instrument=instrument_version.instrument,
        rubric=RubricVersionFactory().rubric,
    )


def test_it_schedules_from_the_application_page(
    client, application, plan, alice, dana, bob, django_capture_on_commit_callbacks
):
    logged_in(client, alice)
    assert (
        client.get(f"/applications/{application.pk}/interviews/new/").status_code == 200
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/applications/{application.pk}/interviews/new/",
            {
                "scheduled_at": "2030-05-04T10:30",
                "duration_minutes": "45",
                "interviewers": [str(dana.pk), str(bob.pk)],
            },
        )

    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{interview.pk}/"
    assert interview.panelists.count() == 2
    assert len(mail.outbox) == 2


def test_it_explains_a_missing_panel(client, application, plan, alice):
    response = logged_in(client, alice).post(
        f"/applications/{application.pk}/interviews/new/",
        {"scheduled_at": "2030-05-04T10:30", "duration_minutes": "45"},
    )

    assert response.status_code == 400
    assert not Interview.objects.exists()


def test_it_lets_only_recruiters_schedule(client, application, plan, dana, bob):
    for user in (dana, bob):
        response = logged_in(client, user).get(
            f"/applications/{application.pk}/interviews/new/"
        )
        assert response.status_code == 403


def test_it_lets_only_recruiters_move_or_cancel(client, application, dana, alice):
    interview = PanelInterviewFactory(application=application, panel=[dana])

    refused = logged_in(client, dana).post(
        f"/interviews/{interview.pk}/cancel/", {"reason": "I am busy."}
    )
    done = logged_in(client, alice).post(
        f"/interviews/{interview.pk}/cancel/", {"reason": "The candidate withdrew."}
    )

    assert refused.status_code == 403
    assert done.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    page = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert "The candidate withdrew." in page
