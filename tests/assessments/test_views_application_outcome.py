"""The hire's outcome on the application page: shown with retention derived from
the dates, entered and changed by holders of OUTCOMES on the job, with every bad
value named next to its field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hiring.models import AuditEvent, HireOutcome, OutboxEvent, QuotaAttainment, Stage
from tests.factories import (
    ApplicationFactory,
    HireOutcomeFactory,
    QuotaAttainmentFactory,
)
from tests.hiring.support import logged_in


@pytest.fixture
def hire(job):
    return ApplicationFactory(job=job, stage=Stage.HIRED)


def page_url(application) -> str:
    return f"/applications/{application.pk}/"


def post_url(application) -> str:
    return f"/applications/{application.pk}/outcome/"


def form_data(**fields) -> dict:
    data = {
        "start_date": "2026-03-02",
        "manager_name": "Dana Reyes",
        "team": "Inside sales",
        "manager": "",
        "leaving_date": "",
        "leaving_reason": "",
        "performance_rating": "",
        "rated_on": "",
        "quota-TOTAL_FORMS": "2",
        "quota-INITIAL_FORMS": "2",
        "quota-MIN_NUM_FORMS": "0",
        "quota-MAX_NUM_FORMS": "40",
        "quota-0-year": "",
        "quota-0-quarter": "",
        "quota-0-attainment_percent": "",
        "quota-1-year": "",
        "quota-1-quarter": "",
        "quota-1-attainment_percent": "",
    }
    data.update(fields)
    return data


def section(page: str) -> str:
    start = page.index('id="outcome"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize(
    ("who", "status", "sees_outcome"),
    [
        ("alice", 200, True),
        ("bob", 200, True),
        ("admin_user", 200, True),
        ("dana", 403, False),
        ("charlie", 404, False),
    ],
)
def test_it_shows_the_outcome_section_to_holders_of_outcomes_only(
    client, request, hire, alice, bob, dana, who, status, sees_outcome
):
    HireOutcomeFactory(application=hire)
    user = request.getfixturevalue(who)

    response = logged_in(client, user).get(page_url(hire))

    assert response.status_code == status
    page = response.content.decode()
    assert ('id="outcome-form"' in page) is sees_outcome
    assert ('id="outcome-heading"' in page) is sees_outcome


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 302),
        ("bob", 302),
        ("admin_user", 302),
        ("dana", 403),
        ("charlie", 404),
    ],
)
def test_it_lets_only_holders_of_outcomes_record_it(
    client, request, hire, alice, bob, dana, who, status
):
    user = request.getfixturevalue(who)

    response = logged_in(client, user).post(post_url(hire), form_data())

    assert response.status_code == status
    assert HireOutcome.objects.filter(application=hire).exists() is (status == 302)


def test_it_leaves_the_section_out_before_the_hire(client, application, alice):
    page = logged_in(client, alice).get(page_url(application)).content.decode()

    assert 'id="outcome-heading"' not in page


def test_it_refuses_to_record_an_outcome_before_the_hire(client, application, alice):
    response = logged_in(client, alice).post(post_url(application), form_data())

    assert response.status_code == 409
    assert "Only a hired application has an outcome" in response.content.decode()
    assert not HireOutcome.objects.exists()


def test_it_records_the_outcome_with_quarters_and_shows_it(client, hire, alice, bob):
    logged_in(client, alice)

    response = client.post(
        post_url(hire),
        form_data(
            manager=str(bob.pk),
            performance_rating="4",
            rated_on="2026-09-30",
            **{
                "quota-0-year": "2026",
                "quota-0-quarter": "2",
                "quota-0-attainment_percent": "96.5",
            },
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page_url(hire)}#outcome-heading"
    outcome = HireOutcome.objects.get(application=hire)
    assert outcome.manager == bob
    assert outcome.recorded_by == alice
    assert outcome.quotas.get().attainment_percent == Decimal("96.5")
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 1
    page = section(client.get(page_url(hire)).content.decode())
    assert "Dana Reyes · Inside sales" in page
    assert "2026-Q2: 96.5 %" in page
    assert "4: Above expectations" in page


def test_it_shows_retention_derived_from_the_dates(client, hire, alice):
    today = timezone.localdate()
    HireOutcomeFactory(application=hire, start_date=today - timedelta(days=100))

    page = section(logged_in(client, alice).get(page_url(hire)).content.decode())

    assert '<dd data-employed="90">Yes</dd>' in page
    assert '<dd data-employed="180">Not yet (on' in page


def test_it_shows_a_hire_who_left_before_the_first_checkpoint(client, hire, alice):
    HireOutcomeFactory(
        application=hire,
        start_date=date(2026, 1, 5),
        leaving_date=date(2026, 2, 20),
        leaving_reason="voluntary",
    )

    page = section(logged_in(client, alice).get(page_url(hire)).content.decode())

    assert '<dd data-employed="90">No</dd>' in page
    assert '<dd data-employed="180">No</dd>' in page
    assert "Voluntary (the hire resigned)" in page


def test_it_shows_the_definitions_of_the_performance_scale_by_the_field(
    client, hire, alice
):
    page = section(logged_in(client, alice).get(page_url(hire)).content.decode())

    assert "<legend>Performance rating</legend>" in page
    for definition in (
        "1: Well below expectations: most goals missed, needs a plan",
        "3: Meets expectations: the role&#x27;s goals met",
        "5: Well above expectations: goals exceeded, a model to others",
    ):
        assert definition in page
    assert 'aria-describedby="performance-scale-help"' in page


def test_it_names_each_bad_value_next_to_its_field(client, hire, alice):
    response = logged_in(client, alice).post(
        post_url(hire),
        form_data(
            start_date="2026-03-02",
            leaving_date="2026-02-01",
            leaving_reason="",
            **{
                "quota-0-year": "2026",
                "quota-0-quarter": "1",
                "quota-0-attainment_percent": "1500",
            },
        ),
    )

    assert response.status_code == 400
    page = section(response.content.decode())
    assert "Ensure this value is less than or equal to 1000." in page
    assert not HireOutcome.objects.exists()


def test_it_names_the_services_rules_next_to_their_fields(client, hire, alice):
    response = logged_in(client, alice).post(
        post_url(hire),
        form_data(
            leaving_date="2026-02-01",
            leaving_reason="",
            **{
                "quota-0-year": "2025",
                "quota-0-quarter": "4",
                "quota-0-attainment_percent": "90",
            },
        ),
    )

    assert response.status_code == 400
    page = section(response.content.decode())
    assert 'id="id_leaving_date_error"' in page
    assert "The leaving date cannot be before the start date." in page
    assert "2025-Q4 is before the hire started." in page
    assert 'id="quota-errors"' in page
    assert not HireOutcome.objects.exists()


def test_it_removes_a_quarter_whose_attainment_is_cleared(client, hire, alice):
    outcome = HireOutcomeFactory(application=hire, start_date=date(2026, 1, 5))
    QuotaAttainmentFactory(outcome=outcome, year=2026, quarter=1, attainment_percent=80)
    QuotaAttainmentFactory(outcome=outcome, year=2026, quarter=2, attainment_percent=90)
    logged_in(client, alice)
    page = client.get(page_url(hire)).content.decode()
    assert 'name="quota-0-attainment_percent"' in page
    assert 'name="quota-3-year"' in page  # two recorded, two blank rows

    client.post(
        post_url(hire),
        form_data(
            start_date="2026-01-05",
            **{
                "quota-TOTAL_FORMS": "2",
                "quota-0-year": "2026",
                "quota-0-quarter": "1",
                "quota-0-attainment_percent": "85",
                "quota-1-year": "2026",
                "quota-1-quarter": "2",
                "quota-1-attainment_percent": "",
            },
        ),
    )

    assert list(
        QuotaAttainment.objects.values_list("quarter", "attainment_percent")
    ) == [(1, Decimal("85.0"))]
    audit = AuditEvent.objects.filter(action="outcome.recorded").get()
    assert audit.data["quarters"] == ["2026-Q1", "2026-Q2"]


def test_it_shows_an_outcome_read_only_once_the_stage_moved_away(client, hire, alice):
    HireOutcomeFactory(application=hire)
    hire.stage = Stage.WITHDRAWN
    hire.save()

    page = section(logged_in(client, alice).get(page_url(hire)).content.decode())

    assert "Dana Reyes" in page
    assert 'id="outcome-form"' not in page
    assert "no longer at the hired stage" in page


def test_it_sends_no_store_on_the_page(client, hire, alice):
    response = logged_in(client, alice).get(page_url(hire))

    assert "no-store" in response["Cache-Control"]
