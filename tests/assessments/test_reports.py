"""The report read model: one function for the page and the API, which checks the
capability and audits every read itself."""

import pytest

from assessments.reports import application_overview, job_pipeline, questionnaire_report
from hiring.errors import Forbidden, NotFound
from hiring.models import AuditEvent
from tests.factories import QuestionnaireResultFactory


@pytest.fixture
def result(job):
    return QuestionnaireResultFactory(invitation__application__job=job)


def test_it_builds_the_report_and_audits_the_read_with_its_channel(alice, result):
    report = questionnaire_report(user=alice, result_id=result.pk, channel="api")

    assert report.result == result
    assert [row.key for row in report.rows][:1] == ["drive"]
    assert report.validity_label
    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_VIEWED)
    assert (event.actor, event.object_id, event.data["channel"]) == (
        alice,
        str(result.pk),
        "api",
    )


def test_it_hides_the_result_from_someone_off_the_job(charlie, result):
    with pytest.raises(NotFound):
        questionnaire_report(user=charlie, result_id=result.pk)
    assert not AuditEvent.objects.filter(action="report.viewed").exists()


def test_it_forbids_an_interviewer_the_questionnaire(dana, result):
    with pytest.raises(Forbidden):
        questionnaire_report(user=dana, result_id=result.pk)
    assert not AuditEvent.objects.filter(action="report.viewed").exists()


def test_it_reads_a_pipeline_for_a_team_member_only(job, bob, dana, result):
    pipeline = job_pipeline(user=bob, job_id=job.pk)
    assert [a.pk for a in pipeline.applications] == [result.invitation.application_id]
    assert pipeline.applications[0].current_result == result
    with pytest.raises(Forbidden):
        job_pipeline(user=dana, job_id=job.pk)


def test_it_offers_invitation_actions_only_to_who_may_invite(alice, bob, result):
    application_id = result.invitation.application_id
    assert application_overview(user=alice, application_id=application_id).can_invite
    overview = application_overview(user=bob, application_id=application_id)
    assert not overview.can_invite
    assert not any(i.can_manage for i in overview.application.invitations_newest_first)
