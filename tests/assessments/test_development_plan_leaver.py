"""A hire with a leaving date gets no new development plan: the service refuses to
generate or replace one, the pages say why instead of offering the button, and
a plan generated before the hire left stays readable."""

import datetime

import pytest

from assessments.development import development_plan_generate
from assessments.models import DevelopmentPlan
from hiring.errors import Conflict
from hiring.models import AuditEvent
from tests.factories import HireOutcomeFactory
from tests.factories.development import hire_for
from tests.hiring.support import logged_in

LEFT = "This hire has a leaving date (March 31, 2026), so no new development plan"


def _leaves(hire):
    outcome = hire.outcome
    outcome.leaving_date = datetime.date(2026, 3, 31)
    outcome.leaving_reason = "voluntary"
    outcome.save()


@pytest.fixture
def hire(job):
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, start_date=datetime.date(2026, 1, 5))
    return hire


def _generated():
    return AuditEvent.objects.filter(action=AuditEvent.Action.PLAN_GENERATED)


def test_it_refuses_a_plan_for_a_hire_who_left(hire, alice):
    _leaves(hire)

    with pytest.raises(Conflict) as refused:
        development_plan_generate(application=hire, user=alice)

    assert refused.value.code == "hire_left"
    assert refused.value.message.startswith(LEFT)
    assert not DevelopmentPlan.objects.exists()
    assert not _generated().exists()


def test_it_refuses_to_replace_the_plan_of_a_hire_who_left(hire, alice):
    plan = development_plan_generate(application=hire, user=alice)
    _leaves(hire)

    with pytest.raises(Conflict, match="leaving date"):
        development_plan_generate(application=hire, user=alice, replace=True)

    assert DevelopmentPlan.objects.get().pk == plan.pk
    assert _generated().count() == 1


def test_it_still_generates_a_plan_for_a_hire_still_employed(hire, alice):
    plan = development_plan_generate(application=hire, user=alice)

    assert plan.goals.exists()


def test_the_application_page_hides_the_button_and_says_why(client, hire, alice):
    _leaves(hire)

    html = logged_in(client, alice).get(f"/applications/{hire.pk}/").content.decode()

    assert 'id="generate-plan"' not in html
    assert 'id="generate-blocked"' in html
    assert LEFT in html


def test_the_plan_page_offers_no_generation_and_a_stale_post_gets_the_reason(
    client, hire, alice
):
    logged_in(client, alice)
    base = f"/applications/{hire.pk}/development/"
    assert 'id="generate-form"' in client.get(base).content.decode()
    _leaves(hire)

    page = client.get(base).content.decode()
    response = client.post(base + "generate/")

    assert 'id="generate-form"' not in page
    assert LEFT in page
    assert response.status_code == 409
    assert LEFT in response.content.decode()
    assert not DevelopmentPlan.objects.exists()


def test_a_plan_made_before_the_hire_left_stays_readable(client, hire, alice):
    development_plan_generate(application=hire, user=alice)
    _leaves(hire)
    logged_in(client, alice)

    application_page = client.get(f"/applications/{hire.pk}/").content.decode()
    plan_page = client.get(f"/applications/{hire.pk}/development/")
    printed = client.get(f"/applications/{hire.pk}/development/print/")

    assert 'id="development-plan-link"' in application_page
    assert plan_page.status_code == 200
    html = plan_page.content.decode()
    assert "Why this goal:" in html
    assert 'id="generate-form"' not in html
    assert LEFT in html
    assert printed.status_code == 200
