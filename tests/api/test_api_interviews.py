"""Interviews and scorecards for integrations: submitted scorecards only, the
aggregate only once the panel is complete, queries flat in the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import interview_services
from assessments.interview_selectors import interview_access
from assessments.models import Interview, Scorecard
from tests.assessments.interview_support import KEYS, scorecard_input, submit
from tests.factories import (
    ApplicationFactory,
    InterviewFactory,
    PanelInterviewFactory,
    UserFactory,
)

SCOPE = "interviews:read"


@pytest.fixture
def panel():
    return [
        UserFactory(username="dana", first_name="Dana", last_name="Ruiz"),
        UserFactory(username="erin", first_name="Erin", last_name="Soto"),
    ]


@pytest.fixture
def interview(panel):
    application = ApplicationFactory(external_id="ats-app-7")
    return PanelInterviewFactory(application=application, panel=panel)


def _draft(user, interview):
    access = interview_access(user=user, interview_id=interview.pk)
    return interview_services.scorecard_draft_save(
        access=access, scorecard=scorecard_input([2, 2, 2, 2, 2, 2], "no")
    )


def test_it_reads_an_interview_with_its_panel(api_client, interview, panel):
    submit(panel[0], interview, [4, 4, 3, 4, 5, 4])

    body = api_client(SCOPE).get(f"/api/v1/interviews/{interview.pk}/").json()

    assert body["id"] == interview.pk
    assert body["application"] == interview.application_id
    assert body["application_external_id"] == "ats-app-7"
    assert (body["rubric"], body["rubric_version"]) == ("sales-interview", 1)
    assert body["duration_minutes"] == 60
    assert body["scheduled_at"].endswith("Z")
    assert body["status"] == "collecting"
    assert body["panel"] == [
        {"interviewer": {"id": panel[0].pk, "name": "Dana Ruiz"}, "submitted": True},
        {"interviewer": {"id": panel[1].pk, "name": "Erin Soto"}, "submitted": False},
    ]
    assert (body["panel_size"], body["submitted_count"]) == (2, 1)
    assert body["completion"] == "partial"


def test_it_gives_no_aggregate_before_the_panel_is_complete(
    api_client, interview, panel, django_capture_on_commit_callbacks
):
    client = api_client(SCOPE)
    url = f"/api/v1/interviews/{interview.pk}/"
    assert client.get(url).json()["result"] is None

    submit(
        panel[0],
        interview,
        [5, 4, 3, 4, 5, 4],
        capture=django_capture_on_commit_callbacks,
    )
    # The partial aggregate exists, but an interviewer still has to rate.
    assert interview.results.exists()
    assert client.get(url).json()["result"] is None

    submit(
        panel[1],
        interview,
        [1, 4, 3, 4, 5, 4],
        "no",
        capture=django_capture_on_commit_callbacks,
    )
    body = client.get(url).json()

    assert body["status"] == "complete"
    assert body["completion"] == "complete"
    result = body["result"]
    assert result["score"] is not None
    assert [c["key"] for c in result["competencies"]] == KEYS
    first = result["competencies"][0]
    assert first["mean"] == 3.0
    assert first["n"] == 2
    assert first["r_wg"] == 0.0
    assert "low_agreement" in first["flags"]
    assert "prospecting_discipline" in result["flagged"]
    assert result["recommendations"] == {
        "strong_yes": 0,
        "yes": 1,
        "no": 1,
        "definitely_not": 0,
        "no_decision": 0,
    }
    assert result["computed_at"].endswith("Z")


def test_it_shows_no_aggregate_of_a_cancelled_interview(
    api_client, interview, panel, django_capture_on_commit_callbacks
):
    submit(
        panel[0],
        interview,
        [4, 4, 4, 4, 4, 4],
        capture=django_capture_on_commit_callbacks,
    )
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)

    body = api_client(SCOPE).get(f"/api/v1/interviews/{interview.pk}/").json()

    assert body["status"] == "cancelled"
    assert body["result"] is None


def test_it_never_shows_a_draft_scorecard(api_client, interview, panel):
    draft = _draft(panel[0], interview)
    submitted = submit(panel[1], interview, [4, 4, 4, 4, 4, 4]).scorecard
    client = api_client(SCOPE)

    listed = client.get("/api/v1/scorecards/").json()["results"]
    response = client.get(f"/api/v1/scorecards/{draft.pk}/")

    assert [row["id"] for row in listed] == [submitted.pk]
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Scorecard.objects.filter(pk=draft.pk, submitted_at__isnull=True).exists()


def test_it_reads_the_current_version_of_an_amended_scorecard(
    api_client, interview, panel
):
    card = submit(panel[0], interview, [4, 4, 3, 4, 5, 4]).scorecard
    access = interview_access(user=panel[0], interview_id=interview.pk)
    amended = scorecard_input([3, 4, 3, 4, 5, 4], "strong_yes")
    amended.notes["prospecting_discipline"] = "Listened again to the recording."
    interview_services.scorecard_amend(
        access=access, scorecard=amended, reason="Misread my notes."
    )

    body = api_client(SCOPE).get(f"/api/v1/scorecards/{card.pk}/").json()

    assert body["interview"] == interview.pk
    assert body["application_external_id"] == "ats-app-7"
    assert body["interviewer"] == {"id": panel[0].pk, "name": "Dana Ruiz"}
    assert (body["version"], body["amendments"]) == (2, 1)
    assert body["recommendation"] == "strong_yes"
    assert [r["competency"] for r in body["ratings"]] == KEYS
    assert body["ratings"][0] == {
        "competency": "prospecting_discipline",
        "rating": 3,
        "evidence": "Listened again to the recording.",
    }
    assert body["submitted_at"].endswith("Z")
    assert body["version_created_at"] >= body["submitted_at"]


@pytest.mark.parametrize("path", ["/api/v1/interviews/", "/api/v1/scorecards/"])
def test_it_hides_interviews_from_a_key_without_the_scope(api_client, interview, path):
    response = api_client("results:read", "applications:read").get(path)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "interviews:read" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/interviews/", "/api/v1/scorecards/"])
def test_it_answers_an_unknown_id_with_a_problem(api_client, db, path):
    response = api_client(SCOPE).get(f"{path}987654/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_it_filters_interviews_as_an_integrator_polls(api_client, interview, panel):
    other = PanelInterviewFactory(panel=[panel[0]])
    submit(panel[0], other, [4, 4, 4, 4, 4, 4])
    client = api_client(SCOPE)

    def ids(query):
        return [
            row["id"]
            for row in client.get("/api/v1/interviews/", query).json()["results"]
        ]

    assert ids({"application": interview.application_id}) == [interview.pk]
    assert ids({"application_external_id": "ats-app-7"}) == [interview.pk]
    assert ids({"status": "collecting"}) == [other.pk]
    assert ids({"status": "scheduled"}) == [interview.pk]
    assert client.get("/api/v1/interviews/", {"status": "nope"}).status_code == 400
    scorecards = client.get("/api/v1/scorecards/", {"interview": other.pk}).json()
    assert [row["interview"] for row in scorecards["results"]] == [other.pk]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("path", ["/api/v1/interviews/", "/api/v1/scorecards/"])
def test_it_reads_a_page_in_as_many_queries_whatever_its_size(
    api_client, path, django_capture_on_commit_callbacks
):
    panel = [UserFactory(), UserFactory(), UserFactory()]
    for _ in range(40):
        interview = PanelInterviewFactory(panel=panel)
        for user in panel[:2]:
            submit(
                user,
                interview,
                [4, 3, 4, 4, 5, 4],
                capture=django_capture_on_commit_callbacks,
            )
        _draft(panel[2], interview)
    client = api_client(SCOPE)
    client.get(path)  # the key's last use is written once a minute

    small = _queries(client, path + "?page_size=10")
    large = _queries(client, path + "?page_size=100")

    assert small == large
    assert len(client.get(path + "?page_size=100").json()["results"]) == 40 * (
        1 if "interviews" in path else 2
    )


def test_it_reads_a_page_of_interviews_in_three_queries(
    api_client, interview, panel, django_assert_num_queries
):
    submit(panel[0], interview, [4, 4, 4, 4, 4, 4])
    client = api_client(SCOPE)
    client.get("/api/v1/interviews/")

    # The interviews with their counts, their panels, their results (the key
    # was looked up a moment ago).
    with django_assert_num_queries(3):
        client.get("/api/v1/interviews/?page_size=100")


def test_it_reads_a_page_of_scorecards_in_two_queries(
    api_client, interview, panel, django_assert_num_queries
):
    submit(panel[0], interview, [4, 4, 4, 4, 4, 4])
    client = api_client(SCOPE)
    client.get("/api/v1/scorecards/")

    # The scorecards with their interviews, their current versions (the key was
    # looked up a moment ago).
    with django_assert_num_queries(2):
        client.get("/api/v1/scorecards/?page_size=100")


def test_it_moves_a_complete_interview_when_an_amendment_changes_its_aggregate(
    api_client, interview, panel, django_capture_on_commit_callbacks
):
    for user in panel:
        submit(
            user,
            interview,
            [4, 4, 4, 4, 4, 4],
            capture=django_capture_on_commit_callbacks,
        )
    client = api_client(SCOPE)
    before = client.get(f"/api/v1/interviews/{interview.pk}/").json()
    access = interview_access(user=panel[0], interview_id=interview.pk)

    with django_capture_on_commit_callbacks(execute=True):
        interview_services.scorecard_amend(
            access=access,
            scorecard=scorecard_input([2, 4, 4, 4, 4, 4], "no"),
            reason="Misread my notes.",
        )
    polled = client.get(
        "/api/v1/interviews/", {"updated_since": before["updated_at"]}
    ).json()["results"]

    assert [row["id"] for row in polled] == [interview.pk]
    assert polled[0]["updated_at"] > before["updated_at"]
    assert polled[0]["result"]["competencies"][0]["mean"] == 3.0


def test_it_reads_an_interview_scheduled_before_rubrics(api_client, db):
    old = InterviewFactory()

    body = api_client(SCOPE).get(f"/api/v1/interviews/{old.pk}/").json()

    assert (body["rubric"], body["rubric_version"]) == (None, None)
    assert (body["panel"], body["completion"], body["result"]) == ([], "awaiting", None)
