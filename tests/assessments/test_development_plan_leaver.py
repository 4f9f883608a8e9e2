"""A hire with a leaving date gets no new development plan: the service refuses to
generate or replace one, the pages say why instead of offering the button, and
a plan generated before the hire left stays readable but read-only: no check-in
is recorded or changed and the hire can no longer share it (only withdraw a
consent given before), each page saying why."""

import datetime

import pytest
from django.urls import reverse

from assessments.development import (
    development_check_in_update,
    development_plan_generate,
    development_plan_share,
)
from assessments.models import DevelopmentPlan
from assessments.tokens import plan_token_derive
from hiring.errors import Conflict
from hiring.models import AuditEvent
from tests.factories import HireOutcomeFactory, UserFactory
from tests.factories.development import hire_for
from tests.hiring.support import logged_in

LEFT = "This hire has a leaving date (March 31, 2026), so no new development plan"
READ_ONLY = (
    "This hire has a leaving date (March 31, 2026), so their development plan is "
    "kept as it was, to read only: its check-ins can no longer be recorded or "
    "changed."
)


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


def _updated():
    return AuditEvent.objects.filter(action=AuditEvent.Action.CHECK_IN_UPDATED)


def test_it_refuses_a_check_in_on_the_plan_of_a_hire_who_left(hire, alice):
    plan = development_plan_generate(application=hire, user=alice)
    check_in = plan.check_ins.get(day=30)
    development_check_in_update(
        check_in=check_in,
        user=alice,
        notes="Went through the first month.",
        held_on=datetime.date(2026, 2, 4),
    )
    _leaves(hire)

    with pytest.raises(Conflict) as refused:
        development_check_in_update(
            check_in=check_in, user=alice, notes="Changed later.", held_on=None
        )

    assert refused.value.code == "hire_left"
    assert refused.value.message == READ_ONLY
    check_in.refresh_from_db()
    assert check_in.notes == "Went through the first month."
    assert check_in.done_at is not None
    assert _updated().count() == 1


def test_the_plan_page_shows_the_check_ins_to_read_and_why(client, hire, alice):
    plan = development_plan_generate(application=hire, user=alice)
    development_check_in_update(
        check_in=plan.check_ins.get(day=30),
        user=alice,
        notes="Went through the first month.",
        held_on=datetime.date(2026, 2, 4),
    )
    _leaves(hire)
    base = f"/applications/{hire.pk}/development/"

    html = logged_in(client, alice).get(base).content.decode()
    stale = client.post(base + "check-ins/60/", {"notes": "Late notes"})

    assert 'id="plan-read-only"' in html
    assert READ_ONLY in html
    assert "Went through the first month." in html
    assert "Save check-in" not in html
    assert 'data-check-in="90"' in html
    assert stale.status_code == 409
    assert READ_ONLY in stale.content.decode()
    assert plan.check_ins.get(day=60).notes == ""
    assert _updated().count() == 1


def test_the_manager_reads_a_shared_plan_of_a_hire_who_left_without_forms(
    client, hire, alice
):
    manager = UserFactory(username="mike")
    hire.outcome.manager = manager
    hire.outcome.save()
    plan = development_plan_generate(application=hire, user=alice)
    development_plan_share(plan=plan, share=True)
    _leaves(hire)
    base = f"/applications/{hire.pk}/development/"

    html = logged_in(client, manager).get(base).content.decode()
    stale = client.post(base + "check-ins/30/", {"notes": "Notes"})

    assert READ_ONLY in html
    assert "Save check-in" not in html
    assert stale.status_code == 409
    assert not _updated().exists()


def test_the_hire_who_left_can_withdraw_consent_but_not_give_it(client, hire, alice):
    hire.outcome.manager = UserFactory(username="mike")
    hire.outcome.save()
    plan = development_plan_generate(application=hire, user=alice)
    development_plan_share(plan=plan, share=True)
    _leaves(hire)
    client.post(reverse("my_plan:landing", args=[plan_token_derive(plan.token_salt)]))
    consent = reverse("my_plan:consent")

    client.post(consent, {"share": "no"})
    plan.refresh_from_db()
    withdrawn = plan.shared_with_manager_at
    refused = client.post(consent, {"share": "yes"}, follow=True).content.decode()

    assert withdrawn is None
    plan.refresh_from_db()
    assert plan.shared_with_manager_at is None
    assert "it can no longer be shared" in refused
    assert 'data-shared="read-only"' in refused
    assert 'id="give-consent"' not in refused
    with pytest.raises(Conflict, match="to read only"):
        development_plan_share(plan=plan, share=True)
    assert AuditEvent.objects.filter(action="development_plan.shared").count() == 1
