"""The report says which rule judged a result, in words, and why it got its status."""

import html

from assessments.scoring import SCORING_VERSION
from tests.factories import ANSWERS, QuestionnaireResultFactory
from tests.hiring.support import logged_in


def _page(client, user, result) -> str:
    response = logged_in(client, user).get(f"/results/{result.pk}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_it_explains_the_current_rule_and_why_one_slip_is_only_questionable(
    client, alice, job
):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        scoring_version=SCORING_VERSION,
        answers={**ANSWERS, "ir1": 1},  # one instruction missed
    )
    assert result.validity_status == "questionable"

    page = _page(client, alice, result)

    assert f"How the checks combine (rules of scoring version {SCORING_VERSION})" in (
        page
    )
    for sentence in (
        "Invalid when 2 or more instructions such as “choose Agree for this "
        "statement” were missed.",
        "Invalid when 2 or more statements that almost nobody can truthfully "
        "agree with were agreed with.",
        "Invalid when “Instruction items” is flagged and at least 1 other check "
        "is flagged.",
        "Invalid when at least 3 checks of any kind are flagged.",
        "Questionable when at least 1 check of any kind is flagged.",
        "Valid when no check is flagged.",
    ):
        assert f"<li>{sentence}</li>" in page
    assert "Why: Questionable when at least 1 check of any kind is flagged." in page


def test_it_explains_an_older_result_by_the_rule_that_judged_it(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        scoring_version="1.0.0",
        answers={**ANSWERS, "ir1": 1},
        validity_status="invalid",  # what the rules of 1.0.0 made of it
    )

    page = _page(client, alice, result)

    assert "rules of scoring version 1.0.0" in page
    assert (
        "Why: Invalid when 1 instruction such as “choose Agree for this "
        "statement” was missed." in page
    )


def test_it_says_valid_when_nothing_is_flagged(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        scoring_version=SCORING_VERSION,
    )
    assert result.validity_status == "valid"

    assert "Why: Valid when no check is flagged." in _page(client, alice, result)


def test_it_names_a_rule_set_it_no_longer_describes(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job, scoring_version="0.9.0"
    )

    page = _page(client, alice, result)

    assert "Judged by the rules of scoring version 0.9.0" in page
    assert "How the checks combine" not in page
