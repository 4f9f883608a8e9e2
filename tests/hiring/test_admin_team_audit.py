"""Every change to a hiring team or an account's access made in the admin is in
the audit log.

A role on a job grants access to its candidates' results, so who was given or
lost it, by whom and when, is recorded like a decision.
"""

import pytest
from django.forms import MultiWidget

from hiring.models import AuditEvent, JobMember, WebhookEndpoint
from hiring.webhooks.services import endpoint_create
from tests.factories import UserFactory
from tests.hiring.support import logged_in

Action = AuditEvent.Action


def form_data(response) -> dict:
    """The POST body that the admin page would send back unchanged."""
    data = {}

    def add(bound_field) -> None:
        widget = bound_field.field.widget
        widget = getattr(widget, "widget", widget)  # the admin's related wrapper
        value = bound_field.value()
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{bound_field.html_name}_{index}"] = part
        elif value is not None:
            data[bound_field.html_name] = value

    for field in response.context["adminform"].form:
        add(field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset.initial_forms:
            for field in form:
                add(field)
    return data


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def admin(client, admin_user):
    return logged_in(client, admin_user)


def test_it_audits_a_member_added_on_the_job_page(admin, admin_user, job, alice):
    erin = UserFactory(username="erin")
    page = admin.get(f"/admin/hiring/job/{job.pk}/change/")
    data = form_data(page)
    data.update(
        {
            "members-TOTAL_FORMS": "2",
            "members-1-user": str(erin.pk),
            "members-1-role": "interviewer",
            "members-1-job": str(job.pk),
        }
    )

    response = admin.post(f"/admin/hiring/job/{job.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"]
    member = JobMember.objects.get(job=job, user=erin)
    [event] = audit(Action.TEAM_MEMBER_ADDED)
    assert event.actor == admin_user
    assert event.job == job
    assert event.object_id == str(member.pk)
    assert event.data == {
        "user_id": erin.pk,
        "username": "erin",
        "role": "interviewer",
    }


@pytest.fixture
def frank(job):
    """A second recruiter, so that alice may leave the role (a job keeps one)."""
    user = UserFactory(username="frank")
    JobMember.objects.create(job=job, user=user, role="recruiter")
    return user


def test_it_audits_a_role_changed_on_the_job_page(admin, admin_user, job, alice, frank):
    data = form_data(admin.get(f"/admin/hiring/job/{job.pk}/change/"))
    data["members-0-role"] = "hiring_manager"

    response = admin.post(f"/admin/hiring/job/{job.pk}/change/", data)

    assert response.status_code == 302
    [event] = audit(Action.TEAM_MEMBER_CHANGED)
    assert event.actor == admin_user
    assert event.data["role"] == "hiring_manager"
    assert event.data["previous"]["role"] == "recruiter"


def test_it_audits_a_member_removed_on_the_job_page(
    admin, admin_user, job, alice, frank
):
    data = form_data(admin.get(f"/admin/hiring/job/{job.pk}/change/"))
    data["members-0-DELETE"] = "on"

    response = admin.post(f"/admin/hiring/job/{job.pk}/change/", data)

    assert response.status_code == 302
    assert not JobMember.objects.filter(job=job, user=alice).exists()
    [event] = audit(Action.TEAM_MEMBER_REMOVED)
    assert event.actor == admin_user
    assert event.job == job
    assert event.data["username"] == "alice"


def test_it_writes_nothing_when_the_team_is_saved_unchanged(admin, job, alice, bob):
    data = form_data(admin.get(f"/admin/hiring/job/{job.pk}/change/"))

    response = admin.post(f"/admin/hiring/job/{job.pk}/change/", data)

    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_it_audits_the_hiring_team_member_pages(admin, admin_user, job, alice):
    erin = UserFactory(username="erin")

    added = admin.post(
        "/admin/hiring/jobmember/add/",
        {"user": erin.pk, "job": job.pk, "role": "interviewer"},
    )
    member = JobMember.objects.get(user=erin)
    changed = admin.post(
        f"/admin/hiring/jobmember/{member.pk}/change/",
        {"user": erin.pk, "job": job.pk, "role": "recruiter"},
    )
    removed = admin.post(
        f"/admin/hiring/jobmember/{member.pk}/delete/", {"post": "yes"}
    )

    assert [added.status_code, changed.status_code, removed.status_code] == [302] * 3
    actions = list(
        AuditEvent.objects.order_by("id").values_list("action", "data__role")
    )
    assert actions == [
        (Action.TEAM_MEMBER_ADDED, "interviewer"),
        (Action.TEAM_MEMBER_CHANGED, "recruiter"),
        (Action.TEAM_MEMBER_REMOVED, "recruiter"),
    ]
    assert {event.actor for event in AuditEvent.objects.all()} == {admin_user}


def test_it_audits_each_member_of_a_bulk_removal(admin, job, alice, bob, dana):
    response = admin.post(
        "/admin/hiring/jobmember/",
        {
            "action": "delete_selected",
            "_selected_action": list(
                JobMember.objects.exclude(user=alice).values_list("pk", flat=True)
            ),
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(JobMember.objects.values_list("user__username", flat=True)) == ["alice"]
    removed = audit(Action.TEAM_MEMBER_REMOVED)
    assert sorted(event.data["username"] for event in removed) == ["bob", "dana"]


def test_it_keeps_the_last_recruiter_of_a_job(admin, job, alice, bob, dana):
    """As on the job's team page: the admin takes no job's last recruiter off
    its team, nor out of the role, not even in a bulk removal."""
    alice_seat = JobMember.objects.get(user=alice)
    everyone = list(JobMember.objects.values_list("pk", flat=True))

    removed = admin.post(
        f"/admin/hiring/jobmember/{alice_seat.pk}/delete/", {"post": "yes"}
    )
    demoted = admin.post(
        f"/admin/hiring/jobmember/{alice_seat.pk}/change/",
        {"user": alice.pk, "job": job.pk, "role": "interviewer"},
    )
    bulk = admin.post(
        "/admin/hiring/jobmember/",
        {"action": "delete_selected", "_selected_action": everyone, "post": "yes"},
    )

    assert removed.status_code == demoted.status_code == bulk.status_code == 409
    assert "at least one recruiter" in removed.content.decode()
    assert sorted(JobMember.objects.values_list("pk", flat=True)) == sorted(everyone)
    alice_seat.refresh_from_db()
    assert alice_seat.role == "recruiter"
    assert not AuditEvent.objects.exists()


def test_it_audits_an_account_made_administrator(admin, admin_user, alice):
    page = admin.get(f"/admin/auth/user/{alice.pk}/change/")
    data = form_data(page)
    data["is_superuser"] = "on"
    data["is_staff"] = "on"

    response = admin.post(f"/admin/auth/user/{alice.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"]
    [event] = audit(Action.USER_ACCESS_CHANGED)
    assert event.actor == admin_user
    assert event.object_id == str(alice.pk)
    assert event.data["previous"] == {
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
    }
    assert event.data["access"]["is_superuser"] is True


def test_it_writes_nothing_when_an_account_is_saved_with_the_same_access(admin, alice):
    data = form_data(admin.get(f"/admin/auth/user/{alice.pk}/change/"))
    data["first_name"] = "Alicia"

    response = admin.post(f"/admin/auth/user/{alice.pk}/change/", data)

    assert response.status_code == 302
    assert not audit(Action.USER_ACCESS_CHANGED)


def test_it_audits_a_webhook_endpoint_deleted_in_the_admin(admin, admin_user, settings):
    settings.CRIBA_WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _secret = endpoint_create(
        actor=admin_user, name="ATS", url="http://127.0.0.1:9/hook", events=[]
    )

    response = admin.post(
        f"/admin/hiring/webhookendpoint/{endpoint.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    [event] = audit(Action.WEBHOOK_ENDPOINT_DELETED)
    assert event.actor == admin_user
    assert event.data == {"url": "http://127.0.0.1:9/hook"}


@pytest.mark.parametrize(
    ("path", "field", "text"),
    [("job", "title", "Account executive\nBcc: everyone@example.com")],
)
def test_its_forms_refuse_a_line_break_in_a_name_or_title(
    admin, job, path, field, text
):
    """The services' rule for one-line text holds in the admin too: a title with
    a line break would break the subject of every email naming it. The same page
    sent back with a plain value saves (so the refusal is this rule's, not
    another field's). Candidates are not edited in the admin at all."""
    target = {"job": job}[path]
    url = f"/admin/hiring/{path}/{target.pk}/change/"
    data = form_data(admin.get(url))

    refused = admin.post(url, {**data, field: text})
    saved = admin.post(url, {**data, field: "Plain"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors[field] == [
        "Line breaks and other control characters are not allowed here."
    ]
    assert saved.status_code == 302
    target.refresh_from_db()
    assert getattr(target, field) == "Plain"
