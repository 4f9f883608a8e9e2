"""The application report combines questionnaire and interview by the plan's
weights, with its band and explanation, and names the parts still missing."""

import pytest
from django.utils import translation

from assessments.models import AssessmentPlan
from assessments.reports import application_report
from hiring.models import AuditEvent
from tests.assessments.interview_support import submit
from tests.factories import (
    JobMemberFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    UserFactory,
)
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


def test_it_leaves_an_invalid_questionnaire_out_of_the_overall(
    client, application, plan, dana, bob, django_capture_on_commit_callbacks
):
    # The answers were judged invalid: the questionnaire report shows no band
    # or composite for them, so neither may the overall. With the composite
    # counted, the overall would be .4 x 1.2 + .6 x 0 = +0.48 ("fit"); without
    # it there is no overall and the reason is named.
    QuestionnaireResultFactory(
        invitation__application=application, composite=1.2, validity_status="invalid"
    )
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [3] * 6, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)
    html = logged_in(client, bob).get(f"/applications/{application.pk}/").content
    overall = html.decode().split("data-overall>")[1].split("</dd>")[0]

    assert report.overall is None
    assert report.band == ""
    assert report.questionnaire is None
    assert report.missing == [
        "the questionnaire's answers are invalid, so its composite is not used: "
        "invite the candidate again or rely on the interview"
    ]
    assert not any("+1.20" in sentence for sentence in report.sentences)
    assert "0.48" not in overall
    assert "Not yet" in overall


def test_it_uses_a_valid_questionnaire_beside_an_invalid_one(
    application, plan, dana, bob, django_capture_on_commit_callbacks
):
    # An invalid retake does not hide the earlier valid result: overall
    # .4 x 0.49 + .6 x (4 - 3) = .796.
    QuestionnaireResultFactory(invitation__application=application, composite=0.49)
    QuestionnaireResultFactory(
        invitation__application=application, composite=1.2, validity_status="invalid"
    )
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [4] * 6, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)

    assert report.overall == pytest.approx(0.4 * 0.49 + 0.6 * 1.0)
    assert report.missing == []


def test_it_bands_an_overall_that_lies_exactly_on_a_cut_in_the_upper_band(
    application, job, bob, instrument_version, django_capture_on_commit_callbacks
):
    # Interview only. Three interviewers; competency means with the starter
    # rubric's weights (1.5, 1, 1, 1.5, 1.5, 1):
    #   (1+5+4)/3, (3+2+1)/3, (2+5+4)/3, (5+1+2)/3, (2+4+3)/3, (3+4+3)/3
    #   = 10/3, 2, 11/3, 8/3, 3, 10/3
    # score = (1.5*10/3 + 2 + 11/3 + 1.5*8/3 + 1.5*3 + 10/3) / 7.5 = 22.5 / 7.5
    # = 3 exactly, so z = 0, on the cut of "fit" (C >= 0). In floating point
    # the weighted mean comes out 2.9999999999999996.
    AssessmentPlan.objects.create(
        job=job,
        instrument=instrument_version.instrument,
        bands=BANDS,
        questionnaire_weight=0,
        interview_weight=1,
    )
    panel = []
    for i in range(3):
        user = UserFactory(username=f"onthecut{i}")
        JobMemberFactory(job=job, user=user, role="interviewer")
        panel.append(user)
    interview = PanelInterviewFactory(application=application, panel=panel)
    ratings = ([1, 3, 2, 5, 2, 3], [5, 2, 5, 1, 4, 4], [4, 1, 4, 2, 3, 3])
    for user, given in zip(panel, ratings, strict=True):
        submit(user, interview, given, capture=django_capture_on_commit_callbacks)

    report = application_report(user=bob, application_id=application.pk)

    assert report.interview_score == pytest.approx(3.0, abs=1e-12)
    assert report.band == "fit"


def test_it_writes_the_figures_the_same_way_as_the_rest_of_the_page(
    application, plan, dana, bob, django_capture_on_commit_callbacks
):
    # Spanish readers saw "0,80" beside "+0.80": one number, two formats.
    QuestionnaireResultFactory(invitation__application=application, composite=-0.49)
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [4] * 6, capture=django_capture_on_commit_callbacks)

    with translation.override("es"):
        report = application_report(user=bob, application_id=application.pk)

    # overall .4 x -.49 + .6 x 1.0 = .404
    assert report.sentences[0].startswith(
        "Puntuación compuesta del cuestionario: \u22120,49"
    )
    assert "4,00 de 5" in report.sentences[1]
    assert "+1,00" in report.sentences[1]
    assert "+0,40" in report.sentences[2]
    assert not any("0.4" in sentence for sentence in report.sentences)


def test_it_signs_the_overall_as_its_sentence_does(
    client, application, plan, dana, bob, django_capture_on_commit_callbacks
):
    QuestionnaireResultFactory(invitation__application=application, composite=0.49)
    interview = PanelInterviewFactory(application=application, panel=[dana])
    submit(dana, interview, [4] * 6, capture=django_capture_on_commit_callbacks)

    html = logged_in(client, bob).get(f"/applications/{application.pk}/").content
    html = html.decode()

    assert "<dd data-overall>+0.80 — Strong fit</dd>" in html
    assert "<p>Overall +0.80, in the band “Strong fit”." in html
