"""The debrief: flagged competencies first with their evidence, the questionnaire
beside, and an audited decision that updates the stage."""

import pytest

from hiring.models import AuditEvent, Stage
from tests.assessments.interview_support import submit
from tests.factories import (
    JobMemberFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    UserFactory,
)
from tests.hiring.support import logged_in


def _panel(job, n):
    users = []
    for i in range(n):
        user = UserFactory(username=f"panel{i}")
        JobMemberFactory(job=job, user=user, role="interviewer")
        users.append(user)
    return users


@pytest.fixture
def debriefed(application, job, django_capture_on_commit_callbacks):
    dana, erin = _panel(job, 2)
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(
        dana, interview, [4, 4, 1, 4, 4, 4], capture=django_capture_on_commit_callbacks
    )
    submit(
        erin, interview, [4, 4, 5, 4, 4, 4], capture=django_capture_on_commit_callbacks
    )
    application.stage = Stage.INTERVIEWING
    application.save()
    return interview


def test_it_shows_the_flagged_competency_first_with_its_evidence(
    client, debriefed, bob
):
    page = logged_in(client, bob).get(f"/interviews/{debriefed.pk}/debrief/")

    html = page.content.decode()
    assert page.status_code == 200
    flagged = html.index('data-flagged="coachability"')
    assert html.index("Competencies to discuss") < flagged
    assert html.index('data-competency-row="coachability"') < html.index(
        'data-competency-row="prospecting_discipline"'
    )
    assert "Gave a specific example" in html[flagged:]


def test_it_shows_the_questionnaire_result_beside(client, debriefed, bob):
    QuestionnaireResultFactory(invitation__application=debriefed.application)

    html = (
        logged_in(client, bob)
        .get(f"/interviews/{debriefed.pk}/debrief/")
        .content.decode()
    )

    assert "Questionnaire result" in html


def test_it_shows_no_composite_or_band_of_an_invalid_questionnaire(
    client, debriefed, bob
):
    # Invalid answers say nothing about the candidate: like the questionnaire
    # report, the debrief shows neither the composite (+1.23) nor its band.
    QuestionnaireResultFactory(
        invitation__application=debriefed.application,
        composite=1.23,
        band="strong_fit",
        validity_status="invalid",
    )

    html = (
        logged_in(client, bob)
        .get(f"/interviews/{debriefed.pk}/debrief/")
        .content.decode()
    )
    section = html[html.index("Questionnaire result") :].split("</section>")[0]

    assert "1.23" not in section
    assert "Strong fit" not in section
    assert "the answers are invalid" in section


def test_it_records_the_decision_and_advances_the_stage(client, debriefed, bob):
    response = logged_in(client, bob).post(
        f"/interviews/{debriefed.pk}/decide/",
        {"decision": "advance", "reason": "Strong on five of six; coachability split."},
    )

    assert response.status_code == 302
    application = debriefed.application
    application.refresh_from_db()
    assert application.decision == "advance"
    assert application.stage == Stage.OFFER
    event = AuditEvent.objects.get(action="decision.recorded")
    assert event.actor == bob
    assert event.data["reason"].startswith("Strong on five")


def test_it_needs_a_reason_for_the_decision(client, debriefed, bob):
    response = logged_in(client, bob).post(
        f"/interviews/{debriefed.pk}/decide/", {"decision": "hold", "reason": ""}
    )

    assert response.status_code == 400
    debriefed.application.refresh_from_db()
    assert debriefed.application.decision == ""


def test_it_offers_no_decision_form_to_a_panelist(client, debriefed):
    panelist = debriefed.panelists.first().interviewer

    page = logged_in(client, panelist).get(f"/interviews/{debriefed.pk}/debrief/")

    assert page.status_code == 200
    assert "Record the decision" not in page.content.decode()
    refused = client.post(
        f"/interviews/{debriefed.pk}/decide/", {"decision": "hold", "reason": "x"}
    )
    assert refused.status_code == 403


@pytest.fixture
def half_in(application, job, django_capture_on_commit_callbacks):
    dana, erin = _panel(job, 2)
    interview = PanelInterviewFactory(application=application, panel=[dana, erin])
    submit(
        dana, interview, [2, 3, 2, 2, 2, 3], capture=django_capture_on_commit_callbacks
    )
    application.stage = Stage.INTERVIEWING
    application.save()
    return interview


def test_it_does_not_call_one_scorecard_an_agreeing_panel(client, half_in, bob):
    # One interviewer always agrees with themself: with one scorecard of two in,
    # "the panel agrees within one point everywhere" would be a false comfort.
    html = (
        logged_in(client, bob).get(f"/interviews/{half_in.pk}/debrief/")
    ).content.decode()

    section = html[html.index("Competencies to discuss") :].split("</section>")[0]
    assert "the panel agrees" not in section
    assert "Agreement cannot be judged yet: 1 scorecard is in" in section
    decision = html[html.index('id="decision-heading"') :]
    assert (
        "1 scorecard is missing: a decision now rests on part of the panel's "
        "evidence." in decision
    )


def test_it_says_the_panel_agrees_once_every_scorecard_is_in(
    client, half_in, bob, django_capture_on_commit_callbacks
):
    erin = half_in.panelists.exclude(interviewer__username="panel0").get().interviewer
    submit(
        erin, half_in, [2, 3, 3, 2, 2, 3], capture=django_capture_on_commit_callbacks
    )

    html = (
        logged_in(client, bob).get(f"/interviews/{half_in.pk}/debrief/")
    ).content.decode()

    assert (
        '<p data-agreement="agreed">No competency is flagged: the panel agrees '
        "within one point everywhere.</p>" in html
    )
    assert "data-decision-partial" not in html


def test_it_signs_the_questionnaire_composite_like_the_report(client, debriefed, bob):
    QuestionnaireResultFactory(
        invitation__application=debriefed.application, composite=-0.73
    )

    html = (
        logged_in(client, bob).get(f"/interviews/{debriefed.pk}/debrief/")
    ).content.decode()

    assert "<dd data-questionnaire-composite>\u22120.73</dd>" in html
