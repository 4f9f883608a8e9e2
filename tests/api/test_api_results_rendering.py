"""A page of results is assembled from each result's JSON rendered once, and that
JSON is exactly the serializer's: rendered now, kept in this process's memory or
taken from the shared cache, the bytes are the same."""

import json

import orjson
from rest_framework.renderers import JSONRenderer

from assessments import reports, selectors
from assessments.api import rendering
from assessments.api.serializers import ResultSerializer
from hiring.models import AuditEvent
from tests.api.conftest import scored_results


def _serialized(results) -> list[dict]:
    """What the serializer makes of each result, in the page's order."""
    full = selectors.results_for_integrations().in_bulk([r.pk for r in results])
    ordered = sorted(results, key=lambda result: (result.updated_at, result.pk))
    return [
        ResultSerializer(reports.questionnaire_report_build(full[r.pk])).data
        for r in ordered
    ]


def test_it_serves_each_result_as_the_serializer_renders_it(
    api_client, instrument_version, monkeypatch
):
    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr(rendering, "cache", LocMemCache("rendering", {}))
    rendering.local.clear()
    results = scored_results(instrument_version, 3)
    client = api_client("results:read")

    rendered_now = client.get("/api/v1/results/").content
    from_memory = client.get("/api/v1/results/").content
    rendering.local.clear()
    from_shared_cache = client.get("/api/v1/results/").content

    expected = _serialized(results)
    assert rendered_now == from_memory == from_shared_cache
    assert rendered_now == b"".join(
        (
            b'{"next":null,"results":[',
            b",".join(
                orjson.dumps(data, default=rendering._fallback) for data in expected
            ),
            b"]}",
        )
    )
    # The same representation DRF's own renderer would write.
    assert json.loads(rendered_now)["results"] == json.loads(
        JSONRenderer().render(expected)
    )


def test_it_audits_the_results_a_page_shows_and_not_the_one_after(
    api_client, instrument_version
):
    results = sorted(
        scored_results(instrument_version, 3),
        key=lambda result: (result.updated_at, result.pk),
    )
    client = api_client("results:read")

    first = client.get("/api/v1/results/?page_size=2").json()
    shown = [row["id"] for row in first["results"]]
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_VIEWED)

    assert shown == [results[0].pk, results[1].pk]
    (event,) = audited
    assert event.data["results"] == [str(pk) for pk in shown]
    assert event.object_id == ""  # a row for the page, not for one result
    second = client.get(first["next"])
    assert [row["id"] for row in second.json()["results"]] == [results[2].pk]
    assert [event.data["results"] for event in audited.order_by("id")] == [
        [str(pk) for pk in shown],
        [str(results[2].pk)],
    ]
    # The last page's one result is named in object_id too.
    assert audited.order_by("id").last().object_id == str(results[2].pk)


def test_it_keeps_at_most_its_limit_of_renderings_in_memory_oldest_out_first():
    recent = rendering._Recent(limit=10)

    recent.put(("en", 1), b"1234")
    recent.put(("en", 2), b"5678")
    recent.put(("en", 3), b"90ab")

    assert recent.get(("en", 1)) is None
    assert recent.get(("en", 2)) == b"5678"
    assert recent.get(("en", 3)) == b"90ab"
    assert recent.size == 8


def test_the_page_statement_reads_what_the_orm_reads(instrument_version):
    """The statement that reads a page and audits it loads its timestamps with
    psycopg's compiled loader: the stubs equal the ORM's, time zone included."""
    from hiring.services import api_key_create

    scored_results(instrument_version, 3)
    key, _raw = api_key_create(name="reader", scopes=["results:read"])
    page = selectors.result_stubs_for_integrations().order_by("updated_at", "id")[:3]

    read = reports.questionnaire_result_stubs_read(
        page=page, order_by=("updated_at", "id"), shown=3, api_key=key
    )

    expected = list(page)
    assert read == expected
    assert [stub["updated_at"].tzinfo for stub in read] == [
        stub["updated_at"].tzinfo for stub in expected
    ]
