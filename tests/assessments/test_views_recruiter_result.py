"""The recruiter's report on one questionnaire result, and its audit trail."""

import html
import re
from xml.etree import ElementTree

import pytest

from assessments.models import NormSet
from hiring.models import AuditEvent
from tests.factories import (
    HURRIED_PAGE_SECONDS,
    NormSetFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


@pytest.fixture
def result(job):
    return QuestionnaireResultFactory(invitation__application__job=job)


def _page(client, user, result, **kwargs) -> str:
    response = logged_in(client, user).get(f"/results/{result.pk}/", **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def _scale_row(page: str, key: str) -> str:
    match = re.search(rf'<tr data-scale="{key}">(.*?)</tr>', page, re.S)
    assert match, f"no table row for {key}"
    return match.group(1)


def test_it_draws_the_profile_as_an_accessible_inline_svg(client, alice, result):
    page = _page(client, alice, result)

    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own page
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Scale profile"
    assert root.find(f"{ns}title") is not None
    assert root.find(f"{ns}desc") is not None
    assert len(root.findall(f".//{ns}circle")) == 2  # drive and blame; one missing


def test_it_lists_every_scale_in_a_table(client, alice, result):
    page = _page(client, alice, result)

    drive = _scale_row(page, "drive")
    assert "Drive" in drive
    assert "4.22" in drive  # raw mean
    assert ">62<" in drive  # T
    assert "54\u201370" in drive  # 95 % band, with an en dash
    assert ">89<" in drive  # percentile: 100 Phi(1.204) = 88.6
    assert ">8<" in drive  # sten
    assert "not scored (too few answers)" in _scale_row(page, "discipline")
    assert "lower is better" in _scale_row(page, "blame")
    assert "lower is better" not in _scale_row(page, "drive")


def test_it_explains_each_raised_validity_flag_in_plain_words(client, alice, job):
    # One answer throughout, every page hurried: the engine flags the run, the
    # lack of variability and the speed.
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        answers={"drive": [4] * 9, "discipline": [4] * 9, "blame": [4] * 9},
        page_seconds=HURRIED_PAGE_SECONDS,
    )
    assert result.validity_status == "invalid"
    run = result.validity["longstring"]["value"]

    page = _page(client, alice, result)

    assert f"Gave the same answer to {run} statements in a row." in page
    assert "faster than 2 seconds per statement" in page
    assert "Answers varied very little" in page
    assert "Answered statements of the same scale differently" not in page
    assert "Invalid" in page


def test_it_says_so_when_no_validity_flag_is_raised(client, alice, job):
    result = QuestionnaireResultFactory(invitation__application__job=job)
    assert result.validity_status == "valid"

    assert "No sign of careless or unusual answering" in _page(client, alice, result)


def test_it_shows_the_composite_band_and_contributions(client, alice, result):
    page = _page(client, alice, result)

    assert "Fit" in page
    assert "0.49" in page
    assert "0.72" in page  # drive's contribution
    assert "Negativity and blame" in page
    assert "Criba recommends; a person decides." in page
    assert "where “Strong fit” begins" in page
    assert "the composite is \u22120.01 from it" in page


def test_it_says_when_norms_are_provisional(client, alice, result):
    assert (
        "Norms are provisional: based on the publisher's initial estimates, "
        "not yet on local candidates" in html.unescape(_page(client, alice, result))
    )


def test_it_drops_the_provisional_note_with_local_norms(client, alice, job):
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        norm_set=NormSetFactory(source=NormSet.Source.LOCAL, n=240),
    )

    assert "Norms are provisional" not in _page(client, alice, result)


def test_it_names_the_scales_in_the_readers_language(client, alice, result):
    client.cookies["django_language"] = "es"

    page = _page(client, alice, result)

    assert "Empuje" in _scale_row(page, "drive")


def test_it_audits_every_view_of_the_report(client, bob, result):
    _page(client, bob, result)
    _page(client, bob, result)

    events = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_VIEWED)
    assert events.count() == 2
    event = events.first()
    assert event.actor == bob
    assert event.job == result.invitation.application.job
    assert event.object_type == "assessments.questionnaireresult"
    assert event.object_id == str(result.pk)


def test_it_audits_nothing_when_access_is_refused(client, dana, charlie, result):
    assert logged_in(client, dana).get(f"/results/{result.pk}/").status_code == 403
    assert logged_in(client, charlie).get(f"/results/{result.pk}/").status_code == 404

    assert not AuditEvent.objects.exists()


def test_it_renders_a_result_the_scoring_engine_wrote(
    client, application, alice, instrument_version, monkeypatch
):
    from assessments import services
    from assessments.results.store import results_compute_and_store

    monkeypatch.setattr(services, "scoring_enqueue", lambda pk: True)
    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    definition = instrument_version.definition
    # The same answer to everything: a long string, whatever the engine calls it.
    for page, keys in enumerate(services.taking_pages(invitation)):
        services.answers_save(
            invitation=invitation, page=page, answers=dict.fromkeys(keys, 4)
        )
    services.submission_submit(invitation=invitation)
    [result] = results_compute_and_store(invitation_ids=[invitation.pk])

    page = _page(client, alice, result)

    # Straight-lining makes the answers invalid: the report says so first, with
    # what happened and what to do, and shows no band, composite or profile.
    assert result.validity_status == "invalid"
    assert page.index('id="verdict"') < page.index('data-flag="')
    assert "These answers cannot be trusted" in page
    assert "Gave the same answer to" in page
    assert "statements in a row." in page
    assert "<svg" not in page
    assert 'id="band"' not in page
    assert 'id="composite"' not in page
    assert all(f'data-scale="{s["key"]}"' not in page for s in definition["scales"])


def test_it_prints_percentiles_at_the_ends_as_below_1_and_above_99(client, alice, job):
    # Drive all 5 against mean 3.0, SD .6: z = 3.33, 100 Phi(3.33) = 99.96,
    # which rounds to "100" ("higher than all of the norm group", which the
    # normal model never says). Blame all 1 against mean 3.5: z = -4.17,
    # 100 Phi(-4.17) = 0.0015, "0". The report prints ">99" and "<1".
    norm_set = NormSetFactory(
        scales={
            "drive": {"mean": 3.0, "sd": 0.6, "n": 0},
            "discipline": {"mean": 3.8, "sd": 0.6, "n": 0},
            "blame": {"mean": 3.5, "sd": 0.6, "n": 0},
        }
    )
    result = QuestionnaireResultFactory(
        invitation__application__job=job,
        invitation__instrument_version=norm_set.version,
        norm_set=norm_set,
        answers={"drive": [5] * 9, "discipline": [4, 4, 4], "blame": [1] * 9},
    )
    assert result.scales["drive"]["percentile"] == pytest.approx(99.957, abs=1e-3)
    assert result.scales["blame"]["percentile"] == pytest.approx(0.0015, abs=1e-4)

    page = _page(client, alice, result)

    assert ">&gt;99<" in _scale_row(page, "drive")
    assert ">&lt;1<" in _scale_row(page, "blame")
    assert ">100<" not in _scale_row(page, "drive")


def test_it_says_how_the_percentiles_were_found(client, alice, result):
    # Scored against the provisional norms, read off the normal curve.
    assert {s["percentile_method"] for s in result.scales.values()} == {"normal"}
    page = html.unescape(_page(client, alice, result))
    assert "Percentiles are read off the normal curve of the norm set" in page
    assert "share of the norm group that scored lower than this" not in page

    result.scales = {
        key: {**scale, "percentile_method": "empirical"}
        for key, scale in result.scales.items()
    }
    result.save(update_fields=["scales"])
    page = html.unescape(_page(client, alice, result))
    assert "Percentiles are the share of the norm group that scored lower" in page
    assert "normal curve of the norm set" not in page
