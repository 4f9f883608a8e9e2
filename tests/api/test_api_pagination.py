"""Cursor pages over (updated_at, id): stable while rows arrive, queries flat in the
page size, timestamps in UTC."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import scored_results
from tests.factories import ApplicationFactory, CandidateFactory, JobFactory


def _walk(client, url, *, between_pages=None) -> list[dict]:
    rows = []
    while url:
        page = client.get(url).json()
        rows.extend(page["results"])
        url = page["next"]
        if between_pages is not None:
            between_pages()
    return rows


def test_it_sees_every_row_once_while_others_are_inserted(api_client):
    client = api_client()
    existing = {JobFactory().pk for _ in range(25)}
    inserted = []

    rows = _walk(
        client,
        "/api/v1/jobs/?page_size=10",
        between_pages=lambda: inserted.append(JobFactory().pk),
    )

    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert existing <= set(ids)
    # Rows inserted meanwhile come after, in order, and nothing is skipped.
    stamps = [(row["updated_at"], row["id"]) for row in rows]
    assert stamps == sorted(stamps)
    # (the last one arrived after the last page was read)
    assert set(ids) == existing | set(inserted[:-1])


def test_it_polls_with_updated_since(api_client):
    client = api_client()
    old = JobFactory()
    cutoff = datetime.now(UTC)
    new = JobFactory()
    stamp = cutoff.isoformat().replace("+00:00", "Z")

    rows = client.get("/api/v1/jobs/", {"updated_since": stamp}).json()["results"]

    assert [row["id"] for row in rows] == [new.pk]
    assert old.pk not in [row["id"] for row in rows]


@pytest.mark.parametrize("zone", ["America/Lima", "Asia/Tokyo"])
def test_it_reads_an_updated_since_without_an_offset_as_utc(api_client, settings, zone):
    """Whatever the server's time zone, as its schema says: the integrator
    cannot see DJANGO_TIME_ZONE."""
    settings.TIME_ZONE = zone
    job = JobFactory()
    at = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    type(job).objects.filter(pk=job.pk).update(updated_at=at)
    client = api_client()

    def since(value):
        page = client.get("/api/v1/jobs/", {"updated_since": value}).json()
        return [row["id"] for row in page["results"]]

    assert since("2026-06-01T09:59:59") == [job.pk]
    assert since("2026-06-01T10:00:01") == []
    assert since("2026-06-01") == [job.pk]
    assert since("2026-06-02") == []


def test_it_writes_timestamps_in_utc(api_client, settings):
    settings.TIME_ZONE = "America/Lima"
    JobFactory()

    row = api_client().get("/api/v1/jobs/").json()["results"][0]

    assert row["updated_at"].endswith("Z")
    parsed = datetime.fromisoformat(row["updated_at"])
    assert parsed.utcoffset() == timedelta(0)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/jobs/",
        "/api/v1/candidates/",
        "/api/v1/applications/",
        "/api/v1/invitations/",
        "/api/v1/results/",
    ],
)
def test_it_reads_a_page_in_as_many_queries_whatever_its_size(
    api_client, instrument_version, path, monkeypatch
):
    from django.core.cache.backends.locmem import LocMemCache

    from assessments.api import rendering

    for _ in range(3):
        application = ApplicationFactory(job=JobFactory(), candidate=CandidateFactory())
        scored_results(instrument_version, 40, application=application)
    client = api_client()
    client.get("/api/v1/jobs/")  # the key's last use is written once a minute

    def cold_cache():
        # Rendered results are cached between requests; each count starts empty.
        monkeypatch.setattr(rendering, "cache", LocMemCache("page", {}))
        rendering.local.clear()

    cold_cache()
    small_cold = _queries(client, path + "?page_size=10")
    cold_cache()
    large_cold = _queries(client, path + "?page_size=100")
    small_warm = _queries(client, path + "?page_size=10")
    large_warm = _queries(client, path + "?page_size=100")

    assert small_cold == large_cold
    assert small_warm == large_warm


def test_it_reads_a_page_of_rendered_results_in_one_query(
    api_client, instrument_version, django_assert_num_queries
):
    scored_results(instrument_version, 30)
    client = api_client("results:read")
    client.get("/api/v1/results/")

    # One statement reads the page (the cursor and the external ids its results
    # repeat) and audits every read; the key was looked up a moment ago and the
    # content is already rendered. SQLite has no data-modifying WITH: the audit
    # row is a second statement there.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        response = client.get("/api/v1/results/?page_size=100")

    assert len(response.json()["results"]) == 30


def _cursor_of(client, url) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(client.get(url).json()["next"]).query)["cursor"][0]


def test_it_refuses_a_cursor_from_another_list_naming_both(
    api_client, instrument_version
):
    from tests.api.test_api_errors import assert_problem

    for _ in range(3):
        JobFactory()
    scored_results(instrument_version, 3)
    client = api_client()
    cursor = _cursor_of(client, "/api/v1/jobs/?page_size=1")

    body = assert_problem(client.get("/api/v1/results/", {"cursor": cursor}), 400)

    (message,) = body["errors"]["cursor"]
    assert "the job list" in message
    assert "the result list" in message
    # Its own list takes it.
    assert client.get("/api/v1/jobs/", {"cursor": cursor}).status_code == 200


def test_it_still_takes_a_cursor_handed_out_before_cursors_named_their_list(
    api_client,
):
    import base64

    jobs = sorted((JobFactory() for _ in range(3)), key=lambda j: (j.updated_at, j.pk))
    first = jobs[0]
    text = f"{first.updated_at.isoformat()}|{first.pk}"
    old_cursor = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    response = api_client().get("/api/v1/jobs/", {"cursor": old_cursor})

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [
        job.pk for job in jobs[1:]
    ]
