"""No interview for a candidate who is no longer in the running: a hired, rejected
or withdrawn application, or one on a job that is not open, is not interviewed
(the rule of invitations), and its page offers neither an invitation nor an
interview, saying why."""

import pytest
from django.core import mail

from assessments.models import AssessmentPlan, Interview
from hiring.models import Job, Stage
from tests.factories import RubricVersionFactory
from tests.hiring.support import logged_in


@pytest.fixture
def plan(job, instrument_version):
    return AssessmentPlan.objects.create(
        job=job,
        instrument=instrument_version.instrument,
        rubric=RubricVersionFactory().rubric,
    )


def _schedule(client, application, panel):
    return client.post(
        f"/applications/{application.pk}/interviews/new/",
        {
            "scheduled_at": "2030-05-04T10:30",
            "duration_minutes": "45",
            "interviewers": [str(user.pk) for user in panel],
        },
    )


@pytest.mark.parametrize("stage", [Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN])
def test_it_schedules_no_interview_for_a_closed_application(
    client, application, plan, alice, dana, stage, django_capture_on_commit_callbacks
):
    application.stage = stage
    application.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = _schedule(logged_in(client, alice), application, [dana])

    assert response.status_code == 409
    assert "This application is closed" in response.content.decode()
    assert not Interview.objects.exists()
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.stage == stage


@pytest.mark.parametrize("status", [Job.Status.CLOSED, Job.Status.DRAFT])
def test_it_schedules_no_interview_on_a_job_that_is_not_open(
    client, application, plan, alice, dana, status
):
    Job.objects.filter(pk=application.job_id).update(status=status)

    response = _schedule(logged_in(client, alice), application, [dana])

    assert response.status_code == 409
    assert "The job is not open" in response.content.decode()
    assert not Interview.objects.exists()


def test_it_offers_no_invitation_or_interview_on_a_closed_application(
    client, application, plan, alice
):
    application.stage = Stage.REJECTED
    application.save()

    html = logged_in(client, alice).get(f"/applications/{application.pk}/").content

    page = html.decode()
    assert 'id="invite-form"' not in page
    assert f"/applications/{application.pk}/interviews/new/" not in page
    assert (
        "No invitation or interview can be added: This application is closed." in page
    )


def test_it_offers_both_on_an_open_application(client, application, plan, alice):
    html = logged_in(client, alice).get(f"/applications/{application.pk}/").content

    page = html.decode()
    assert 'id="invite-form"' in page
    assert f"/applications/{application.pk}/interviews/new/" in page
    assert 'id="no-new-steps"' not in page
