"""Every staff page and action, for every role, on its own job and on another
team's.

Alice (recruiter), Bob (hiring manager) and Dana (interviewer) work on one job;
Olga recruits for another, with its own candidates, invitations, interviews,
results, outcomes and development plans. Changing an id in a URL to one of
Olga's gets Alice, Bob and Dana a 404 on every route, as if it did not exist,
and writes nothing. On their own job each role gets what it may (a 403 for a
role that does not allow it), and Charlie, with no role anywhere, a 404. No
action is taken without the form's CSRF token.

A new route must be added to ROUTES (or to GLOBAL, for a page naming no
object), or the first test fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.development import development_plan_generate
from assessments.models import (
    DevelopmentCheckIn,
    DevelopmentPlan,
    Interview,
    Invitation,
    Scorecard,
)
from assessments.services import invitation_create
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    HireOutcome,
    Job,
    JobMember,
    WebhookEndpoint,
)
from tests.factories import (
    ApplicationFactory,
    HireOutcomeFactory,
    InstrumentVersionFactory,
    JobFactory,
    JobMemberFactory,
    PanelInterviewFactory,
    UserFactory,
)
from tests.factories.development import hire_for
from tests.hiring.support import logged_in

PEOPLE = ["alice", "bob", "dana", "charlie"]
TEAM = ["alice", "bob", "dana"]


@dataclass
class Side:
    """One job and the objects the routes name."""

    job: Job
    application: Application  # open, with an open invitation and an interview
    uninvited: Application
    invitation: Invitation
    interview: Interview
    hire: Application  # hired, with results, an outcome and a plan
    member: JobMember
    extra: dict = field(default_factory=dict)


def _side(job: Job, recruiter, panelist) -> Side:
    job.status = Job.Status.OPEN
    job.external_id = f"job-{job.pk}"
    job.save()
    application = ApplicationFactory(job=job)
    # Through the service, so that the server can derive its link again (resend).
    invitation = invitation_create(
        application=application,
        user=recruiter,
        instrument_version=InstrumentVersionFactory(),
    )
    interview = PanelInterviewFactory(application=application, panel=[panelist])
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, start_date=date.today() - timedelta(days=40))
    development_plan_generate(application=hire, user=recruiter)
    return Side(
        job=job,
        application=application,
        uninvited=ApplicationFactory(job=job),
        invitation=invitation,
        interview=interview,
        hire=hire,
        member=JobMember.objects.get(job=job, user=panelist),
    )


@pytest.fixture
def plan_emails(monkeypatch):
    from assessments import development

    monkeypatch.setattr(
        development, "development_plan_email_enqueue", lambda plan_id: True
    )


@pytest.fixture
def own(job, alice, bob, dana, plan_emails) -> Side:
    return _side(job, alice, dana)


@pytest.fixture
def foreign(db, plan_emails) -> Side:
    other = JobFactory(title="Warehouse Lead")
    olga = UserFactory(username="olga", first_name="Olga")
    JobMemberFactory(job=other, user=olga, role="recruiter")
    panelist = UserFactory(username="pat", first_name="Pat")
    return _side(other, olga, panelist)


def _tomorrow() -> str:
    return f"{timezone.localtime() + timedelta(days=1):%Y-%m-%dT%H:%M}"


@dataclass(frozen=True)
class Route:
    """How to name a route's object on a side, what a POST sends, and which
    methods it answers (others get 405 before any check)."""

    kwargs: callable
    methods: tuple[str, ...] = ("GET",)
    data: callable = lambda side: {}


def _result_id(side: Side) -> int:
    return side.hire.invitations.get().results.get().pk


ROUTES: dict[str, Route] = {
    # --- hiring: the job, its team, candidates and outcomes ---
    "hiring:job_edit": Route(
        lambda s: {"pk": s.job.pk},
        ("GET", "POST"),
        lambda s: {"title": "Renamed", "department": "", "location": ""},
    ),
    "hiring:job_status": Route(
        lambda s: {"pk": s.job.pk}, ("POST",), lambda s: {"status": "closed"}
    ),
    "hiring:job_team": Route(
        lambda s: {"pk": s.job.pk},
        ("GET", "POST"),
        lambda s: {"user": s.extra["outsider"].pk, "role": "recruiter"},
    ),
    "hiring:job_team_remove": Route(
        lambda s: {"pk": s.job.pk, "member_id": s.member.pk},
        ("POST",),
        lambda s: {"confirm": "yes"},
    ),
    "hiring:candidate_new": Route(
        lambda s: {"pk": s.job.pk},
        ("GET", "POST"),
        lambda s: {
            "first_name": "Nina",
            "last_name": "Vega",
            "email": "nina@example.org",
            "preferred_language": "en",
            "retention_until": f"{date.today() + timedelta(days=90):%Y-%m-%d}",
        },
    ),
    "hiring:candidate_import": Route(
        lambda s: {"pk": s.job.pk},
        ("GET", "POST"),
        lambda s: {
            "csv_text": "first_name,last_name,email\nNina,Vega,nina@example.org\n",
            "action": "import",
        },
    ),
    "hiring:outcome_import": Route(
        lambda s: {"pk": s.job.pk},
        ("GET", "POST"),
        lambda s: {
            "csv_text": f"application_id,start_date,manager\n{s.hire.pk},"
            f"{date.today() - timedelta(days=10):%Y-%m-%d},Someone Else\n",
            "action": "import",
        },
    ),
    "hiring:outcome_import_template": Route(lambda s: {"pk": s.job.pk}),
    # --- assessments: the pipeline, the plan, applications and invitations ---
    "results:job_detail": Route(lambda s: {"pk": s.job.pk}),
    "results:job_invite_many": Route(
        lambda s: {"pk": s.job.pk},
        ("POST",),
        lambda s: {"application": [s.uninvited.pk]},
    ),
    "results:job_plan": Route(
        lambda s: {"pk": s.job.pk}, ("GET", "POST"), lambda s: {"action": "save"}
    ),
    "results:application_detail": Route(lambda s: {"pk": s.application.pk}),
    "results:application_invite": Route(
        lambda s: {"pk": s.uninvited.pk},
        ("POST",),
        lambda s: {"language": "en", "extra_time_percent": "0", "expires_in_days": "7"},
    ),
    "results:application_decide": Route(
        lambda s: {"pk": s.application.pk},
        ("POST",),
        lambda s: {"decision": "reject", "reason": "Not this time."},
    ),
    "results:application_outcome": Route(
        lambda s: {"pk": s.hire.pk},
        ("POST",),
        lambda s: {
            "start_date": f"{date.today() - timedelta(days=10):%Y-%m-%d}",
            "manager_name": "Someone Else",
            "quota-TOTAL_FORMS": "0",
            "quota-INITIAL_FORMS": "0",
        },
    ),
    "results:invitation_revoke": Route(
        lambda s: {"pk": s.invitation.pk},
        ("GET", "POST"),
        lambda s: {"confirm": "yes"},
    ),
    "results:invitation_resend": Route(lambda s: {"pk": s.invitation.pk}, ("POST",)),
    "results:invitation_extend": Route(
        lambda s: {"pk": s.invitation.pk}, ("POST",), lambda s: {"days": "7"}
    ),
    "results:result_detail": Route(lambda s: {"pk": _result_id(s)}),
    # --- development plans ---
    "results:development_plan": Route(lambda s: {"pk": s.hire.pk}),
    "results:development_plan_print": Route(lambda s: {"pk": s.hire.pk}),
    "results:development_plan_generate": Route(
        lambda s: {"pk": s.hire.pk}, ("POST",), lambda s: {"replace": "on"}
    ),
    "results:development_check_in": Route(
        lambda s: {"pk": s.hire.pk, "day": 30},
        ("POST",),
        lambda s: {"notes": "Went through the CRM.", "held_on": ""},
    ),
    "results:development_plan_email": Route(lambda s: {"pk": s.hire.pk}, ("POST",)),
    # --- interviews ---
    "results:interview_schedule": Route(
        lambda s: {"pk": s.application.pk},
        ("GET", "POST"),
        lambda s: {
            "scheduled_at": _tomorrow(),
            "duration_minutes": "45",
            "interviewers": [s.member.user_id],
            "rubric_version": s.interview.rubric_version_id,
        },
    ),
    "results:interview_detail": Route(lambda s: {"pk": s.interview.pk}),
    "results:interview_reschedule": Route(
        lambda s: {"pk": s.interview.pk},
        ("POST",),
        lambda s: {"scheduled_at": _tomorrow(), "duration_minutes": "30"},
    ),
    "results:interview_cancel": Route(
        lambda s: {"pk": s.interview.pk},
        ("POST",),
        lambda s: {"reason": "The candidate withdrew."},
    ),
    "results:interview_kit": Route(
        lambda s: {"pk": s.interview.pk}, ("GET", "POST"), lambda s: {"summary": "x"}
    ),
    "results:scorecard": Route(
        lambda s: {"pk": s.interview.pk}, ("GET", "POST"), lambda s: {"summary": "x"}
    ),
    "results:interview_debrief": Route(lambda s: {"pk": s.interview.pk}),
    "results:interview_decide": Route(
        lambda s: {"pk": s.interview.pk},
        ("POST",),
        lambda s: {"decision": "reject", "reason": "Not this time."},
    ),
    # --- candidates' data rights ---
    "privacy:candidate": Route(lambda s: {"pk": s.application.candidate_id}),
    "privacy:retention": Route(
        lambda s: {"pk": s.application.candidate_id},
        ("POST",),
        lambda s: {"until": f"{date.today() + timedelta(days=30):%Y-%m-%d}"},
    ),
    "privacy:export": Route(lambda s: {"pk": s.application.candidate_id}, ("POST",)),
    "privacy:erase": Route(
        lambda s: {"pk": s.hire.candidate_id},
        ("GET", "POST"),
        lambda s: {"confirm": "on", "answers": "on"},
    ),
}

# Pages that name no object of a job: each answers by the user's own standing
# (a list of what they may see, or a permission of their account), tested in
# its own file.
GLOBAL = {
    "hiring:job_list",
    "hiring:job_new",
    "hiring:outcome_import_all",
    "hiring:outcome_import_template_all",
    "hiring:webhook_list",
    "hiring:webhook_detail",
    "hiring:webhook_rotate",
    "hiring:webhook_ping",
    "hiring:webhook_toggle",
    "hiring:webhook_redeliver",
    "results:my_interviews",
    "results:glossary",
    "results:report_index",
    "results:adverse_impact",
    "results:outcome_validity",
    "results:outcome_managers",
    "results:rubric_calibration",
    "results:practice_list",
    "results:practice_case",
    "results:development_plans_shared",
    "privacy:notice",
    "privacy:notice_version",
    "instrument_statistics",
}

# What each person gets on their own job, as GET/POST ("-": the route does not
# answer the method), for alice, bob, dana and charlie.
OWN: dict[str, str] = {
    "hiring:job_edit": "200/302 403/403 403/403 404/404",
    "hiring:job_status": "-/302 -/403 -/403 -/404",
    "hiring:job_team": "200/302 403/403 403/403 404/404",
    "hiring:job_team_remove": "-/302 -/403 -/403 -/404",
    "hiring:candidate_new": "200/302 403/403 403/403 404/404",
    "hiring:candidate_import": "200/302 403/403 403/403 404/404",
    "hiring:outcome_import": "200/302 200/302 403/403 404/404",
    "hiring:outcome_import_template": "200/- 200/- 403/- 404/-",
    "results:job_detail": "200/- 200/- 403/- 404/-",
    "results:job_invite_many": "-/302 -/403 -/403 -/404",
    "results:job_plan": "200/400 403/403 403/403 404/404",
    "results:application_detail": "200/- 200/- 403/- 404/-",
    "results:application_invite": "-/302 -/403 -/403 -/404",
    "results:application_decide": "-/302 -/302 -/403 -/404",
    "results:application_outcome": "-/302 -/302 -/403 -/404",
    "results:invitation_revoke": "200/302 403/403 403/403 404/404",
    "results:invitation_resend": "-/302 -/403 -/403 -/404",
    "results:invitation_extend": "-/302 -/403 -/403 -/404",
    "results:result_detail": "200/- 200/- 403/- 404/-",
    "results:development_plan": "200/- 403/- 403/- 404/-",
    "results:development_plan_print": "200/- 403/- 403/- 404/-",
    "results:development_plan_generate": "-/302 -/403 -/403 -/404",
    "results:development_check_in": "-/302 -/403 -/403 -/404",
    "results:development_plan_email": "-/302 -/403 -/403 -/404",
    "results:interview_schedule": "200/302 403/403 403/403 404/404",
    "results:interview_detail": "200/- 200/- 200/- 404/-",
    "results:interview_reschedule": "-/302 -/403 -/403 -/404",
    "results:interview_cancel": "-/302 -/403 -/403 -/404",
    "results:interview_kit": "403/403 403/403 200/302 404/404",
    "results:scorecard": "403/403 403/403 200/400 404/404",
    "results:interview_debrief": "200/- 200/- 403/- 404/-",
    "results:interview_decide": "-/302 -/302 -/403 -/404",
    "privacy:candidate": "200/- 403/- 403/- 404/-",
    "privacy:retention": "-/302 -/403 -/403 -/404",
    "privacy:export": "-/200 -/403 -/403 -/404",
    "privacy:erase": "200/302 403/403 403/403 404/404",
}


def _url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


STAFF_NAMESPACES = ("hiring:", "results:", "privacy:")


def test_it_lists_every_staff_route_in_one_table():
    staff = {
        name
        for name in _url_names()
        if name.startswith(STAFF_NAMESPACES) or name == "instrument_statistics"
    }

    assert staff - set(ROUTES) - GLOBAL == set(), "add the new route to ROUTES"
    assert set(ROUTES) <= staff
    assert set(OWN) == set(ROUTES)


def _snapshot() -> dict:
    """Everything the routes could write, in a comparable form."""
    return {
        "audit": AuditEvent.objects.count(),
        "jobs": list(Job.objects.order_by("pk").values_list("title", "status")),
        "team": list(JobMember.objects.order_by("pk").values_list("user_id", "role")),
        "candidates": list(
            Candidate.objects.order_by("pk").values_list(
                "pk", "retention_until", "erased_at"
            )
        ),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "stage", "decision")
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("pk", "status", "expires_at")
        ),
        "interviews": list(
            Interview.objects.order_by("pk").values_list("pk", "status", "scheduled_at")
        ),
        "scorecards": list(
            Scorecard.objects.order_by("pk").values_list("pk", "draft_summary")
        ),
        "outcomes": list(
            HireOutcome.objects.order_by("pk").values_list("pk", "manager_name")
        ),
        "plans": list(
            DevelopmentPlan.objects.order_by("pk").values_list("pk", "updated_at")
        ),
        "check_ins": list(
            DevelopmentCheckIn.objects.order_by("pk").values_list("pk", "notes")
        ),
        "webhooks": WebhookEndpoint.objects.count(),
    }


def _cases(table):
    for name, route in ROUTES.items():
        for method in route.methods:
            yield name, method


@pytest.mark.parametrize("person", TEAM)
@pytest.mark.parametrize(("name", "method"), list(_cases(ROUTES)))
def test_it_hides_another_teams_objects_from_every_role(
    request, client, own, foreign, charlie, person, name, method
):
    foreign.extra["outsider"] = charlie
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(foreign))
    before = _snapshot()
    logged_in(client, request.getfixturevalue(person))

    response = (
        client.get(url) if method == "GET" else client.post(url, route.data(foreign))
    )

    assert response.status_code == 404, (person, method, url)
    assert _snapshot() == before


@pytest.mark.parametrize("index", range(len(PEOPLE)), ids=PEOPLE)
@pytest.mark.parametrize(("name", "method"), list(_cases(ROUTES)))
def test_it_answers_each_role_on_its_own_job(
    request, client, own, charlie, index, name, method
):
    own.extra["outsider"] = UserFactory(username="newcomer")
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(own))
    expected = int(OWN[name].split()[index].split("/")[0 if method == "GET" else 1])
    logged_in(client, request.getfixturevalue(PEOPLE[index]))
    before = _snapshot()

    response = client.get(url) if method == "GET" else client.post(url, route.data(own))

    assert response.status_code == expected, (PEOPLE[index], method, url)
    if expected in (403, 404):
        assert _snapshot() == before


@pytest.mark.parametrize(
    "name", [name for name, method in _cases(ROUTES) if method == "POST"]
)
def test_it_refuses_every_action_without_its_csrf_token(own, alice, name):
    own.extra["outsider"] = UserFactory(username="newcomer")
    route = ROUTES[name]
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    before = _snapshot()

    response = client.post(reverse(name, kwargs=route.kwargs(own)), route.data(own))

    assert response.status_code == 403
    assert "Nothing was saved." in response.content.decode()
    assert _snapshot() == before
