"""Reports that say what to do: an invalid result leads with what happened and
what to do and shows no band, composite or profile; a questionable one shows the
caution beside its band; the facts of the taking, the decision and "invite again"
are on the report; figures link to a glossary and use one minus sign."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Invitation
from hiring.models import Application
from tests.assessments.workspace_support import validity
from tests.factories import (
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def page_of(client, user, result) -> str:
    response = logged_in(client, user).get(f"/results/{result.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def invalid(job):
    return QuestionnaireResultFactory(
        invitation__application__job=job,
        validity=validity(longstring=(40, True), speed=(1.1, True)),
        validity_status="invalid",
        band="strong_fit",
        composite=1.23,
    )


def test_it_leads_an_invalid_result_with_what_happened_and_what_to_do(
    client, alice, invalid
):
    page = page_of(client, alice, invalid)

    verdict = page[page.index('id="verdict"') :]
    assert page.index('id="verdict"') < page.index('id="glossary"')
    assert "These answers cannot be trusted" in verdict
    assert "Gave the same answer to 40 statements in a row." in verdict
    assert "Invite the candidate to take the questionnaire again" in verdict
    assert "rely on the structured interview" in verdict
    for absent in (
        'id="band"',
        'id="composite"',
        "Strong fit",
        "1.23",
        "<svg",
        "Group",
    ):
        assert absent not in page, absent
    assert 'id="invite-again-form"' in page


def test_it_shows_a_questionable_band_with_its_caution_beside_it(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job, validity_status="questionable", band="fit"
    )

    page = page_of(client, alice, result)

    band_line = page[
        page.index('class="band-line"') : page.index(
            "</p>", page.index('class="band-line"')
        )
    ]
    assert "Fit" in band_line
    assert 'id="caution"' in band_line
    assert "Check it in the interview before relying on it." in band_line


def test_it_says_in_which_language_when_and_how_long(client, alice, job):
    submitted = timezone.now() - timedelta(days=1)
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        invitation__language="es",
        invitation__started_at=submitted - timedelta(minutes=17, seconds=20),
        invitation__submitted_at=submitted,
        validity_status="valid",
    )

    page = page_of(client, alice, result)

    assert '<dd data-fact="language">Español</dd>' in page
    assert f'datetime="{submitted.isoformat()}"' in page
    assert "17 minutes" in page


def test_it_links_each_figure_to_the_glossary_and_uses_a_minus_sign(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job, validity_status="valid", composite=-0.42
    )

    page = page_of(client, alice, result)

    for anchor in ("composite", "t-score", "band", "sten", "percentile"):
        assert f'href="#glossary-{anchor}"' in page
        assert f'id="glossary-{anchor}"' in page
    assert '<dd id="composite">\u22120.42</dd>' in page
    assert "+0.72" in page  # a contribution, signed
    assert "\u22120.40" in page  # the negative weight of a lower-is-better scale


def test_it_records_a_decision_from_the_report_and_comes_back(client, alice, invalid):
    url = f"/results/{invalid.pk}/"
    page = page_of(client, alice, invalid)
    assert 'id="decision-form"' in page

    response = client.post(
        f"/applications/{invalid.invitation.application_id}/decide/",
        {
            "decision": "hold",
            "reason": "Invalid answers; interview first.",
            "next": url,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url
    application = Application.objects.get(pk=invalid.invitation.application_id)
    assert application.decision == "hold"


def test_it_invites_again_from_the_report(client, alice, invalid, instrument_version):
    url = f"/results/{invalid.pk}/"
    application_id = invalid.invitation.application_id

    response = logged_in(client, alice).post(
        f"/applications/{application_id}/invite/",
        {
            "language": "en",
            "extra_time_percent": "0",
            "expires_in_days": "7",
            "next": url,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert Invitation.objects.filter(application_id=application_id).count() == 2
    page = client.get(url).content.decode()
    assert "An invitation is already open" in page


def test_it_ignores_a_next_page_on_another_site(client, alice, invalid):
    response = logged_in(client, alice).post(
        f"/applications/{invalid.invitation.application_id}/decide/",
        {"decision": "hold", "reason": "r", "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/applications/{invalid.invitation.application_id}/"


def test_it_offers_no_forms_to_those_who_may_not_use_them(client, bob, invalid):
    page = page_of(client, bob, invalid)

    assert 'id="decision-form"' in page  # hiring managers decide
    assert 'id="invite-again-form"' not in page  # but do not invite


def test_it_prints_one_candidate_per_page_without_navigation():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "criba.css").read_text()
    print_rules = css[css.index("@media print") :]
    hidden = print_rules[: print_rules.index("display: none !important;")]
    for selector in (".site-header", ".breadcrumbs", ".no-print", "form", "nav"):
        assert selector in hidden
    assert ".report {\n    break-after: page;" in print_rules
