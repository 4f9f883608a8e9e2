"""The hire's private link to their development plan.

Like the candidate's link: a GET only looks, a POST trades the token for a session
and leads to a token-free URL, every response says ``Referrer-Policy:
no-referrer`` and is not cached, dead links get a friendly page, and no token
reaches a log line. On their page the hire gives or withdraws consent to share
the plan with their line manager.
"""

import io
import logging

import pytest
from django.urls import reverse

from assessments.development import development_plan_generate
from assessments.models import DevelopmentPlan
from assessments.tokens import development_plan_link, plan_token_derive
from hiring.models import AuditEvent
from tests.factories import HireOutcomeFactory, UserFactory
from tests.factories.development import hire_for


@pytest.fixture
def plan(job, alice):
    return development_plan_generate(application=hire_for(job), user=alice)


@pytest.fixture
def token(plan):
    return plan_token_derive(plan.token_salt)


@pytest.fixture
def opened(client, token):
    """The client, holding the hire's session."""
    client.post(reverse("my_plan:landing", args=[token]))
    return client


@pytest.fixture
def log_output():
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django.server"))
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
    }
    stream = io.StringIO()
    previous = {handler: handler.setStream(stream) for handler in handlers}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


def test_the_link_is_the_landing_page_with_the_derived_token(plan, token):
    assert development_plan_link(plan).endswith(f"/my-plan/{token}/")


def test_a_get_only_looks(client, token):
    response = client.get(reverse("my_plan:landing", args=[token]))

    assert response.status_code == 200
    assert 'id="open-plan"' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "my_plan" not in client.session
    assert not AuditEvent.objects.filter(action="development_plan.opened").exists()


def test_a_post_trades_the_token_for_a_session_and_a_token_free_url(
    client, plan, token
):
    response = client.post(reverse("my_plan:landing", args=[token]))

    assert response.status_code == 302
    assert response["Location"] == reverse("my_plan:plan")
    assert token not in response["Location"]
    assert client.session["my_plan"] == {"plan_id": plan.pk}
    assert token not in str(dict(client.session))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert token not in text
    assert "Turn feedback into one change a week" in text
    assert AuditEvent.objects.filter(action="development_plan.opened").count() == 1


def test_the_link_can_be_opened_again(client, token):
    url = reverse("my_plan:landing", args=[token])
    client.post(url)
    client.session.flush()

    response = client.post(url)

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_link_gets_a_friendly_404(client, db):
    response = client.get(reverse("my_plan:landing", args=["x" * 43]))

    assert response.status_code == 404
    assert 'data-reason="unknown"' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_replaced_plans_link_no_longer_works(client, plan, token, alice):
    development_plan_generate(application=plan.application, user=alice, replace=True)

    response = client.post(reverse("my_plan:landing", args=[token]))

    assert response.status_code == 404
    assert 'data-reason="unknown"' in response.content.decode()


def test_an_erased_hires_link_is_gone(client, plan, token):
    candidate = plan.application.candidate
    candidate.erased_at = candidate.created_at
    candidate.save(update_fields=["erased_at"])

    response = client.get(reverse("my_plan:landing", args=[token]))

    assert response.status_code == 410
    assert 'data-reason="closed"' in response.content.decode()


def test_the_plan_page_needs_the_session(client, db):
    response = client.get(reverse("my_plan:plan"))

    assert response.status_code == 403
    assert 'data-reason="no_session"' in response.content.decode()


def test_no_token_reaches_the_logs(client, token, log_output):
    guess = "y" * 43
    client.get(reverse("my_plan:landing", args=[guess]))
    client.post(reverse("my_plan:landing", args=[token]))
    client.get(reverse("my_plan:landing", args=[token]))

    output = log_output.getvalue()
    assert "/my-plan/[redacted]/" in output
    assert guess not in output
    assert token not in output


def test_the_hire_gives_and_withdraws_consent(opened, plan):
    HireOutcomeFactory(application=plan.application, manager=UserFactory())
    consent = reverse("my_plan:consent")

    response = opened.post(consent, {"share": "yes"})
    opened.post(consent, {"share": "yes"})

    assert response.status_code == 302
    plan.refresh_from_db()
    shared_at = plan.shared_with_manager_at
    assert shared_at is not None
    shared = AuditEvent.objects.filter(action="development_plan.shared")
    assert shared.count() == 1  # the second click changed nothing
    assert shared.get().data == {"by": "hire", "at": shared_at.isoformat()}
    assert 'data-shared="yes"' in opened.get(reverse("my_plan:plan")).content.decode()

    opened.post(consent, {"share": "no"})

    plan.refresh_from_db()
    assert plan.shared_with_manager_at is None
    assert AuditEvent.objects.filter(action="development_plan.unshared").count() == 1
    assert 'data-shared="no"' in opened.get(reverse("my_plan:plan")).content.decode()


def test_consent_needs_the_session(client, plan):
    response = client.post(reverse("my_plan:consent"), {"share": "yes"})

    assert response.status_code == 403
    assert DevelopmentPlan.objects.get().shared_with_manager_at is None


def test_staff_signed_in_cannot_open_the_hires_session_or_consent(
    client, opened, plan, token, alice
):
    from tests.hiring.support import logged_in

    staff = logged_in(client.__class__(), alice)
    refused = staff.post(reverse("my_plan:landing", args=[token]))

    assert refused.status_code == 403
    assert "This link is for the hire" in refused.content.decode()
    assert staff.get(reverse("my_plan:plan")).status_code == 403  # no hire session
    # A browser holding the hire's session that then signs in as staff: no consent.
    logged_in(opened, alice)
    assert opened.post(reverse("my_plan:consent"), {"share": "yes"}).status_code == 403
    assert DevelopmentPlan.objects.get().shared_with_manager_at is None


def test_the_hire_reads_their_plan_in_their_language(client, job, alice):
    plan = development_plan_generate(
        application=hire_for(job, language="es"), user=alice
    )
    client.post(reverse("my_plan:landing", args=[plan_token_derive(plan.token_salt)]))

    response = client.get(reverse("my_plan:plan"))

    assert response["Content-Language"] == "es"
    assert "Convertir la retroalimentación en un cambio por semana" in (
        response.content.decode()
    )


def test_the_hire_sees_who_their_manager_is_before_sharing(opened, plan):
    HireOutcomeFactory(
        application=plan.application,
        manager=UserFactory(first_name="Morgan", last_name="Lee"),
    )

    page = opened.get(reverse("my_plan:plan")).content.decode()

    assert "Your manager here is <strong>Morgan Lee</strong>." in page
    assert 'id="give-consent"' in page


def test_the_hire_is_not_asked_to_share_with_nobody(opened, plan):
    # No manager is named: a consent would go to whoever is named later.
    page = opened.get(reverse("my_plan:plan")).content.decode()

    assert 'data-shared="no-manager"' in page
    assert "No manager is named for your plan yet" in page
    assert 'id="give-consent"' not in page


def test_the_hire_reads_why_each_goal_was_chosen_addressed_to_them(opened, plan):
    # The basis is written for the hiring team ("T 66, the least favourable of
    # this hire's scales"); the hire reads why, said to them, without the T.
    page = opened.get(reverse("my_plan:plan")).content.decode()

    assert "this hire" not in page
    assert "T 66" not in page
    assert page.count("Why this goal:") == plan.goals.count() == 3
    assert (
        "Why this goal: From your questionnaire answers: your area with most "
        "room to grow." in page
    )
    assert (
        "Why this goal: From your interview: the area your interviewers rated "
        "lowest." in page
    )
