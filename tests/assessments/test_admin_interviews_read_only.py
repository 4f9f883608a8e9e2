"""The admin's interview and development plan screens only show: every change
goes through the services (the recruiter pages), which keep the rules an edit in
the admin would skip, such as a panel that no longer changes once its
scorecards are in, a locked scorecard or a check-in's audit row. Driven
through the admin's own views, as an administrator, the most powerful user."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from assessments.development import development_plan_generate
from assessments.interview_services import interview_aggregate
from assessments.models import (
    DevelopmentCheckIn,
    DevelopmentGoal,
    DevelopmentPlan,
    Interview,
    InterviewResult,
    Panelist,
    Scorecard,
    ScorecardVersion,
)
from tests.assessments.interview_support import submit
from tests.factories import (
    HireOutcomeFactory,
    PanelInterviewFactory,
    UserFactory,
)
from tests.factories.development import hire_for
from tests.factories.hiring import JobMemberFactory
from tests.hiring.support import logged_in

READ_ONLY = [
    Interview,
    Panelist,
    Scorecard,
    ScorecardVersion,
    InterviewResult,
    DevelopmentPlan,
    DevelopmentGoal,
    DevelopmentCheckIn,
]


def _url(model, view="changelist", pk=None):
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return (
        base
        + {
            "changelist": "",
            "add": "add/",
            "change": f"{pk}/change/",
            "delete": f"{pk}/delete/",
        }[view]
    )


@pytest.fixture
def olga(job):
    user = UserFactory(username="olga", first_name="Olga")
    JobMemberFactory(job=job, user=user, role="interviewer")
    return user


@pytest.fixture
def debriefed(application, dana, olga):
    """An interview whose two panelists both submitted, aggregated."""
    interview = PanelInterviewFactory(application=application, panel=[dana, olga])
    submit(dana, interview, [4, 4, 1, 4, 4, 3])
    submit(olga, interview, [4, 5, 5, 4, 3, 4])
    interview_aggregate(interview_id=interview.pk)
    interview.refresh_from_db()
    return interview


@pytest.fixture
def plan(job, alice):
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, start_date=datetime.date(2026, 1, 5))
    return development_plan_generate(application=hire, user=alice)


def _panel(interview):
    return sorted(interview.panelists.values_list("interviewer__username", flat=True))


def test_it_refuses_to_change_the_panel_or_time_of_a_debriefed_interview(
    client, admin_user, debriefed, alice
):
    seat = debriefed.panelists.get(interviewer__username="dana")
    logged_in(client, admin_user)
    page = client.get(_url(Interview, "change", debriefed.pk))

    response = client.post(
        _url(Interview, "change", debriefed.pk),
        {
            "application": debriefed.application_id,
            "title": "Moved",
            "scheduled_at_0": "2030-01-01",
            "scheduled_at_1": "10:00:00",
            "duration_minutes": 30,
            "status": "scheduled",
            "panelists-TOTAL_FORMS": 3,
            "panelists-INITIAL_FORMS": 2,
            "panelists-0-id": seat.pk,
            "panelists-0-interviewer": alice.pk,
            "panelists-0-DELETE": "on",
            "panelists-2-interviewer": alice.pk,
        },
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "dana" in html  # the panel is shown, not offered for change
    assert response.status_code == 403
    unchanged = Interview.objects.get(pk=debriefed.pk)
    assert unchanged.title == debriefed.title
    assert unchanged.scheduled_at == debriefed.scheduled_at
    assert unchanged.status == Interview.Status.COMPLETE
    assert _panel(unchanged) == ["dana", "olga"]


def test_it_refuses_to_add_or_delete_an_interview(client, admin_user, debriefed):
    logged_in(client, admin_user)

    added = client.post(
        _url(Interview, "add"),
        {"application": debriefed.application_id, "title": "Extra"},
    )
    deleted = client.post(_url(Interview, "delete", debriefed.pk), {"post": "yes"})
    bulk = client.post(
        _url(Interview),
        {
            "action": "delete_selected",
            "_selected_action": [debriefed.pk],
            "post": "yes",
        },
    )

    assert added.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in {200, 302}
    assert list(Interview.objects.values_list("pk", flat=True)) == [debriefed.pk]
    assert Scorecard.objects.filter(interview=debriefed).count() == 2


def test_it_refuses_to_edit_a_submitted_scorecard(client, admin_user, debriefed):
    card = debriefed.scorecards.get(interviewer__username="dana")
    logged_in(client, admin_user)

    response = client.post(
        _url(Scorecard, "change", card.pk),
        {"interview": debriefed.pk, "interviewer": card.interviewer_id},
    )

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.submitted_at is not None
    assert card.versions.get().ratings["coachability"] == 1


def test_it_refuses_to_change_a_development_plan_or_its_check_ins(
    client, admin_user, plan
):
    check_in = plan.check_ins.get(day=30)
    logged_in(client, admin_user)

    changed = client.post(
        _url(DevelopmentCheckIn, "change", check_in.pk),
        {"plan": plan.pk, "day": 30, "due_on": "2026-02-04", "notes": "Edited"},
    )
    shared = client.post(
        _url(DevelopmentPlan, "change", plan.pk),
        {"shared_with_manager_at_0": "2026-02-01", "shared_with_manager_at_1": "9:00"},
    )
    deleted = client.post(_url(DevelopmentPlan, "delete", plan.pk), {"post": "yes"})

    assert changed.status_code == shared.status_code == deleted.status_code == 403
    check_in.refresh_from_db()
    plan.refresh_from_db()
    assert check_in.notes == ""
    assert plan.shared_with_manager_at is None


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label)
def test_it_grants_no_administrator_add_change_or_delete(model, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site.get_model_admin(model)

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)
