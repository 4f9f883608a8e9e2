"""The reports index lists what each person may read across jobs, and nothing for
anyone else."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory
from tests.hiring.support import logged_in


def holder(*codenames):
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="hiring", codename__in=codenames
        )
    )
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("codenames", "shown", "hidden"),
    [
        (
            ("view_outcome_reports",),
            ["/reports/validity/", "/reports/managers/"],
            ["/reports/adverse-impact/"],
        ),
        (
            ("view_selfid_aggregates",),
            ["/reports/adverse-impact/"],
            ["/reports/validity/"],
        ),
    ],
)
def test_it_lists_only_the_reports_a_permission_opens(client, codenames, shown, hidden):
    page = logged_in(client, holder(*codenames)).get("/reports/").content.decode()

    for link in shown:
        assert f'href="{link}"' in page
    for link in hidden:
        assert f'href="{link}"' not in page
    # The jobs page leads them there (they have no administrator's menu).
    assert 'href="/reports/"' in client.get("/").content.decode()


def test_it_lists_every_report_for_an_administrator(client, admin_user):
    page = logged_in(client, admin_user).get("/reports/").content.decode()

    for link in (
        "/reports/validity/",
        "/reports/managers/",
        "/reports/adverse-impact/",
    ):
        assert f'href="{link}"' in page
    assert 'aria-current="page">Reports</a>' in page


@pytest.mark.parametrize("person", ["alice", "bob", "charlie", "dana"])
def test_it_refuses_everyone_else_whatever_their_role(client, job, person, request):
    response = logged_in(client, request.getfixturevalue(person)).get("/reports/")

    assert response.status_code == 403
    assert 'href="/reports/"' not in client.get("/").content.decode()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get("/reports/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
