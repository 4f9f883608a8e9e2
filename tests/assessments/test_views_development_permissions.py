"""Who may open a hire's development plan, and do what with it.

Holders of DEVELOPMENT on the job (Alice the recruiter, administrators) do
everything. Bob (hiring manager) and Dana (interviewer) hold roles without it:
403. Charlie, with no role, gets 404, and so does the hire's line manager until
the hire agrees to share; then the manager reads the plan and keeps check-in
notes, and nothing more.
"""

import pytest

from assessments.development import development_plan_generate, development_plan_share
from hiring.models import AuditEvent
from hiring.outcome_services import hire_outcome_record
from tests.factories import HireOutcomeFactory, UserFactory
from tests.factories.development import hire_for
from tests.hiring.support import logged_in

PEOPLE = ["alice", "bob", "dana", "charlie", "admin_user", "manager"]


@pytest.fixture
def manager(db):
    return UserFactory(username="morgan", first_name="Morgan")


@pytest.fixture
def scene(job, alice, bob, dana, charlie, admin_user, manager, sent_plan_emails):
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, manager=manager)
    plan = development_plan_generate(application=hire, user=alice)
    return {"hire": hire, "plan": plan}


@pytest.fixture
def sent_plan_emails(monkeypatch):
    from assessments import development

    sent = []
    monkeypatch.setattr(development, "development_plan_email_enqueue", sent.append)
    return sent


def _url(scene, route):
    base = f"/applications/{scene['hire'].pk}/development/"
    return {
        "page": base,
        "print": base + "print/",
        "generate": base + "generate/",
        "check_in": base + "check-ins/30/",
        "email": base + "email/",
    }[route]


POST_DATA = {
    "generate": {"replace": "on"},
    "check_in": {"notes": "Went through the CRM together.", "held_on": ""},
    "email": {},
}

#                      alice bob  dana charlie admin manager
WITHOUT_CONSENT = {
    "page": [200, 403, 403, 404, 200, 404],
    "print": [200, 403, 403, 404, 200, 404],
    "generate": [302, 403, 403, 404, 302, 404],
    "check_in": [302, 403, 403, 404, 302, 404],
    "email": [302, 403, 403, 404, 302, 404],
}
WITH_CONSENT = {
    "page": [200, 403, 403, 404, 200, 200],
    "print": [200, 403, 403, 404, 200, 200],
    "generate": [302, 403, 403, 404, 302, 404],
    "check_in": [302, 403, 403, 404, 302, 302],
    "email": [302, 403, 403, 404, 302, 404],
}


def _cases(matrix):
    return [
        (route, person, statuses[i])
        for route, statuses in matrix.items()
        for i, person in enumerate(PEOPLE)
    ]


def _request(client, request, scene, route, person):
    user = request.getfixturevalue(person)
    client = logged_in(client, user)
    url = _url(scene, route)
    if route in POST_DATA:
        return client.post(url, POST_DATA[route])
    return client.get(url)


@pytest.mark.parametrize(("route", "person", "status"), _cases(WITHOUT_CONSENT))
def test_it_answers_each_person_without_the_hires_consent(
    client, request, scene, route, person, status
):
    response = _request(client, request, scene, route, person)

    assert response.status_code == status


@pytest.mark.parametrize(("route", "person", "status"), _cases(WITH_CONSENT))
def test_it_answers_each_person_once_the_hire_consents(
    client, request, scene, route, person, status
):
    development_plan_share(plan=scene["plan"], share=True)

    response = _request(client, request, scene, route, person)

    assert response.status_code == status


def test_the_manager_loses_access_when_the_hire_withdraws_consent(
    client, scene, manager
):
    plan = scene["plan"]
    client = logged_in(client, manager)
    development_plan_share(plan=plan, share=True)
    assert client.get(_url(scene, "page")).status_code == 200

    development_plan_share(plan=plan, share=False)

    assert client.get(_url(scene, "page")).status_code == 404
    assert client.post(_url(scene, "check_in"), POST_DATA["check_in"]).status_code == (
        404
    )


def test_the_same_404_as_anyone_else(client, scene, manager, charlie):
    manager_page = logged_in(client, manager).get(_url(scene, "page"))
    charlie_page = logged_in(client, charlie).get(_url(scene, "page"))

    def main(response):
        text = response.content.decode()
        return text[text.index("<main") : text.index("</main>")]

    assert manager_page.status_code == charlie_page.status_code == 404
    assert main(manager_page) == main(charlie_page)


def test_the_manager_sees_no_link_and_no_generate_form(client, scene, manager):
    development_plan_share(plan=scene["plan"], share=True)

    page = logged_in(client, manager).get(_url(scene, "page")).content.decode()

    assert "/my-plan/" not in page
    assert 'id="generate-form"' not in page
    assert 'data-check-in="30"' in page


def test_the_manager_lists_the_plans_shared_with_them(client, scene, manager):
    client = logged_in(client, manager)
    assert (
        scene["hire"].candidate.full_name
        not in client.get("/development-plans/").content.decode()
    )

    development_plan_share(plan=scene["plan"], share=True)

    assert (
        scene["hire"].candidate.full_name
        in client.get("/development-plans/").content.decode()
    )


def test_the_application_page_offers_the_plan_to_development_holders_only(
    client, scene, alice, bob
):
    url = f"/applications/{scene['hire'].pk}/"

    assert (
        'id="development-plan-link"'
        in logged_in(client, alice).get(url).content.decode()
    )
    assert (
        'id="development-heading"'
        not in logged_in(client, bob).get(url).content.decode()
    )


def test_the_shared_list_reads_any_number_of_plans_in_fixed_queries(
    client, job, alice, manager, django_assert_num_queries
):
    for _ in range(3):
        hire = hire_for(job)
        HireOutcomeFactory(application=hire, manager=manager)
        plan = development_plan_generate(application=hire, user=alice)
        development_plan_share(plan=plan, share=True)
    client = logged_in(client, manager)

    # Session, user, the plans with their hires and jobs.
    with django_assert_num_queries(3):
        response = client.get("/development-plans/")

    assert response.content.decode().count("/development/") == 3


def test_a_team_member_who_is_the_line_manager_finds_the_shared_plan(
    client, job, alice, bob, sent_plan_emails
):
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, manager=bob)  # bob: hiring manager too
    plan = development_plan_generate(application=hire, user=alice)
    client = logged_in(client, bob)
    url = f"/applications/{hire.pk}/"
    assert 'id="development-plan-link"' not in client.get(url).content.decode()

    development_plan_share(plan=plan, share=True)

    assert 'id="development-plan-link"' in client.get(url).content.decode()
    assert client.get(f"{url}development/").status_code == 200


def test_a_new_manager_does_not_inherit_the_hires_consent(
    client, scene, manager, alice
):
    # The hire agreed to show the plan to Morgan; the hire moves to Nadia's team.
    plan = scene["plan"]
    development_plan_share(plan=plan, share=True)
    outcome = scene["hire"].outcome
    nadia = UserFactory(username="nadia", first_name="Nadia")

    hire_outcome_record(
        application=scene["hire"],
        by=alice,
        start_date=outcome.start_date,
        manager_name="Nadia",
        manager=nadia,
    )

    plan.refresh_from_db()
    assert plan.shared_with_manager_at is None
    assert logged_in(client, nadia).get(_url(scene, "page")).status_code == 404
    ended = AuditEvent.objects.get(action="development_plan.unshared")
    assert ended.actor == alice
    assert ended.data["by"] == "manager_changed"


def test_the_consent_stays_while_the_manager_stays(client, scene, manager, alice):
    plan = scene["plan"]
    development_plan_share(plan=plan, share=True)
    outcome = scene["hire"].outcome

    hire_outcome_record(
        application=scene["hire"],
        by=alice,
        start_date=outcome.start_date,
        manager_name="Morgan (renamed)",
        manager=manager,
        performance_rating=4,
        rated_on=outcome.start_date,
    )

    plan.refresh_from_db()
    assert plan.shared_with_manager_at is not None
    assert logged_in(client, manager).get(_url(scene, "page")).status_code == 200
