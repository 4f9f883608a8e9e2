"""The selectors of the recruiter pages: their query shapes and their scoping."""

from assessments.interview_selectors import interviews_of
from assessments.models import Invitation, QuestionnaireResult
from assessments.selectors import (
    application_with_invitations,
    applications_with_latest_results,
    results_on_jobs_of,
)
from hiring.selectors import decision_history
from hiring.services import application_decide
from tests.factories import (
    ApplicationFactory,
    InstrumentVersionFactory,
    InterviewFactory,
    InvitationFactory,
    QuestionnaireResultFactory,
)


def test_it_attaches_the_latest_invitation_and_current_result(
    job, django_assert_num_queries
):
    version = InstrumentVersionFactory()
    result = QuestionnaireResultFactory(
        invitation__application__job=job, invitation__instrument_version=version
    )
    newer = InvitationFactory(
        application=result.invitation.application, instrument_version=version
    )
    plain = ApplicationFactory(job=job)

    with django_assert_num_queries(3):
        applications = {a.pk: a for a in applications_with_latest_results(job=job)}
        scored = applications[result.invitation.application_id]
        assert scored.latest_invitation == newer
        assert scored.current_result == result
        assert scored.current_result.norm_set.is_provisional
        assert applications[plain.pk].latest_invitation is None
        assert applications[plain.pk].current_result is None


def test_it_reads_three_queries_whatever_the_number_of_applications(
    job, django_assert_num_queries
):
    version = InstrumentVersionFactory()
    for _ in range(6):
        QuestionnaireResultFactory(
            invitation__application__job=job, invitation__instrument_version=version
        )

    with django_assert_num_queries(3):
        applications = applications_with_latest_results(job=job)
        assert all(a.current_result.band == "fit" for a in applications)


def test_it_skips_results_that_are_not_current(job):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    QuestionnaireResult.objects.filter(pk=result.pk).update(is_current=False)

    (application,) = applications_with_latest_results(job=job)

    assert application.current_result is None
    assert application.latest_invitation.status == Invitation.Status.SCORED


def test_it_scopes_results_and_applications_to_the_users_jobs(
    job, alice, dana, charlie, admin_user
):
    ours = QuestionnaireResultFactory(invitation__application__job=job)
    theirs = QuestionnaireResultFactory()

    assert list(results_on_jobs_of(alice)) == [ours]
    assert list(results_on_jobs_of(dana)) == [ours]  # the view says 403
    assert list(results_on_jobs_of(charlie)) == []
    assert set(results_on_jobs_of(admin_user)) == {ours, theirs}
    mine = ours.invitation.application_id
    assert application_with_invitations(application_id=mine, user=alice).pk == mine
    other = theirs.invitation.application_id
    assert application_with_invitations(application_id=other, user=alice) is None


def test_it_lists_only_the_interviews_the_user_sits_on(job, alice, dana):
    mine = InterviewFactory(application__job=job, interviewers=[dana])
    InterviewFactory(application__job=job, interviewers=[alice])

    assert list(interviews_of(dana)) == [mine]


def test_it_reads_the_decision_history_from_the_audit_log(application, alice, bob):
    application_decide(
        application=application, user=bob, decision="hold", reason="Wait for refs."
    )
    application_decide(
        application=application, user=alice, decision="reject", reason="No show."
    )

    history = list(decision_history(application=application))

    assert [e.data["decision"] for e in history] == ["reject", "hold"]
    assert [e.actor for e in history] == [alice, bob]
