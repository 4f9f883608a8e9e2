"""No page with personal data or results may be kept by a browser or a proxy.

Every route of the recruiter side (read from the URL configuration, so a new
route cannot be forgotten), the statistics and the admin answer a signed-in user
with ``Cache-Control: no-store``, errors and redirects included.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import PracticeCase
from hiring.models import Stage
from hiring.webhooks.services import endpoint_create
from tests.factories import (
    ApplicationFactory,
    InstrumentVersionFactory,
    InterviewFactory,
    InvitationFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in

# Routes that are not the recruiter side: public or the candidate's own.
NOT_RECRUITER = {
    "healthz",
    "login",
    "set_language",
    "favicon",
    "privacy:notice",
    "privacy:notice_version",
}


def _route_names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            # The API answers API keys, not signed-in users, and sends no-store
            # itself (tests/api/test_api_results.py).
            # Greenhouse calls with an API key over HTTP Basic, never a session.
            # The hire's development plan pages send no-store themselves, like
            # the candidate's (tests/assessments/test_views_development_hire.py).
            if entry.namespace in {"take", "my_plan", "admin", "api", "greenhouse"}:
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _route_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


RECRUITER_ROUTES = sorted(
    name
    for name in set(_route_names(get_resolver().url_patterns))
    if name not in NOT_RECRUITER
)


@pytest.fixture
def scene(job, alice, dana, admin_user, instrument_version, settings):
    version = InstrumentVersionFactory()
    result = QuestionnaireResultFactory(
        invitation__application__job=job, invitation__instrument_version=version
    )
    InterviewFactory(application=result.invitation.application, interviewers=[dana])
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="ATS", url="http://127.0.0.1:9/hook", events=[]
    )
    interview = PanelInterviewFactory(
        application=result.invitation.application, panel=[dana]
    )
    return {
        "interview": interview,
        "practice_case": PracticeCase.objects.create(
            rubric_version=interview.rubric_version,
            title="A practice case",
            answers={},
            agreed_ratings={},
            created_by=admin_user,
        ),
        "endpoint": endpoint,
        "job": job,
        # The statistics need a real instrument definition.
        "version": instrument_version,
        "result": result,
        "application": result.invitation.application,
        "hire": ApplicationFactory(job=job, stage=Stage.HIRED),
        "open_invitation": InvitationFactory(
            application=ApplicationFactory(job=job), instrument_version=version
        ),
    }


def _request(name, scene):
    """(method, url, data) of a request that reaches the route's view."""
    application = scene["application"].pk
    job = scene["job"].pk
    candidate = scene["application"].candidate_id
    routes = {
        "hiring:job_list": lambda: ("get", reverse(name), None),
        "logout": lambda: ("post", reverse(name), {}),
        "instrument_statistics": lambda: (
            "get",
            reverse(name, args=[scene["version"].pk]),
            None,
        ),
        "results:job_detail": lambda: (
            "get",
            reverse(name, args=[scene["job"].pk]),
            None,
        ),
        "results:application_detail": lambda: (
            "get",
            reverse(name, args=[application]),
            None,
        ),
        # Invalid forms: the page is shown again, with its personal data, as a 400.
        "results:application_invite": lambda: (
            "post",
            reverse(name, args=[application]),
            {},
        ),
        "results:application_decide": lambda: (
            "post",
            reverse(name, args=[application]),
            {},
        ),
        "results:invitation_revoke": lambda: (
            "post",
            reverse(name, args=[scene["open_invitation"].pk]),
            {"confirm": "yes"},
        ),
        "results:invitation_resend": lambda: (
            "post",
            reverse(name, args=[scene["open_invitation"].pk]),
            {},
        ),
        "results:invitation_extend": lambda: (
            "post",
            reverse(name, args=[scene["open_invitation"].pk]),
            {},
        ),
        # The application of the scene is not hired: no plan, so the page shows
        # the generate form, print is a 404 and generating a 409 page.
        "results:development_plan": lambda: (
            "get",
            reverse(name, args=[application]),
            None,
        ),
        "results:development_plan_print": lambda: (
            "get",
            reverse(name, args=[application]),
            None,
        ),
        "results:development_plan_generate": lambda: (
            "post",
            reverse(name, args=[application]),
            {},
        ),
        "results:development_check_in": lambda: (
            "post",
            reverse(name, args=[application, 30]),
            {},
        ),
        "results:development_plan_email": lambda: (
            "post",
            reverse(name, args=[application]),
            {},
        ),
        "results:development_plans_shared": lambda: ("get", reverse(name), None),
        "results:result_detail": lambda: (
            "get",
            reverse(name, args=[scene["result"].pk]),
            None,
        ),
        "results:my_interviews": lambda: ("get", reverse(name), None),
        # The webhook settings: a new endpoint's secret is shown once, on a page
        # that no cache may keep.
        "hiring:webhook_list": lambda: (
            "post",
            reverse(name),
            {"name": "ATS", "url": "http://127.0.0.1:9/hook"},
        ),
        "hiring:webhook_detail": lambda: (
            "get",
            reverse(name, args=[scene["endpoint"].pk]),
            None,
        ),
        "hiring:webhook_rotate": lambda: (
            "post",
            reverse(name, args=[scene["endpoint"].pk]),
            {},
        ),
        "hiring:webhook_ping": lambda: (
            "post",
            reverse(name, args=[scene["endpoint"].pk]),
            {},
        ),
        "hiring:webhook_toggle": lambda: (
            "post",
            reverse(name, args=[scene["endpoint"].pk]),
            {},
        ),
        # Interviews: the pages of a panelist's and a manager's work.
        "results:interview_schedule": lambda: (
            "post",
            reverse(name, args=[application]),
            {},
        ),
        "results:interview_detail": lambda: (
            "get",
            reverse(name, args=[scene["interview"].pk]),
            None,
        ),
        "results:interview_kit": lambda: (
            "get",
            reverse(name, args=[scene["interview"].pk]),
            None,
        ),
        "results:scorecard": lambda: (
            "get",
            reverse(name, args=[scene["interview"].pk]),
            None,
        ),
        "results:interview_debrief": lambda: (
            "get",
            reverse(name, args=[scene["interview"].pk]),
            None,
        ),
        "results:interview_decide": lambda: (
            "post",
            reverse(name, args=[scene["interview"].pk]),
            {},
        ),
        "results:interview_reschedule": lambda: (
            "post",
            reverse(name, args=[scene["interview"].pk]),
            {},
        ),
        "results:interview_cancel": lambda: (
            "post",
            reverse(name, args=[scene["interview"].pk]),
            {},
        ),
        "results:rubric_calibration": lambda: (
            "get",
            reverse(name, args=[scene["interview"].rubric_version.rubric_id]),
            None,
        ),
        "results:practice_list": lambda: ("get", reverse(name), None),
        "results:practice_case": lambda: (
            "get",
            reverse(name, args=[scene["practice_case"].pk]),
            None,
        ),
        # No delivery exists: the 404 page is as private as any other.
        "hiring:webhook_redeliver": lambda: ("post", reverse(name, args=[0]), {}),
        # The recruiter workspace.
        "hiring:job_new": lambda: ("get", reverse(name), None),
        "hiring:job_edit": lambda: ("get", reverse(name, args=[job]), None),
        "hiring:job_status": lambda: ("post", reverse(name, args=[job]), {}),
        "hiring:job_team": lambda: ("get", reverse(name, args=[job]), None),
        "hiring:job_team_remove": lambda: ("post", reverse(name, args=[job, 0]), {}),
        "hiring:candidate_new": lambda: ("get", reverse(name, args=[job]), None),
        "hiring:candidate_import": lambda: ("post", reverse(name, args=[job]), {}),
        "results:job_invite_many": lambda: ("post", reverse(name, args=[job]), {}),
        "results:job_plan": lambda: ("get", reverse(name, args=[job]), None),
        "results:glossary": lambda: ("get", reverse(name), None),
        "results:adverse_impact": lambda: ("get", reverse(name), {"job": job}),
        "results:outcome_validity": lambda: ("get", reverse(name), None),
        "results:outcome_managers": lambda: ("get", reverse(name), None),
        "results:report_index": lambda: ("get", reverse(name), None),
        # Hire outcomes: the form refused (the page shown again as a 400), the
        # import page and its template of the job's hires.
        "results:application_outcome": lambda: (
            "post",
            reverse(name, args=[scene["hire"].pk]),
            {},
        ),
        "hiring:outcome_import": lambda: ("get", reverse(name, args=[job]), None),
        "hiring:outcome_import_template": lambda: (
            "get",
            reverse(name, args=[job]),
            None,
        ),
        "hiring:outcome_import_all": lambda: ("get", reverse(name), None),
        "hiring:outcome_import_template_all": lambda: ("get", reverse(name), None),
        # A candidate's data rights: the page, its forms refused (shown again as a
        # 400 with the personal data) and the export file itself.
        "privacy:candidate": lambda: ("get", reverse(name, args=[candidate]), None),
        "privacy:retention": lambda: ("post", reverse(name, args=[candidate]), {}),
        "privacy:erase": lambda: ("post", reverse(name, args=[candidate]), {}),
        "privacy:export": lambda: ("post", reverse(name, args=[candidate]), {}),
    }
    return routes[name]()


def test_it_knows_how_to_reach_every_recruiter_route(scene):
    assert RECRUITER_ROUTES
    for name in RECRUITER_ROUTES:
        assert _request(name, scene)


@pytest.mark.parametrize("name", RECRUITER_ROUTES)
def test_it_forbids_storing_every_recruiter_page(client, admin_user, scene, name):
    method, url, data = _request(name, scene)
    logged_in(client, admin_user)

    response = getattr(client, method)(url, data)

    assert response.status_code < 500
    assert "no-store" in response["Cache-Control"], (name, response.status_code)
    if name == "hiring:webhook_rotate":
        assert "whsec_" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_it_forbids_storing_a_denied_page(client, dana, scene):
    response = logged_in(client, dana).get(
        reverse("results:result_detail", args=[scene["result"].pk])
    )

    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/hiring/candidate/",
        "/admin/hiring/candidate/?q=Casey",
        "/admin/assessments/questionnaireresult/",
        "/admin/hiring/auditevent/",
    ],
)
def test_it_forbids_storing_the_admin(client, admin_user, scene, url):
    response = logged_in(client, admin_user).get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_forbids_storing_the_redirect_that_signs_in(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_responses_without_a_session_alone(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert "Cache-Control" not in response
