"""Candidates consent to a versioned privacy notice that administrators edit."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from assessments import services
from assessments.models import PrivacyNotice
from assessments.privacy.notices import privacy_notice_publish
from assessments.tokens import invitation_token
from hiring.errors import Invalid
from tests.factories import QuestionnaireResultFactory, UserFactory
from tests.hiring.support import logged_in


def _landing(token):
    return reverse("take:landing", args=[token])


@pytest.fixture
def notice_v2(admin_user):
    return privacy_notice_publish(
        text_en="Who\nWe keep your data.\n\nA person decides\nAlways.",
        text_es="Quién\nGuardamos sus datos.\n\nDecide una persona\nSiempre.",
        user=admin_user,
    )


def test_it_seeds_a_first_notice_in_both_languages(db):
    notice = PrivacyNotice.objects.get(version=1)

    assert "a person decides" in notice.text_en
    assert "una persona decide" in notice.text_es
    # The privacy text says what stays after an erasure.
    assert "norms and statistics" in notice.text_en
    assert "baremos y estadísticas" in notice.text_es


def test_it_links_the_current_notice_in_the_invitation_language(
    client, application, alice, instrument_version, notice_v2
):
    invitation = services.invitation_create(
        application=application,
        user=alice,
        instrument_version=instrument_version,
        language="es",
    )

    page = client.get(_landing(invitation_token(invitation))).content.decode()

    assert 'href="/privacy/?lang=es"' in page
    assert re.search(r'name="notice" value="2"', page)


def test_it_records_the_version_the_candidate_saw(
    client, invited, admin_user, notice_v2
):
    invitation, token = invited
    # Published after the candidate's page was shown: they consented to version 2.
    privacy_notice_publish(text_en="New", text_es="Nuevo", user=admin_user)

    response = client.post(
        _landing(token), {"language": "en", "consent": "on", "notice": "2"}
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    candidate = invitation.application.candidate
    candidate.refresh_from_db()
    assert invitation.consent_version == 2
    assert candidate.consent_version == 2
    assert candidate.consent_at == invitation.consented_at


def test_it_refuses_a_notice_version_that_does_not_exist(client, invited):
    invitation, token = invited

    response = client.post(
        _landing(token), {"language": "en", "consent": "on", "notice": "99"}
    )

    assert response.status_code == 400
    assert "privacy notice has changed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.started_at is None


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "We keep your data."), ("es", "Guardamos sus datos.")]
)
def test_it_shows_the_notice_in_the_language_asked_for(client, notice_v2, lang, text):
    page = client.get(f"/privacy/?lang={lang}").content.decode()

    assert text in page
    assert f'lang="{lang}"' in page
    assert "Version 2" in page or "Versión 2" in page


def test_it_keeps_earlier_versions_readable(client, notice_v2):
    page = client.get("/privacy/v1/?lang=en").content.decode()

    assert "What stays after erasure" in page
    assert 'href="/privacy/?lang=en"' in page


def test_it_publishes_a_new_version_instead_of_editing(admin_user, notice_v2):
    same = privacy_notice_publish(
        text_en=notice_v2.text_en, text_es=notice_v2.text_es, user=admin_user
    )
    changed = privacy_notice_publish(
        text_en=notice_v2.text_en + " More.", text_es=notice_v2.text_es, user=admin_user
    )

    assert same.pk == notice_v2.pk
    assert changed.version == 3
    notice_v2.refresh_from_db()
    assert not notice_v2.text_en.endswith("More.")
    with pytest.raises(PermissionError):
        notice_v2.save()


def test_it_refuses_a_notice_without_both_languages(admin_user):
    with pytest.raises(Invalid) as raised:
        privacy_notice_publish(text_en="Text", text_es="  ", user=admin_user)

    assert set(raised.value.fields) == {"text_es"}


def test_it_publishes_from_the_admin_as_a_new_version(client, admin_user):
    url = "/admin/assessments/privacynotice/1/change/"

    response = logged_in(client, admin_user).post(
        url, {"text_en": "Edited text", "text_es": "Texto editado"}
    )

    assert response.status_code == 302
    assert PrivacyNotice.objects.get(version=1).text_en != "Edited text"
    newest = PrivacyNotice.objects.order_by("-version").first()
    assert newest.version == 2
    assert newest.text_es == "Texto editado"
    assert newest.published_by == admin_user


def test_it_lets_only_administrators_edit_and_nobody_delete(admin_user):
    staff = UserFactory(username="stan", is_staff=True)
    model_admin = admin.site.get_model_admin(PrivacyNotice)
    request = RequestFactory().get("/")
    notice = PrivacyNotice.objects.get(version=1)

    request.user = staff
    assert not model_admin.has_change_permission(request, notice)
    request.user = admin_user
    assert model_admin.has_change_permission(request, notice)
    assert not model_admin.has_delete_permission(request, notice)


def test_it_keeps_saying_on_the_report_that_a_person_decides(client, alice, job):
    result = QuestionnaireResultFactory(invitation__application__job=job)

    page = logged_in(client, alice).get(f"/results/{result.pk}/").content.decode()

    assert "Criba recommends; a person decides." in page
