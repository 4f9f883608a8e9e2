"""Hire outcomes over the API: an HR system records a hire's outcome by its own
application id and polls what was recorded, with retention derived from the dates;
every refusal is a problem naming its cause; a page costs the same queries
whatever its size."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import ApiKey, HireOutcome, OutboxEvent, Stage
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    QuotaAttainmentFactory,
)

S = ApiKey.Scope
URL = "/api/v1/outcomes/"


@pytest.fixture
def hire(db):
    return ApplicationFactory(
        job=JobFactory(external_id="job-1"),
        candidate=CandidateFactory(external_id="cand-1"),
        stage=Stage.HIRED,
        external_id="app-1",
    )


def body(**fields) -> dict:
    return {
        "application_external_id": "app-1",
        "start_date": "2026-03-02",
        "manager_name": "Dana Reyes",
    } | fields


def test_it_records_an_outcome_by_your_application_id_and_reads_it_back(
    api_client, hire
):
    client = api_client(S.OUTCOMES_WRITE)

    response = client.post(
        URL,
        body(
            team="Inside sales",
            performance_rating=4,
            rated_on="2026-09-30",
            quotas=[
                {"year": 2026, "quarter": 3, "attainment_percent": 110},
                {"year": 2026, "quarter": 2, "attainment_percent": "96.5"},
            ],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    outcome = HireOutcome.objects.get()
    assert response["Location"].endswith(f"{URL}{outcome.pk}/")
    assert data == {
        "id": outcome.pk,
        "application": hire.pk,
        "application_external_id": "app-1",
        "candidate": hire.candidate_id,
        "candidate_external_id": "cand-1",
        "job": hire.job_id,
        "job_external_id": "job-1",
        "start_date": "2026-03-02",
        "manager_name": "Dana Reyes",
        "team": "Inside sales",
        "leaving_date": None,
        "leaving_reason": None,
        "employed_90": True,
        "employed_180": True,
        "performance_rating": 4,
        "rated_on": "2026-09-30",
        "quotas": [
            {"year": 2026, "quarter": 2, "attainment_percent": 96.5},
            {"year": 2026, "quarter": 3, "attainment_percent": 110.0},
        ],
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
    }
    assert data["updated_at"].endswith("Z")
    assert response["Cache-Control"].startswith("no-store") or (
        "no-store" in response["Cache-Control"]
    )
    assert client.get(f"{URL}{outcome.pk}/").json() == data
    event = OutboxEvent.objects.get(type="hire_outcome.recorded")
    assert event.payload["data"]["application_external_id"] == "app-1"


def test_it_updates_the_one_outcome_with_200_and_merges_quarters(api_client, hire):
    client = api_client(S.OUTCOMES_WRITE)
    first = client.post(
        URL,
        body(quotas=[{"year": 2026, "quarter": 2, "attainment_percent": 90}]),
        format="json",
    )

    second = client.post(
        URL,
        body(
            application=hire.pk,
            leaving_date="2026-07-15",
            leaving_reason="voluntary",
            quotas=[{"year": 2026, "quarter": 1, "attainment_percent": 80}],
        ),
        format="json",
    )

    assert second.status_code == 200, second.json()
    assert second.json()["id"] == first.json()["id"]
    assert HireOutcome.objects.count() == 1
    assert second.json()["employed_90"] is True
    assert second.json()["employed_180"] is False
    assert second.json()["leaving_reason"] == "voluntary"
    assert [q["quarter"] for q in second.json()["quotas"]] == [1, 2]


def test_it_removes_a_quarter_sent_without_attainment(api_client, hire):
    client = api_client(S.OUTCOMES_WRITE)
    client.post(
        URL,
        body(quotas=[{"year": 2026, "quarter": 2, "attainment_percent": 90}]),
        format="json",
    )

    response = client.post(
        URL,
        body(quotas=[{"year": 2026, "quarter": 2, "attainment_percent": None}]),
        format="json",
    )

    assert response.json()["quotas"] == []


def test_it_replays_a_post_with_the_same_idempotency_key(api_client, hire):
    client = api_client(S.OUTCOMES_WRITE)
    headers = {"HTTP_IDEMPOTENCY_KEY": "hr-sync-42"}

    first = client.post(URL, body(), format="json", **headers)
    again = client.post(URL, body(), format="json", **headers)

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert OutboxEvent.objects.filter(type="hire_outcome.recorded").count() == 1


def test_it_refuses_an_application_that_is_not_hired_with_409(api_client, hire):
    hire.stage = Stage.OFFER
    hire.save()

    response = api_client(S.OUTCOMES_WRITE).post(URL, body(), format="json")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "not_hired"
    assert "Only a hired application has an outcome" in problem["detail"]
    assert not HireOutcome.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        (
            {"application_external_id": "nobody"},
            "application_external_id",
            "unknown_reference",
        ),
        ({"application_external_id": None}, "application_external_id", "invalid"),
        ({"start_date": "02/03/2026"}, "start_date", "invalid"),
        ({"manager_name": ""}, "manager_name", "invalid"),
        ({"performance_rating": 6}, "performance_rating", "invalid"),
        ({"leaving_reason": "fired"}, "leaving_reason", "invalid"),
        (
            {"leaving_date": "2026-03-01", "leaving_reason": "other"},
            "leaving_date",
            "invalid",
        ),
        ({"leaving_date": "2026-05-01"}, "leaving_reason", "invalid"),
        ({"performance_rating": 3, "rated_on": "2099-01-01"}, "rated_on", "invalid"),
        (
            {"quotas": [{"year": 2026, "quarter": 5, "attainment_percent": 90}]},
            "quotas.0.quarter",
            "invalid",
        ),
        (
            {"quotas": [{"year": 2026, "quarter": 2, "attainment_percent": 1001}]},
            "quotas",
            "invalid",
        ),
        (
            {"quotas": [{"year": 2025, "quarter": 4, "attainment_percent": 50}]},
            "quotas",
            "invalid",
        ),
    ],
)
def test_it_names_the_field_of_each_refusal(api_client, hire, fields, field, code):
    response = api_client(S.OUTCOMES_WRITE).post(URL, body(**fields), format="json")

    assert response.status_code == 400, response.json()
    problem = response.json()
    assert problem["code"] == code
    assert field in problem["errors"], problem
    assert not HireOutcome.objects.exists()


def test_it_asks_for_an_application(api_client, hire):
    payload = body()
    del payload["application_external_id"]

    response = api_client(S.OUTCOMES_WRITE).post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "reference_required"


def test_it_answers_404_for_an_unknown_outcome(api_client, db):
    response = api_client(S.OUTCOMES_READ).get(f"{URL}999999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_it_refuses_a_write_to_a_key_that_only_reads(api_client, hire):
    response = api_client(S.OUTCOMES_READ).post(URL, body(), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not HireOutcome.objects.exists()


def test_it_derives_retention_as_of_today_in_the_list(api_client, db):
    today = timezone.localdate()
    staying = HireOutcomeFactory(start_date=today - timedelta(days=100))
    left = HireOutcomeFactory(
        start_date=today - timedelta(days=300),
        leaving_date=today - timedelta(days=250),
        leaving_reason="involuntary",
    )

    rows = {r["id"]: r for r in api_client(S.OUTCOMES_READ).get(URL).json()["results"]}

    assert (rows[staying.pk]["employed_90"], rows[staying.pk]["employed_180"]) == (
        True,
        None,
    )
    assert (rows[left.pk]["employed_90"], rows[left.pk]["employed_180"]) == (
        False,
        False,
    )


def test_it_polls_by_updated_since_and_filters_by_job(api_client, db):
    old = HireOutcomeFactory()
    HireOutcome.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=3)
    )
    new = HireOutcomeFactory(
        application=ApplicationFactory(
            job=JobFactory(external_id="job-9"), stage=Stage.HIRED
        )
    )
    client = api_client(S.OUTCOMES_READ)
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")

    polled = client.get(URL, {"updated_since": since}).json()["results"]
    by_job = client.get(URL, {"job_external_id": "job-9"}).json()["results"]
    bad = client.get(URL, {"updated_since": "yesterday"})

    assert [r["id"] for r in polled] == [new.pk]
    assert [r["id"] for r in by_job] == [new.pk]
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["errors"]


def test_it_pages_by_cursor_without_skipping_or_repeating(api_client, db):
    outcomes = [HireOutcomeFactory() for _ in range(5)]
    client = api_client(S.OUTCOMES_READ)

    seen, url = [], f"{URL}?page_size=2"
    while url:
        page = client.get(url).json()
        seen.extend(r["id"] for r in page["results"])
        url = page["next"]

    assert sorted(seen) == sorted(o.pk for o in outcomes)
    assert len(seen) == len(set(seen))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_it_reads_a_page_in_the_same_queries_whatever_its_size(api_client, db):
    for _ in range(12):
        outcome = HireOutcomeFactory()
        QuotaAttainmentFactory(outcome=outcome, quarter=1)
        QuotaAttainmentFactory(outcome=outcome, quarter=2)
    client = api_client(S.OUTCOMES_READ)
    client.get(URL)  # the key's last use is written once a minute at most

    small = _queries(client, f"{URL}?page_size=1")
    large = _queries(client, f"{URL}?page_size=12")

    assert small == large
    # the outcomes with their applications, jobs and candidates, and the quarters
    # (the key was checked by the first call and is trusted for a few seconds)
    assert large == 2


def test_it_documents_the_event_as_the_service_writes_it(api_client, hire):
    api_client(S.OUTCOMES_WRITE).post(
        URL,
        body(quotas=[{"year": 2026, "quarter": 2, "attainment_percent": 90}]),
        format="json",
    )
    schema = api_client().get("/api/v1/schema/?format=json").json()

    event = OutboxEvent.objects.get(type="hire_outcome.recorded").payload
    documented = schema["x-webhooks"]["hire_outcome.recorded"]["post"]
    reference = documented["requestBody"]["content"]["application/json"]["schema"]
    envelope = schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]
    data_property = envelope["properties"]["data"]
    data_ref = data_property.get("$ref") or data_property["allOf"][0]["$ref"]
    data = schema["components"]["schemas"][data_ref.rsplit("/", 1)[1]]
    assert set(event) == set(envelope["properties"])
    assert set(event["data"]) == set(data["properties"])
    assert event["data"]["start_date"] == date(2026, 3, 2).isoformat()
