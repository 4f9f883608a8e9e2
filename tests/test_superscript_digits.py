"""A number typed with digits ``int()`` refuses ("²" passes ``str.isdigit()``) is
refused as a bad value with a 4xx or a field problem, never a 500."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from assessments.adverse_impact import ReportFilters
from assessments.interview_services import scorecard_input_parse
from assessments.pipeline import PipelineFilters
from hiring.errors import Invalid
from hiring.outcome_services import outcome_clean
from tests.factories import RubricVersionFactory
from tests.hiring.support import logged_in

SUPERSCRIPT_TWO = "²"


def test_superscript_two_is_a_digit_that_int_refuses():
    # The trap itself: a check with isdigit() alone lets it through to int().
    assert SUPERSCRIPT_TWO.isdigit()
    with pytest.raises(ValueError, match="invalid literal"):
        int(SUPERSCRIPT_TWO)


def test_the_api_refuses_such_a_page_size_with_a_400(api_client):
    response = api_client("results:read").get(
        "/api/v1/results/", {"page_size": SUPERSCRIPT_TWO}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "page_size" in response.json()["errors"]


def test_the_pipeline_refuses_such_a_page():
    with pytest.raises(Invalid) as refused:
        PipelineFilters.from_query({"page": SUPERSCRIPT_TWO})
    assert "page" in refused.value.fields


def test_the_adverse_impact_report_refuses_such_a_job():
    with pytest.raises(Invalid) as refused:
        ReportFilters.from_query({"job": SUPERSCRIPT_TWO})
    assert refused.value.fields["job"] == ["Choose a job from the list."]


def test_the_outcome_reports_answer_such_a_job_with_a_404(admin_user):
    client = logged_in(Client(), admin_user)
    response = client.get(reverse("results:outcome_validity"), {"job": SUPERSCRIPT_TWO})
    assert response.status_code == 404


def test_inviting_such_an_application_is_a_400(alice, job):
    client = logged_in(Client(), alice)
    response = client.post(
        reverse("results:job_invite_many", args=[job.pk]),
        {"application": SUPERSCRIPT_TWO},
    )
    assert response.status_code == 400


def test_the_admin_audit_search_takes_such_a_term(admin_user):
    client = logged_in(Client(), admin_user)
    response = client.get(
        reverse("admin:hiring_auditevent_changelist"), {"q": SUPERSCRIPT_TWO}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_scorecard_rating_so_written_is_a_field_problem():
    rubric = RubricVersionFactory()
    key = rubric.competencies[0]["key"]
    _card, errors = scorecard_input_parse(
        rubric_version=rubric, data={f"rating-{key}": SUPERSCRIPT_TWO}
    )
    assert f"rating-{key}" in errors


def test_an_outcome_rating_so_written_is_a_field_problem():
    with pytest.raises(Invalid) as refused:
        outcome_clean(
            start_date="2026-01-05",
            manager_name="Lucía Ortega",
            performance_rating=SUPERSCRIPT_TWO,
            rated_on="2026-06-30",
            today=date(2026, 12, 1),
        )
    assert "performance_rating" in refused.value.fields
