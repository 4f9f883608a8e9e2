"""A job's pipeline: stages with counts, filters, search, sort, pages; an invalid
result never gets a band, a composite or a group."""

import re

import pytest

from assessments.models import Invitation
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InstrumentVersionFactory,
    InvitationFactory,
    QuestionnaireResultFactory,
)
from tests.hiring.support import logged_in


def rows(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-application="(\d+)">', page)]


def row(page: str, application) -> str:
    start = page.index(f'<tr data-application="{application.pk}">')
    return page[start : page.index("</tr>", start)]


def scored(job, *, name="Casey", email=None, **result):
    version = InstrumentVersionFactory()
    candidate = CandidateFactory(
        first_name=name, email=email or f"{name.lower()}@example.org"
    )
    return QuestionnaireResultFactory(
        invitation__application__job=job,
        invitation__application__candidate=candidate,
        invitation__instrument_version=version,
        **result,
    )


@pytest.fixture
def scene(job):
    strong = scored(
        job, name="Ana", band="strong_fit", composite=0.9, validity_status="valid"
    )
    fit = scored(
        job, name="Ben", band="fit", composite=0.3, validity_status="questionable"
    )
    invalid = scored(
        job, name="Cleo", band="strong_fit", composite=1.4, validity_status="invalid"
    )
    waiting = InvitationFactory(
        application=ApplicationFactory(
            job=job, candidate=CandidateFactory(first_name="Dev"), stage="assessing"
        )
    )
    fresh = ApplicationFactory(job=job, candidate=CandidateFactory(first_name="Eve"))
    return {
        "strong": strong.invitation.application,
        "fit": fit.invitation.application,
        "invalid": invalid.invitation.application,
        "waiting": waiting.application,
        "fresh": fresh,
    }


def get(client, job, query=""):
    return client.get(f"/jobs/{job.pk}/{query}").content.decode()


def test_it_counts_applications_by_stage(client, job, alice, scene):
    page = get(logged_in(client, alice), job)

    assert re.search(r'data-stage="applied">Applied <span class="count">4<', page)
    assert re.search(r'data-stage="assessing">Assessing <span class="count">1<', page)
    assert 'All <span class="count">5<' in page


def test_it_shows_an_invalid_result_without_band_composite_or_group(
    client, job, alice, scene
):
    page = get(logged_in(client, alice), job)

    invalid = row(page, scene["invalid"])
    assert "Invalid answers" in invalid
    assert "Invite again or rely on the interview" in invalid
    assert "Strong fit" not in invalid
    assert "1.40" not in invalid
    assert "Group" not in invalid
    assert "Cleo" not in row(page, scene["strong"])  # never a peer of a valid one
    questionable = row(page, scene["fit"])
    assert "Fit" in questionable
    assert "Read the caution in the report." in questionable


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?stage=assessing", ["waiting"]),
        ("?band=strong_fit", ["strong"]),
        ("?validity=invalid", ["invalid"]),
        ("?validity=questionable", ["fit"]),
        ("?validity=none", ["waiting", "fresh"]),
        ("?invitation=none", ["fresh"]),
        ("?invitation=sent", ["waiting"]),
        ("?q=ana", ["strong"]),
        ("?q=eve%40example", ["fresh"]),
    ],
)
def test_it_filters_and_searches(client, job, alice, scene, query, expected):
    page = get(logged_in(client, alice), job, query)

    assert sorted(rows(page)) == sorted(scene[name].pk for name in expected)


def test_it_sorts_by_composite_with_invalid_results_last(client, job, alice, scene):
    page = get(logged_in(client, alice), job, "?sort=composite")

    order = rows(page)
    assert order[:2] == [scene["strong"].pk, scene["fit"].pk]
    assert set(order[2:]) == {scene[n].pk for n in ("invalid", "waiting", "fresh")}


def test_it_sorts_by_name(client, job, alice, scene):
    ApplicationFactory(
        job=job, candidate=CandidateFactory(first_name="Al", last_name="Aa")
    )
    page = get(logged_in(client, alice), job, "?sort=name")

    assert "Al Aa" in page[: page.index("Ana")]


@pytest.mark.parametrize("query", ["?stage=lost", "?sort=luck", "?page=x", "?band=1"])
def test_it_names_a_bad_filter(client, job, alice, query):
    response = logged_in(client, alice).get(f"/jobs/{job.pk}/{query}")

    assert response.status_code == 400
    assert "The filters of the pipeline are not valid" in response.content.decode()


def test_it_pages_through_many_applications(client, job, alice):
    ApplicationFactory.create_batch(30, job=job)
    logged_in(client, alice)

    first = get(client, job)
    second = get(client, job, "?page=2")

    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert "Page 1 of 2" in first
    assert 'href="?page=2" rel="next"' in first
    assert not set(rows(first)) & set(rows(second))


@pytest.mark.parametrize("count", [1, 40])
def test_it_reads_a_page_in_the_same_queries_whatever_the_rows(
    client, job, alice, django_assert_num_queries, count
):
    for index in range(count):
        scored(
            job, name=f"P{index}", validity_status="valid" if index % 3 else "invalid"
        )
        InvitationFactory(application=ApplicationFactory(job=job))
    logged_in(client, alice)

    # session, user, job, role, counts by stage, the page's count, applications,
    # invitations, results, the job's results for the groups, the plan
    with django_assert_num_queries(11):
        response = client.get(f"/jobs/{job.pk}/?sort=composite&q=example")

    assert len(rows(response.content.decode())) == min(2 * count, 25)


def test_it_hides_results_and_selection_from_a_hiring_manager_without_invite(
    client, job, bob, scene
):
    page = get(logged_in(client, bob), job)

    assert 'name="application"' not in page
    assert "Invite the selected candidates" not in page
    assert "Strong fit" in row(page, scene["strong"])
    assert Invitation.objects.count() == 4


def test_it_names_the_peers_of_the_rows_on_the_page_only(
    client, job, alice, monkeypatch
):
    from hiring.models import Candidate

    for index in range(60):
        scored(job, name=f"Close{index}", composite=0.5 + index / 1000)
    named = []
    full_name = Candidate.full_name
    monkeypatch.setattr(
        Candidate,
        "full_name",
        property(
            lambda candidate: named.append(candidate.pk) or full_name.fget(candidate)
        ),
    )
    logged_in(client, alice)

    page = get(client, job, "?sort=composite")

    # Every result is indistinguishable from the 59 others; the 35 results on
    # other pages are not named for anyone's peers (which was 60 x 59 names).
    assert len(rows(page)) == 25
    assert len(named) < 25 * 10


def test_it_names_the_nearest_peers_and_counts_the_others(client, job, alice):
    results = [
        scored(job, name=f"Close{index}", composite=0.5 + index / 1000)
        for index in range(60)
    ]
    top = results[-1].invitation.application
    logged_in(client, alice)

    cell = row(get(client, job, "?sort=composite"), top)

    names = re.search(r"not distinguishable from ([^<]*) and 54 others", cell)
    assert names, cell
    assert names.group(1).split(", ") == [f"Close{i} Rivera" for i in range(58, 53, -1)]
