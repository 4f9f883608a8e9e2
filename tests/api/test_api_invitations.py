"""Ordering an assessment: the candidate's link, its expiry, the optional email;
revoking and extending."""

from assessments.definitions import all_item_keys
from assessments.models import Invitation
from assessments.tokens import invitation_link


def test_it_orders_an_invitation_and_hands_over_the_link(api_client, world, mailoutbox):
    response = api_client("invitations:write").post(
        "/api/v1/invitations/",
        {"application_external_id": "app-1", "language": "es", "expires_in_days": 3},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["status"] == "created"
    assert body["candidate_url"] == invitation_link(invitation)
    assert body["candidate_url"].startswith("http")
    assert body["expires_at"].endswith("Z")
    assert body["email_status"] == "not_requested"
    assert body["language"] == "es"
    assert body["instrument"] == "sales-drive"
    assert mailoutbox == []


def test_it_emails_the_candidate_when_asked(
    api_client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client().post(
            "/api/v1/invitations/",
            {"application": world.application.pk, "send_email": True},
        )

    assert response.status_code == 201
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [world.candidate.email]


def test_it_orders_a_named_instrument_version(api_client, world):
    response = api_client().post(
        "/api/v1/invitations/",
        {
            "application": world.application.pk,
            "instrument": "sales-drive",
            "instrument_version": 99,
        },
    )

    assert response.status_code == 400
    assert "instrument" in response.json()["errors"]


def test_it_revokes_and_extends(api_client, world):
    client = api_client("invitations:write")
    url = f"/api/v1/invitations/{world.invitation.pk}/"
    before = world.invitation.expires_at

    extended = client.post(url + "extend/", {"days": 5})
    revoked = client.post(url + "revoke/")
    again = client.post(url + "revoke/")

    assert extended.status_code == 200
    world.invitation.refresh_from_db()
    assert world.invitation.expires_at > before
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["candidate_url"] is None
    assert again.status_code == 200


def test_it_documents_the_longest_extension_it_takes(api_client, client, world):
    schema = client.get("/api/v1/schema/?format=json").json()
    days = schema["components"]["schemas"]["InvitationExtendRequest"]["properties"][
        "days"
    ]
    url = f"/api/v1/invitations/{world.invitation.pk}/extend/"
    api = api_client("invitations:write")

    too_long = api.post(url, {"days": days["maximum"] + 1})
    longest = api.post(url, {"days": days["maximum"]})

    assert too_long.status_code == 400
    assert "days" in too_long.json()["errors"]
    assert longest.status_code == 200, longest.content


def test_it_lists_invitations_of_an_application(api_client, world):
    response = api_client("applications:read").get(
        "/api/v1/invitations/", {"application_external_id": "app-2"}
    )

    assert [row["id"] for row in response.json()["results"]] == [world.invitation.pk]


def test_it_lists_the_instruments_with_versions_and_languages(api_client, world):
    response = api_client("jobs:read").get("/api/v1/instruments/")

    (instrument,) = response.json()["results"]
    assert instrument["slug"] == "sales-drive"
    assert instrument["versions"][0]["version"] == 1
    assert set(instrument["versions"][0]["languages"]) == {"en", "es"}
    # Every statement the candidate answers, the attention checks included.
    definition = world.result.invitation.instrument_version.definition
    assert instrument["versions"][0]["item_count"] == len(all_item_keys(definition))
    assert instrument["versions"][0]["item_count"] > len(definition["items"])


def test_only_a_key_that_orders_invitations_sees_the_candidates_link(api_client, world):
    ordered = (
        api_client("invitations:write")
        .post("/api/v1/invitations/", {"application_external_id": "app-1"})
        .json()
    )
    link = ordered["candidate_url"]
    assert link

    writer = api_client("invitations:write")
    reader = api_client("applications:read")
    results = api_client("results:read")
    report_path = f"/api/v1/applications/{world.application.pk}/report/"

    def links(client, path):
        body = client.get(path).json()
        rows = body["results"] if "results" in body else body["invitations"]
        return {row["id"]: row["candidate_url"] for row in rows}

    assert links(writer, "/api/v1/invitations/")[ordered["id"]] == link
    assert links(reader, "/api/v1/invitations/")[ordered["id"]] is None
    assert (
        reader.get(f"/api/v1/invitations/{ordered['id']}/").json()["candidate_url"]
        is None
    )
    assert links(results, report_path)[ordered["id"]] is None
    assert link not in results.get(report_path).content.decode()


def test_an_order_for_a_job_without_a_plan_takes_the_defaults_the_schema_names(
    api_client, world, settings, client
):
    settings.CRIBA_INVITATION_DAYS = 9
    world.candidate.preferred_language = "es"
    world.candidate.save()
    fields = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"][
        "InvitationCreateRequest"
    ]["properties"]

    response = api_client().post(
        "/api/v1/invitations/", {"application_external_id": "app-1"}
    )

    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert "without a plan" in fields["instrument"]["description"]
    assert body["instrument"] == "sales-drive"  # the only one, first by slug
    assert "CRIBA_INVITATION_DAYS" in fields["expires_in_days"]["description"]
    assert (
        round((invitation.expires_at - invitation.created_at).total_seconds())
        == 9 * 86400
    )
    assert "preferred language" in fields["language"]["description"]
    assert body["language"] == "es"
