"""Administrators write practice cases in the admin, one competency at a time."""

from assessments.models import PracticeCase
from tests.factories import RubricVersionFactory
from tests.hiring.support import logged_in

URL = "/admin/assessments/practicecase/"


def test_it_writes_answers_and_agreed_ratings_per_competency(client, admin_user):
    version = RubricVersionFactory()
    logged_in(client, admin_user)

    added = client.post(
        URL + "add/",
        {"rubric_version": version.pk, "title": "Lost deal story", "_continue": "1"},
    )
    case = PracticeCase.objects.get()
    assert added.status_code == 302
    assert case.created_by == admin_user

    form = client.get(URL + f"{case.pk}/change/").content.decode()
    assert 'name="agreed_coachability"' in form
    data = {"title": "Lost deal story"}
    for key in version.competency_keys:
        data[f"answer_{key}"] = f"A sample answer on {key}."
        data[f"agreed_{key}"] = "3"
    data["rationale_coachability"] = "Accepted feedback but kept no record."
    changed = client.post(URL + f"{case.pk}/change/", data)

    case.refresh_from_db()
    assert changed.status_code == 302
    assert case.agreed_ratings["coachability"] == 3
    assert case.answers["accountability"] == "A sample answer on accountability."
    assert case.rationale == {"coachability": "Accepted feedback but kept no record."}
