"""A candidate who applied to jobs of several teams: who may export, erase and keep.

Adding a candidate by an email Criba already knows attaches the known candidate to
the new job. The recruiter of that job may then open the candidate's privacy page,
but exporting, erasing and changing the retention date reach every application,
the other team's too: only someone who may manage personal data on every job the
candidate applied to, or an administrator, may do them. Anybody else is told that
an administrator must handle the request, without naming the other jobs, and the
posts are refused with nothing written.
"""

from datetime import date, timedelta

import pytest

from assessments.models import QuestionnaireResult
from hiring.models import Application, AuditEvent, Candidate, Stage
from hiring.services import candidate_add_to_job
from tests.assessments.privacy_support import EMAIL, dossier_create
from tests.factories import JobFactory, JobMemberFactory, UserFactory
from tests.hiring.support import logged_in

OTHER_JOBS = "also applied to jobs you do not manage"
ADMINISTRATOR = "an administrator must handle this request"
FIRST_JOB = "Account Executive"
SECOND_JOB = "Warehouse Lead"

POST_DATA = {
    "export/": {},
    "retention/": {"until": (date.today() + timedelta(days=30)).isoformat()},
    "erase/": {"confirm": "on", "answers": "on"},
}
WRITES = [
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.RETENTION_CHANGED,
    AuditEvent.Action.ERASURE,
]


@pytest.fixture
def second_job(db):
    return JobFactory(title=SECOND_JOB)


@pytest.fixture
def erin(second_job):
    """The recruiter of the second job, and of nothing else."""
    user = UserFactory(username="erin", first_name="Erin")
    JobMemberFactory(job=second_job, user=user, role="recruiter")
    return user


@pytest.fixture
def shared(job, second_job, alice, dana, erin):
    """A candidate of the first job (closed), whom Erin added to the second job by
    their email, as the candidate form does."""
    dossier = dossier_create(
        job=job, recruiter=alice, interviewer=dana, stage=Stage.WITHDRAWN
    )
    application, created = candidate_add_to_job(
        job=second_job,
        actor=erin,
        first_name="Someone",
        last_name="Else",
        email=EMAIL,
    )
    assert not created
    assert application.candidate_id == dossier.candidate.pk
    return dossier


def _url(dossier, page=""):
    return f"/candidates/{dossier.candidate.pk}/privacy/{page}"


def _close_second_application(dossier):
    Application.objects.filter(candidate=dossier.candidate).update(
        stage=Stage.WITHDRAWN
    )


def test_it_tells_the_other_jobs_recruiter_an_administrator_must_act(
    client, erin, shared
):
    page = logged_in(client, erin).get(_url(shared)).content.decode()

    assert OTHER_JOBS in page
    assert ADMINISTRATOR in page
    assert 'id="other-jobs-notice"' in page
    # Their own job is listed, the other team's is not named.
    assert SECOND_JOB in page
    assert FIRST_JOB not in page
    assert 'id="export-form"' not in page
    assert 'id="retention-form"' not in page
    assert _url(shared, "erase/") not in page


def test_it_shows_no_erasure_form_to_the_other_jobs_recruiter(client, erin, shared):
    response = logged_in(client, erin).get(_url(shared, "erase/"))

    page = response.content.decode()
    assert response.status_code == 200
    assert ADMINISTRATOR in page
    assert FIRST_JOB not in page
    assert 'id="erase-form"' not in page


@pytest.mark.parametrize(
    ("page", "data"),
    [
        *POST_DATA.items(),
        # Refused before the form is even read.
        ("retention/", {"until": "not a date"}),
        ("erase/", {}),
    ],
)
def test_it_refuses_the_other_jobs_recruiter_and_writes_nothing(
    client, erin, shared, page, data
):
    kept_until = shared.candidate.retention_until

    response = logged_in(client, erin).post(_url(shared, page), data)

    assert response.status_code == 403
    body = response.content.decode()
    assert ADMINISTRATOR in body
    assert FIRST_JOB not in body
    assert EMAIL not in body
    assert not AuditEvent.objects.filter(action__in=WRITES).exists()
    candidate = Candidate.objects.get(pk=shared.candidate.pk)
    assert not candidate.is_erased
    assert candidate.retention_until == kept_until
    assert QuestionnaireResult.objects.filter(pk=shared.result_id).exists()


def test_it_answers_the_refusal_as_a_problem_to_a_json_client(client, erin, shared):
    response = logged_in(client, erin).post(
        _url(shared, "export/"), HTTP_ACCEPT="application/problem+json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "other_jobs"
    assert FIRST_JOB not in response.content.decode()


def test_the_first_jobs_recruiter_may_no_longer_act_alone_either(client, alice, shared):
    page = logged_in(client, alice).get(_url(shared)).content.decode()
    response = client.post(_url(shared, "export/"))

    assert ADMINISTRATOR in page
    assert SECOND_JOB not in page
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_role_without_the_capability_on_the_other_job_is_not_enough(
    client, second_job, erin, bob, shared
):
    # Bob is hiring manager of the first job; made recruiter of the second.
    JobMemberFactory(job=second_job, user=bob, role="recruiter")

    page = logged_in(client, bob).get(_url(shared)).content.decode()
    response = client.post(_url(shared, "export/"))

    assert ADMINISTRATOR in page
    assert response.status_code == 403


@pytest.mark.parametrize(("page", "status"), [("export/", 200), ("retention/", 302)])
def test_a_recruiter_of_every_job_may_act(
    client, second_job, alice, shared, page, status
):
    JobMemberFactory(job=second_job, user=alice, role="recruiter")

    screen = logged_in(client, alice).get(_url(shared)).content.decode()
    response = client.post(_url(shared, page), POST_DATA[page])

    assert OTHER_JOBS not in screen
    assert FIRST_JOB in screen
    assert SECOND_JOB in screen
    assert response.status_code == status
    assert AuditEvent.objects.filter(action__in=WRITES).exists()


def test_a_recruiter_of_every_job_may_erase(client, second_job, alice, shared):
    JobMemberFactory(job=second_job, user=alice, role="recruiter")
    _close_second_application(shared)

    form = logged_in(client, alice).get(_url(shared, "erase/")).content.decode()
    response = client.post(_url(shared, "erase/"), POST_DATA["erase/"])

    assert 'id="erase-form"' in form
    assert response.status_code == 302
    assert Candidate.objects.get(pk=shared.candidate.pk).is_erased


@pytest.mark.parametrize(("page", "status"), [("export/", 200), ("retention/", 302)])
def test_an_administrator_may_always_act(client, admin_user, shared, page, status):
    screen = logged_in(client, admin_user).get(_url(shared)).content.decode()
    response = client.post(_url(shared, page), POST_DATA[page])

    assert OTHER_JOBS not in screen
    assert FIRST_JOB in screen
    assert SECOND_JOB in screen
    assert response.status_code == status
    assert AuditEvent.objects.filter(action__in=WRITES).exists()


def test_an_administrator_may_always_erase(client, admin_user, shared):
    _close_second_application(shared)

    response = logged_in(client, admin_user).post(
        _url(shared, "erase/"), POST_DATA["erase/"]
    )

    assert response.status_code == 302
    assert Candidate.objects.get(pk=shared.candidate.pk).is_erased
    assert not QuestionnaireResult.objects.filter(pk=shared.result_id).exists()
