"""The development plan page of the hiring team: generate, read, keep check-ins,
the hire's link and its email, and the printable version."""

import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail

from assessments import development
from assessments.development import development_plan_generate
from assessments.models import DevelopmentPlan
from assessments.tasks import development_plan_email_task
from assessments.tokens import plan_token_derive
from hiring.models import AuditEvent
from tests.factories import HireOutcomeFactory
from tests.factories.development import hire_for
from tests.hiring.support import logged_in


@pytest.fixture
def hire(job):
    return hire_for(job)


@pytest.fixture
def recruiter(client, alice):
    return logged_in(client, alice)


@pytest.fixture
def enqueued(monkeypatch):
    handed_over = []
    monkeypatch.setattr(
        development, "development_plan_email_enqueue", handed_over.append
    )
    return handed_over


def _base(hire):
    return f"/applications/{hire.pk}/development/"


def test_it_generates_the_plan_from_the_application_page(recruiter, hire):
    page = recruiter.get(f"/applications/{hire.pk}/").content.decode()
    assert 'id="generate-plan"' in page

    response = recruiter.post(_base(hire) + "generate/")

    assert response.status_code == 302
    assert response["Location"] == _base(hire)
    text = recruiter.get(_base(hire)).content.decode()
    assert "Why this goal:" in text
    assert 'data-goal="scale:negativity_blame"' in text
    assert text.count("<legend>") >= 3  # one form per check-in


def test_a_second_generation_is_a_conflict_on_the_page(recruiter, hire, alice):
    development_plan_generate(application=hire, user=alice)

    response = recruiter.post(_base(hire) + "generate/")

    assert response.status_code == 409
    assert "already has a development plan" in response.content.decode()
    assert DevelopmentPlan.objects.count() == 1


def test_replacing_is_explicit(recruiter, hire, alice):
    first = development_plan_generate(application=hire, user=alice)

    response = recruiter.post(_base(hire) + "generate/", {"replace": "on"})

    assert response.status_code == 302
    assert DevelopmentPlan.objects.get().pk != first.pk


def test_it_keeps_a_check_ins_notes_and_held_on(recruiter, hire, alice):
    plan = development_plan_generate(application=hire, user=alice)

    response = recruiter.post(
        _base(hire) + "check-ins/60/",
        {"notes": "Asked for feedback twice.", "held_on": "2026-02-02"},
    )

    assert response.status_code == 302
    check_in = plan.check_ins.get(day=60)
    assert check_in.notes == "Asked for feedback twice."
    assert check_in.done_at.date() == datetime.date(2026, 2, 2)
    text = recruiter.get(_base(hire)).content.decode()
    assert "Asked for feedback twice." in text
    assert 'value="2026-02-02"' in text


def test_the_held_on_day_reads_back_as_entered_east_of_utc(
    recruiter, hire, alice, settings
):
    """Held on 2 February in Madrid is stored as its local midnight, 1 February
    23:00 UTC; the form shows 2 February again, not the UTC day."""
    settings.TIME_ZONE = "Europe/Madrid"
    development_plan_generate(application=hire, user=alice)

    recruiter.post(
        _base(hire) + "check-ins/60/", {"notes": "", "held_on": "2026-02-02"}
    )
    text = recruiter.get(_base(hire)).content.decode()

    assert 'value="2026-02-02"' in text
    assert 'value="2026-02-01"' not in text


def test_a_bad_date_is_shown_on_its_form(recruiter, hire, alice):
    development_plan_generate(application=hire, user=alice)

    response = recruiter.post(
        _base(hire) + "check-ins/30/", {"notes": "", "held_on": "2999-01-01"}
    )

    assert response.status_code == 400
    assert "cannot be held in the future" in response.content.decode()


def test_it_shows_the_recruiter_the_hires_link(recruiter, hire, alice):
    plan = development_plan_generate(application=hire, user=alice)

    text = recruiter.get(_base(hire)).content.decode()

    assert f"/my-plan/{plan_token_derive(plan.token_salt)}/" in text


def test_it_emails_the_link_from_a_worker_given_only_the_id(
    recruiter, hire, alice, enqueued, django_capture_on_commit_callbacks
):
    plan = development_plan_generate(application=hire, user=alice)
    token = plan_token_derive(plan.token_salt)

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter.post(_base(hire) + "email/")

    assert response.status_code == 302
    assert enqueued == [plan.pk]
    assert development_plan_email_task(plan.pk) is True
    [email] = mail.outbox
    assert email.to == [hire.candidate.email]
    assert f"/my-plan/{token}/" in email.body
    event = AuditEvent.objects.get(action="development_plan.emailed")
    assert token not in str(event.data)


def test_the_printable_version_has_no_navigation_and_no_forms(recruiter, hire, alice):
    HireOutcomeFactory(application=hire, start_date=datetime.date(2026, 1, 5))
    development_plan_generate(application=hire, user=alice)

    response = recruiter.get(_base(hire) + "print/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<nav" not in text
    assert "<form" not in text
    assert 'class="site-header"' not in text
    assert 'class="plan-sheet-check-ins"' in text
    assert text.count('class="plan-check-in"') == 3
    assert "Turn feedback into one change a week" in text


def test_the_printable_version_is_in_the_plans_language(client, job, alice):
    hire = hire_for(job, language="es")
    development_plan_generate(application=hire, user=alice)

    response = logged_in(client, alice).get(_base(hire) + "print/")

    assert '<html lang="es">' in response.content.decode()


def test_there_is_nothing_to_print_without_a_plan(recruiter, hire):
    assert recruiter.get(_base(hire) + "print/").status_code == 404


def test_the_page_reads_a_plan_in_a_fixed_number_of_queries(
    recruiter, hire, alice, django_assert_num_queries
):
    plan = development_plan_generate(application=hire, user=alice)
    for check_in in plan.check_ins.all():
        development.development_check_in_update(
            check_in=check_in,
            user=alice,
            notes="Held.",
            held_on=datetime.date(2026, 1, 10),
        )

    # Session, user, application, outcome, role, plan, goals, check-ins and who
    # held them: the same however many check-ins are held.
    with django_assert_num_queries(9):
        response = recruiter.get(_base(hire))

    assert response.status_code == 200


def test_a_failed_email_is_retried_until_the_mail_server_takes_it(
    hire, alice, monkeypatch
):
    plan = development_plan_generate(application=hire, user=alice)
    failures = [SMTPServerDisconnected("gone"), ConnectionRefusedError()]
    real_send = development.send_mail

    def flaky_send(*args, **kwargs):
        if failures:
            raise failures.pop(0)
        return real_send(*args, **kwargs)

    monkeypatch.setattr(development, "send_mail", flaky_send)

    outcome = development_plan_email_task.apply(args=[plan.pk])

    assert outcome.successful()
    assert outcome.result is True
    assert failures == []
    assert [email.to for email in mail.outbox] == [[hire.candidate.email]]


def test_it_says_how_to_read_the_figures_of_each_goal(recruiter, hire, alice):
    development_plan_generate(application=hire, user=alice)

    for path in ("", "print/"):
        text = recruiter.get(_base(hire) + path).content.decode()
        assert "T 66" in text  # the basis, as the hiring team reads it
        assert (
            "T is the questionnaire's standard score, where 50 is the average of "
            "the people it is compared with and 40 to 60 is the usual range"
        ) in text
