"""Calibration per rubric for administrators, and practice cases."""

import pytest

from assessments.calibration import rubric_calibration
from assessments.models import PracticeAttempt, PracticeCase
from tests.assessments.interview_support import KEYS, submit
from tests.factories import (
    ApplicationFactory,
    JobMemberFactory,
    PanelInterviewFactory,
    RubricVersionFactory,
    UserFactory,
)
from tests.hiring.support import logged_in


@pytest.fixture
def raters(job):
    users = []
    for name in ("lenient", "severe", "steady"):
        user = UserFactory(username=name)
        JobMemberFactory(job=job, user=user, role="interviewer")
        users.append(user)
    return users


def _interviews(job, raters, n):
    lenient, severe, steady = raters
    interview = None
    for i in range(n):
        interview = PanelInterviewFactory(
            application=ApplicationFactory(job=job), panel=raters
        )
        base = 2 + i % 3
        submit(lenient, interview, [base + 1] * 6)
        submit(severe, interview, [base - 1] * 6)
        submit(steady, interview, [base] * 6)
    return interview


def test_it_measures_leniency_alpha_and_icc_once_there_is_enough(job, raters):
    interview = _interviews(job, raters, 6)

    calibration = rubric_calibration(rubric=interview.rubric_version.rubric)

    by_name = {row.interviewer.username: row for row in calibration.raters}
    # Panel mean = base, so the deviations are exactly +1, -1, 0 in every interview.
    assert by_name["lenient"].mean == pytest.approx(1.0)
    assert by_name["severe"].mean == pytest.approx(-1.0)
    assert by_name["steady"].mean == pytest.approx(0.0)
    assert by_name["lenient"].n == 6
    assert calibration.alpha.n == 36
    assert calibration.alpha.estimable
    assert calibration.icc.estimable
    assert calibration.icc.raters == 3


def test_it_says_not_yet_estimable_below_the_minimum(client, job, raters, admin_user):
    interview = _interviews(job, raters, 1)

    page = logged_in(client, admin_user).get(
        f"/rubrics/{interview.rubric_version.rubric_id}/calibration/"
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Not yet estimable" in html
    assert html.count("Not yet estimable") >= 3 + 1


def test_it_keeps_calibration_to_administrators(client, job, raters, alice):
    interview = _interviews(job, raters, 1)

    page = logged_in(client, alice).get(
        f"/rubrics/{interview.rubric_version.rubric_id}/calibration/"
    )

    assert page.status_code == 404


def test_it_shows_the_distance_from_the_agreed_ratings(client, dana, admin_user):
    case = PracticeCase.objects.create(
        rubric_version=RubricVersionFactory(),
        title="Lost deal story",
        answers=dict.fromkeys(KEYS, "A sample answer."),
        agreed_ratings=dict.fromkeys(KEYS, 3),
        rationale={"coachability": "Accepted feedback but kept no record."},
        created_by=admin_user,
    )
    data = {f"rating-{key}": "3" for key in KEYS}
    data["rating-coachability"] = "5"

    page = logged_in(client, dana).post(f"/practice/{case.pk}/", data)

    html = page.content.decode()
    assert page.status_code == 200
    assert "5 of 6 competencies within one point" in html
    assert "Accepted feedback but kept no record." in html
    assert PracticeAttempt.objects.get().ratings["coachability"] == 5


def test_it_links_each_rubric_to_its_calibration_from_the_admin(client, admin_user):
    rubric = RubricVersionFactory().rubric

    page = logged_in(client, admin_user).get("/admin/assessments/rubric/")

    assert f'href="/rubrics/{rubric.pk}/calibration/"' in page.content.decode()
