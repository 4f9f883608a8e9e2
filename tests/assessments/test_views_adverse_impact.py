"""The adverse impact page: who may read it, what it says, what it costs."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import JobFactory, UserFactory
from tests.factories.fairness import decided_applications
from tests.hiring.support import logged_in

URL = "/reports/adverse-impact/"


def _permission():
    return Permission.objects.get(
        content_type__app_label="hiring", codename="view_selfid_aggregates"
    )


@pytest.fixture
def analyst(db):
    user = UserFactory(username="erin", first_name="Erin")
    user.user_permissions.add(_permission())
    return user


@pytest.fixture
def scene(job):
    decided_applications(job=job, counts={"man": (48, 80), "woman": (21, 50)})
    return job


@pytest.mark.parametrize("person", ["alice", "bob", "charlie", "dana", "staff"])
@pytest.mark.parametrize(
    "query", [{}, {"characteristic": "gender"}, {"characteristic": "bogus"}]
)
def test_it_shows_nothing_to_anyone_else(client, request, scene, person, query):
    if person == "staff":
        user = UserFactory(username="stan", is_staff=True)
    else:
        user = request.getfixturevalue(person)

    response = logged_in(client, user).get(URL, {**query, "job": scene.pk})

    assert response.status_code == 403
    page = response.content.decode()
    assert "0.70" not in page
    assert 'data-group="woman"' not in page
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_visitor_to_sign_in(client, scene):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["admin_user", "analyst", "member_of_group"])
def test_it_shows_the_report_to_administrators_and_holders(client, request, scene, who):
    if who == "member_of_group":
        user = UserFactory(username="gus")
        group = Group.objects.create(name="Fairness reviewers")
        group.permissions.add(_permission())
        user.groups.add(group)
    else:
        user = request.getfixturevalue(who)

    response = logged_in(client, user).get(URL, {"job": scene.pk})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'data-group="woman"' in page
    assert 'data-figure="impact-ratio">0.70<' in page
    assert 'data-figure="fisher-p">0.0495<' in page
    assert 'data-figure="z">2.001<' in page
    assert "below four fifths" in page
    # The plain words and the definitions.
    assert "an impact ratio of 0.70" in page
    assert "Of the candidates with a scored questionnaire" in page
    assert "Small N" in page


def test_it_explains_in_spanish(client, admin_user, scene):
    client.cookies["django_language"] = "es"
    response = logged_in(client, admin_user).get(
        URL, {"job": scene.pk}, HTTP_ACCEPT_LANGUAGE="es"
    )

    assert response.status_code == 200
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"characteristic": "religion"}, "characteristic"),
        ({"job": "abc"}, "job"),
        ({"job": "999999"}, "job"),
    ],
)
def test_it_names_a_filter_it_cannot_read(client, admin_user, scene, query, name):
    response = logged_in(client, admin_user).get(URL, query)

    assert response.status_code == 400
    assert name in response.content.decode()


def test_it_asks_about_ethnicity_only_where_it_is_allowed(
    client, admin_user, scene, settings
):
    logged_in(client, admin_user)
    settings.CRIBA_SELF_ID_ETHNICITY = False
    assert client.get(URL, {"characteristic": "ethnicity"}).status_code == 400

    settings.CRIBA_SELF_ID_ETHNICITY = True
    assert client.get(URL, {"characteristic": "ethnicity"}).status_code == 200


def test_it_reads_every_job_in_a_bounded_number_of_queries(
    client, analyst, scene, django_assert_max_num_queries
):
    logged_in(client, analyst)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for n in range(4):
        job = JobFactory(title=f"Job {n}")
        decided_applications(
            job=job, counts={"woman": (3, 10), "man": (5, 12), "non_binary": (1, 2)}
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content.decode().count("data-job=") == 5


def test_it_shows_no_infinite_odds_ratio(client, admin_user, job):
    # "woman" hired all 5 she was decided on, "man" 3 of 6: the odds ratio
    # (5 * 3) / (0 * 3) is infinite and the page shows a dash, not "inf".
    decided_applications(job=job, counts={"woman": (5, 5), "man": (3, 6)}, point="hire")

    response = logged_in(client, admin_user).get(URL, {"job": job.pk})

    page = response.content.decode()
    man = page[page.index('data-group="man"') :].split("</tr>")[0]
    assert 'data-figure="odds-ratio">\u2013<' in man
    assert 'data-figure="fisher-p">0.1818<' in man
    assert ">inf<" not in page
