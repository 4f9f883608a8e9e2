"""The outcome report pages: who may read them, what they say, what they cost."""

import re

import numpy as np
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiring.models import AuditEvent
from tests.factories import JobFactory, UserFactory
from tests.factories.outcomes import hires_with_outcomes
from tests.hiring.support import logged_in

PAGES = {"validity": "/reports/validity/", "managers": "/reports/managers/"}


def _population(job, n, seed, *, manager="Dana Reyes", team="Inside sales"):
    rng = np.random.default_rng(seed)
    composite = rng.normal(size=n)
    leave = rng.random(n) < 1 / (1 + np.exp(-(-1.0 - 0.8 * composite)))
    return hires_with_outcomes(
        job,
        composite=composite,
        scales={"drive": 50 + 10 * composite, "blame": 50 - 5 * composite},
        interview=np.clip(3 + 0.5 * composite + rng.normal(0, 0.7, n), 1, 5),
        left_after_days=np.where(leave, 30, np.nan),
        quota=100 + 15 * composite + rng.normal(0, 20, n),
        rating=np.clip(np.round(3 + composite), 1, 5),
        manager=manager,
        team=team,
    )


@pytest.fixture
def reader(db):
    user = UserFactory(username="erin")
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_outcome_reports", content_type__app_label="hiring"
        )
    )
    return user


@pytest.fixture
def hires(job):
    return _population(job, 60, 1)


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("admin_user", 200),
        ("reader", 200),
        ("alice", 403),
        ("bob", 403),
        ("dana", 403),
        ("charlie", 403),
    ],
)
def test_it_answers_each_person(client, request, hires, page, person, status):
    user = request.getfixturevalue(person)
    response = logged_in(client, user).get(PAGES[page])

    assert response.status_code == status
    if status == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_sends_anonymous_visitors_to_login(client, hires, page):
    response = client.get(PAGES[page])

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_answers_404_for_a_job_that_does_not_exist(client, reader, page):
    for job in ("999999", "abc"):
        response = logged_in(client, reader).get(PAGES[page], {"job": job})
        assert response.status_code == 404


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_records_each_read_in_the_audit_log(client, reader, job, hires, page):
    logged_in(client, reader).get(PAGES[page], {"job": job.pk})

    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_VIEWED)
    assert event.actor == reader
    assert event.job == job
    assert event.data == {"report": page, "job": job.pk}


def test_it_says_what_to_expect_and_draws_an_accessible_expectancy_chart(
    client, reader, hires
):
    html = logged_in(client, reader).get(PAGES["validity"]).content.decode()

    assert "typically correlate .1 to .3" in html
    assert "about .42" in html
    assert "a few hundred hires" in html
    assert (
        html.count('<svg xmlns="http://www.w3.org/2000/svg" class="expectancy-chart"')
        == 2
    )
    assert (
        '<title id="expectancy-0-title">Employed at 90 days by fit band</title>' in html
    )
    assert 'aria-describedby="expectancy-0-desc"' in html
    # The chart's figures are in a table too.
    assert html.count('data-band="strong_fit"') == 2
    # 60 hires: every composite figure is estimable, secondary correction shown.
    assert 'data-predictor="composite"' in html
    assert 'data-figure="corrected"' in html


def test_it_says_not_yet_estimable_with_few_hires(client, reader, job):
    _population(job, 12, 2)
    html = logged_in(client, reader).get(PAGES["validity"]).content.decode()

    assert "not yet estimable (needs 30 hires" in html
    assert 'data-figure="r"' not in html


def test_it_filters_by_job(client, reader, job, hires):
    other = JobFactory(title="Field sales")
    _population(other, 40, 3)
    page = logged_in(client, reader).get(PAGES["validity"], {"job": other.pk})
    html = page.content.decode()

    assert re.search(r'data-figure="hires">40<', html)
    assert f'<option value="{other.pk}" selected>' in html
    assert re.search(
        r'data-figure="hires">100<',
        client.get(PAGES["validity"]).content.decode(),
    )


def test_it_flags_a_team_that_loses_more_hires_than_predicted(client, reader, job):
    _population(job, 200, 4, manager="Ana", team="North")
    # Strong hires who all left: far more than their scores predicted.
    hires_with_outcomes(
        job,
        composite=[1.2] * 12,
        left_after_days=[20] * 12,
        manager="Ben",
        team="South",
    )
    html = logged_in(client, reader).get(PAGES["managers"]).content.decode()

    assert 'data-figure="flagged"' in html
    assert "Ben: 12 of 12 hires left before day 90" in html
    assert 'data-group="Ben" class="row-flagged"' in html
    assert 'data-group="Ana" class="row-flagged"' not in html


def test_its_flag_describes_the_data_and_leaves_the_reading_to_a_person(
    client, reader, job
):
    _population(job, 200, 4, manager="Ana", team="North")
    hires_with_outcomes(
        job,
        composite=[1.2] * 12,
        left_after_days=[20] * 12,
        manager="Ben",
        team="South",
    )
    html = logged_in(client, reader).get(PAGES["managers"]).content.decode()

    flag = re.search(r'data-figure="flagged">(.*?)</div>', html, re.S)[1]
    assert "Ben: 12 of 12 hires left before day 90, above the predicted range" in flag
    assert "The data do not say why; a person who knows the team decides." in flag
    assert "More leavers than predicted: worth a look; a person decides why." in html
    assert "management problem" not in html.lower()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_reads_a_page_in_the_same_number_of_queries_whatever_the_hires(
    client, reader, job, page
):
    counts = []
    logged_in(client, reader)
    for n, seed in ((20, 5), (70, 6)):
        _population(job, n, seed, manager=f"Manager {n}", team=f"Team {n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGES[page]).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 14


def test_it_offers_the_reports_to_administrators_in_the_menu(
    client, admin_user, alice, hires
):
    html = logged_in(client, admin_user).get("/").content.decode()
    assert '<a href="/reports/">Reports</a>' in html
    html = logged_in(client, alice).get("/").content.decode()
    assert 'href="/reports/"' not in html


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_shows_an_empty_report_before_any_outcome_is_recorded(client, reader, page):
    response = logged_in(client, reader).get(PAGES[page])

    assert response.status_code == 200
    assert re.search(r'data-figure="hires">0<', response.content.decode())


def test_it_says_in_words_which_measures_are_clearly_related(client, reader, hires):
    html = logged_in(client, reader).get(PAGES["validity"]).content.decode()

    quota = html[html.index('data-criterion="quota"') :].split("</section>")[0]
    reading = quota[quota.index("data-reading") : quota.index("</div>")]
    assert "Clearly related to “Mean quota attainment (%)”" in reading
    assert "Questionnaire composite" in reading
    assert html.count("data-reading") == 4  # one per criterion


def test_its_charts_write_decimals_as_the_spanish_table_does(client, reader, hires):
    response = logged_in(client, reader).get(
        PAGES["validity"], HTTP_ACCEPT_LANGUAGE="es"
    )
    charts = re.findall(
        r'<svg[^>]*class="expectancy-chart".*?</svg>', response.content.decode(), re.S
    )

    assert charts
    values = [v for c in charts for v in re.findall(r">([\d.,]+(?: %)?)</text>", c)]
    assert any("," in value for value in values), values
    assert not any("." in value for value in values), values
