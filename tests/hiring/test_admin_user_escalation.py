"""Staff who may edit accounts in the admin, without being administrators, cannot
make anyone an administrator, hand out permissions, or take over an
administrator's account: that is the administrators' decision."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory
from tests.hiring.test_admin_team_audit import form_data


@pytest.fixture
def bob(db):
    """Staff allowed to view and change accounts, and nothing more."""
    user = UserFactory(username="bob", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "change_user"]
        )
    )
    return user


@pytest.fixture
def staff(client, bob):
    client.force_login(bob)
    return client


def test_staff_cannot_make_themselves_an_administrator(staff, bob):
    url = f"/admin/auth/user/{bob.pk}/change/"
    data = form_data(staff.get(url))
    data["is_superuser"] = "on"
    group = Group.objects.create(name="everything")
    group.permissions.add(*Permission.objects.all())
    data["groups"] = [group.pk]
    data["user_permissions"] = list(Permission.objects.values_list("pk", flat=True))

    staff.post(url, data)

    bob.refresh_from_db()
    assert bob.is_superuser is False
    assert not bob.groups.exists()
    assert bob.user_permissions.count() == 2


def test_staff_cannot_change_an_administrators_account(staff, admin_user):
    change = staff.get(f"/admin/auth/user/{admin_user.pk}/change/")
    password = staff.post(
        f"/admin/auth/user/{admin_user.pk}/password/",
        {"password1": "taken-over-1234", "password2": "taken-over-1234"},
    )

    assert password.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.check_password("taken-over-1234")
    # Looking stays allowed, read-only.
    assert change.status_code == 200
    assert 'name="username"' not in change.content.decode()


def test_an_administrator_still_grants_administrator_status(client, admin_user, bob):
    client.force_login(admin_user)
    url = f"/admin/auth/user/{bob.pk}/change/"
    data = form_data(client.get(url))
    data["is_superuser"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.is_superuser is True
