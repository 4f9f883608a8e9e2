"""Reading results: scales, bands, validity, norms and scoring version, from the
same read model as the report page, audited like a page view."""

import pytest

from hiring.models import AuditEvent
from tests.api.conftest import scored_results


def test_it_reads_a_result_with_everything_it_was_computed_with(api_client, world):
    response = api_client("results:read").get(f"/api/v1/results/{world.result.pk}/")

    body = response.json()
    result = world.result
    assert "no-store" in response["Cache-Control"]
    assert body["id"] == result.pk
    assert body["application_external_id"] == "app-1"
    assert body["candidate_external_id"] == "cand-1"
    assert body["job_external_id"] == "job-1"
    assert body["scoring_version"] == result.scoring_version
    assert body["norm_set"]["id"] == result.norm_set_id
    assert body["norm_set"]["source"] == result.norm_set.source
    assert {scale["key"] for scale in body["scales"]} == set(result.scales)
    assert body["validity"]["status"] == result.validity_status
    assert len(body["validity"]["checks"]) == len(result.validity)
    assert body["band"] == result.band
    assert body["is_current"] is True
    assert body["updated_at"].endswith("Z")


def test_it_audits_every_read_as_a_report_view(api_client, world):
    client = api_client("results:read")

    client.get("/api/v1/results/")
    client.get(f"/api/v1/results/{world.result.pk}/")

    views = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_VIEWED)
    assert views.count() == 2
    assert {event.data["channel"] for event in views} == {"api"}
    assert {event.data["api_key"] for event in views} == {client.api_key.prefix}
    # One row per read, naming the results it showed and their job.
    for event in views:
        assert event.object_type == "assessments.questionnaireresult"
        assert event.object_id == str(world.result.pk)
        assert event.data["results"] == [str(world.result.pk)]
        assert event.job_id == world.job.pk
        assert event.actor_id is None
        assert event.at is not None


def test_it_reads_the_application_report(api_client, world):
    response = api_client("results:read").get(
        f"/api/v1/applications/{world.application.pk}/report/"
    )

    body = response.json()
    assert body["application"] == world.application.pk
    assert body["current_result"]["id"] == world.result.pk
    assert body["invitations"][0]["result"] == world.result.pk


def test_it_reports_an_application_without_results(api_client, world):
    other = world.invitation.application
    body = (
        api_client("results:read")
        .get(f"/api/v1/applications/{other.pk}/report/")
        .json()
    )

    assert body["current_result"] is None
    assert body["invitations"][0]["id"] == world.invitation.pk


def test_it_hides_results_from_a_key_without_results_read(api_client, world):
    client = api_client("applications:read", "invitations:write", "jobs:read")

    assert client.get("/api/v1/results/").status_code == 403
    assert client.get(f"/api/v1/results/{world.result.pk}/").status_code == 403
    report = client.get(f"/api/v1/applications/{world.application.pk}/report/")
    assert report.status_code == 403
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.REPORT_VIEWED
    ).exists()


def test_it_renders_a_result_again_when_its_external_ids_change(api_client, world):
    client = api_client("results:read")
    client.get(f"/api/v1/results/{world.result.pk}/")
    world.application.external_id = "app-renamed"
    world.application.save()

    body = client.get(f"/api/v1/results/{world.result.pk}/").json()

    assert body["application_external_id"] == "app-renamed"


def test_it_renders_a_superseded_result_as_such(api_client, world):
    from assessments.models import QuestionnaireResult

    client = api_client("results:read")
    client.get("/api/v1/results/")
    QuestionnaireResult.objects.filter(pk=world.result.pk).update(is_current=False)

    (row,) = client.get("/api/v1/results/", {"is_current": "false"}).json()["results"]

    assert row["is_current"] is False


def test_it_tells_nothing_of_a_band_computed_from_invalid_answers(api_client, world):
    from django.utils import timezone

    from assessments.models import QuestionnaireResult

    QuestionnaireResult.objects.filter(pk=world.result.pk).update(
        validity_status="invalid",
        composite=-1.27,
        band="not_recommended",
        updated_at=timezone.now(),
    )
    client = api_client("results:read")

    body = client.get(f"/api/v1/results/{world.result.pk}/").json()
    (listed,) = client.get("/api/v1/results/").json()["results"]
    report = client.get(f"/api/v1/applications/{world.application.pk}/report/").json()

    for shown in (body, listed, report["current_result"]):
        assert shown["validity"]["status"] == "invalid"
        assert shown["composite"] is None
        assert shown["band"] == ""
        assert shown["band_label"] == ""
        assert shown["explanation"] == []
        assert shown["scales"]  # the profile itself is still there to read


def test_a_check_that_is_not_flagged_says_so(api_client, world):
    body = api_client("results:read").get(f"/api/v1/results/{world.result.pk}/").json()

    checks = body["validity"]["checks"]
    assert any(not check["flag"] for check in checks)
    for check in checks:
        if check["flag"]:
            continue
        assert check["sentence"] in {
            "This check found nothing unusual.",
            "This check could not be computed for these answers.",
        }, check
        if check["value"] is None:
            assert "could not be computed" in check["sentence"]


@pytest.mark.parametrize("value", ["maybe", "null", "yes"])
def test_it_refuses_an_is_current_that_is_neither_true_nor_false(api_client, db, value):
    response = api_client("results:read").get("/api/v1/results/", {"is_current": value})

    assert response.status_code == 400
    assert "is_current" in response.json()["errors"]


def test_it_filters_by_is_current(api_client, instrument_version):
    scored_results(instrument_version, 2)
    client = api_client("results:read")

    current = client.get("/api/v1/results/", {"is_current": "true"}).json()
    replaced = client.get("/api/v1/results/", {"is_current": "false"}).json()

    assert len(current["results"]) == 2
    assert replaced["results"] == []
