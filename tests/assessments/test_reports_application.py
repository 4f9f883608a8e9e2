"""The application report combines questionnaire and interview by the plan's
weights, with its band and explanation, and names the parts still missing."""

import pytest

from assessments.models import AssessmentPlan
from assessments.reports import application_report
from hiring.models import AuditEvent
from tests.assessments.interview_support import submit
from tests.factories import PanelInterviewFactory, QuestionnaireResultFactory
from tests.hiring.support import logged_in

BANDS = [
    [0.5, "strong_fit"],
    [0.0, "fit"],
    [-0.5, "borderline"],
    [None, "not_recommended"],
]


@pytest.fixture
def plan(job, instrument_version):
    return AssessmentPlan.objects.create(
        job=job,
        instrument=instrument_version.instrument,
        bands=BANDS,
        questionnaire_weight=0.4,
        interview_weight=0.6,
    )


def test_it_combines_both_parts_by_the_plan_weights(
    application, plan, dana, bob, django_capture_on_commit_callbacks
):
    QuestionnaireResultFactory(invitation__application=application, composite=0.49)
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [4] * 6, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)

    # interview 4.0 -> (4 - 3) / 1 = +1.0; overall .4 x .49 + .6 x 1.0 = .796
    assert report.interview_score == pytest.approx(4.0)
    assert report.overall == pytest.approx(0.4 * 0.49 + 0.6 * 1.0)
    assert report.band == "strong_fit"
    assert report.missing == []
    assert any("weight 60 %" in sentence for sentence in report.sentences)
    assert AuditEvent.objects.filter(action="report.viewed").count() == 1


def test_it_names_the_missing_interview_instead_of_scoring_without_it(
    application, plan, bob
):
    QuestionnaireResultFactory(invitation__application=application)

    report = application_report(user=bob, application_id=application.pk)

    assert report.overall is None
    assert report.missing == ["no interview has a submitted scorecard yet"]


def test_it_says_when_scorecards_are_still_missing(
    application, plan, dana, alice, bob, django_capture_on_commit_callbacks
):
    QuestionnaireResultFactory(invitation__application=application)
    interview = PanelInterviewFactory(application=application, panel=[dana, alice])
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)

    assert report.overall is not None
    assert report.missing == ["some interviewers have not submitted their scorecards"]


def test_it_names_the_missing_questionnaire(
    application, plan, dana, bob, django_capture_on_commit_callbacks
):
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)

    assert report.overall is None
    assert report.missing == ["the questionnaire has no scored result yet"]


def test_it_shows_the_overall_picture_on_the_application_page(
    client, application, plan, dana, bob, django_capture_on_commit_callbacks
):
    QuestionnaireResultFactory(invitation__application=application, composite=0.49)
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [4] * 6, capture=django_capture_on_commit_callbacks)

    page = logged_in(client, bob).get(f"/applications/{application.pk}/")

    html = page.content.decode()
    assert "Overall picture" in html
    assert "Strong fit" in html
    assert f"/interviews/{interview.pk}/debrief/" in html


def test_it_keeps_the_report_from_an_interviewer(client, application, plan, dana):
    assert logged_in(client, dana).get(
        f"/applications/{application.pk}/"
    ).status_code in (
        403,
        404,
    )


def test_it_audits_the_overall_picture_when_the_page_is_read(
    client, application, plan, bob
):
    logged_in(client, bob).get(f"/applications/{application.pk}/")

    event = AuditEvent.objects.get(action="report.viewed")
    assert event.data == {"application": application.pk, "report": "application"}
