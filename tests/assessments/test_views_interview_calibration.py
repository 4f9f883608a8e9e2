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
    interview = _interviews(job, raters, 10)

    calibration = rubric_calibration(rubric=interview.rubric_version.rubric)

    by_name = {row.interviewer.username: row for row in calibration.raters}
    # Panel mean = base, so the deviations are exactly +1, -1, 0 in every interview.
    assert by_name["lenient"].mean == pytest.approx(1.0)
    assert by_name["severe"].mean == pytest.approx(-1.0)
    assert by_name["steady"].mean == pytest.approx(0.0)
    assert by_name["lenient"].n == 10
    # Agreement counts candidates: one row per interview (SCORING.md section 7),
    # not one per competency rated in it.
    assert calibration.alpha.n == 10
    assert calibration.alpha.estimable
    assert calibration.icc.estimable
    assert calibration.icc.n == 10
    assert calibration.icc.raters == 3


def test_agreement_reads_each_interviewers_weighted_score_of_the_candidate(job, raters):
    # Two competencies differ, the others agree; each rater's cell is the
    # rubric's weighted mean of their ratings, so a high weight moves it more.
    lenient, severe, steady = raters
    interview = None
    for _ in range(10):
        interview = PanelInterviewFactory(
            application=ApplicationFactory(job=job), panel=raters
        )
        submit(lenient, interview, [5, 3, 3, 3, 3, 3])
        submit(severe, interview, [1, 3, 3, 3, 3, 3])
        submit(steady, interview, [3, 3, 3, 3, 3, None])
    weights = dict(
        zip(
            interview.rubric_version.competency_keys,
            interview.rubric_version.weights,
            strict=True,
        )
    )
    total = sum(weights.values())
    first = weights[KEYS[0]]
    # lenient: 3 + 2 w0 / W; severe: 3 - 2 w0 / W; steady: 3 (no decision on
    # the last competency leaves the mean of the others at 3).
    expected = {
        "lenient": 3 + 2 * first / total,
        "severe": 3 - 2 * first / total,
        "steady": 3.0,
    }
    from assessments.calibration import _rater_score
    from assessments.models import ScorecardVersion

    for version in ScorecardVersion.objects.filter(scorecard__interview=interview):
        name = version.scorecard.interviewer.username
        assert _rater_score(version.ratings, weights) == pytest.approx(expected[name])

    calibration = rubric_calibration(rubric=interview.rubric_version.rubric)
    # Every candidate gets the same three scores: rows do not differ, so there
    # is no agreement to find (alpha below zero: raters differ, candidates not).
    assert calibration.alpha.n == 10
    assert calibration.alpha.value is not None
    assert calibration.alpha.value < 0


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


def _page(client, admin_user, interview) -> str:
    response = logged_in(client, admin_user).get(
        f"/rubrics/{interview.rubric_version.rubric_id}/calibration/"
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_says_the_panel_mean_includes_the_interviewer(
    client, job, raters, admin_user
):
    # "lenient" rates one point above two colleagues who agree, in 6 interviews.
    # Panel mean of 3 = base + 1/3, so the page's leniency is
    # (base + 1) - (base + 1/3) = +0.67, against +1 from the other two's mean
    # (+0.67 = 1 x (3 - 1) / 3). The page must say why it is not +1.
    lenient, severe, steady = raters
    interview = None
    for i in range(6):
        interview = PanelInterviewFactory(
            application=ApplicationFactory(job=job), panel=raters
        )
        base = 2 + i % 3
        submit(lenient, interview, [base + 1] * 6)
        submit(severe, interview, [base] * 6)
        submit(steady, interview, [base] * 6)

    html = _page(client, admin_user, interview)

    row = html[html.index(f'data-rater="{lenient.pk}"') :].split("</tr>")[0]
    assert "<td>0.67</td>" in row
    assert "The panel mean includes the interviewer's own rating" in html
    assert "shows +0.67, not +1" in html


def test_it_shows_no_empty_interval_when_raters_differ_by_a_constant(
    client, job, raters, admin_user
):
    # Scores base+1, base-1, base: rows = candidate + rater offset exactly, so
    # the residual mean square is 0 and ICC(A,1) = MSR / (MSR + k MSC / n) is
    # defined while McGraw & Wong's F interval divides by MSE = 0. One row per
    # interview, base 2, 3, 4, 2, 3, 4, 2, 3, 4, 2: n = 10, k = 3, mean 2.9,
    # SS(base) = 4 x 0.81 + 3 x 0.01 + 3 x 1.21 = 6.9, MSR = 3 x 6.9 / 9 = 2.3,
    # MSC = 10 x (1 + 1 + 0) / 2 = 10, so ICC(A,1) = 2.3 / (2.3 + 3 x 10 / 10)
    # = 0.434.
    interview = _interviews(job, raters, 10)

    html = _page(client, admin_user, interview)

    icc = html[html.index('data-figure="icc"') :].split("</dd>")[0]
    assert "0.434 (" in icc
    assert "N = 10 interviews, the same 3 interviewers" in icc
    assert "each interview is one row" in html
    assert "no 95 % interval" in icc
    assert " ..  ;" not in icc
    assert "95 %:  .." not in icc


def test_it_does_not_call_identical_ratings_too_few(client, job, raters, admin_user):
    # Every interviewer rates 3 on all 6 competencies of 12 interviews: 12
    # interviews rated by 3 interviewers (above the minimum of 10), but with
    # no variance at all alpha = 1 - D_o / D_e = 1 - 0 / 0 and ICC(A,1) are
    # undefined. The page must not say "needs 10" when 12 are there.
    interview = None
    for _ in range(12):
        interview = PanelInterviewFactory(
            application=ApplicationFactory(job=job), panel=raters
        )
        for rater in raters:
            submit(rater, interview, [3] * 6)

    html = _page(client, admin_user, interview)

    alpha = html[html.index('data-figure="alpha"') :].split("</dd>")[0]
    icc = html[html.index('data-figure="icc"') :].split("</dd>")[0]
    assert "Not yet estimable" not in alpha
    assert "needs 10" not in alpha
    assert "score in the 12 interviews rated by two or more" in alpha
    assert "Not yet estimable" not in icc
    assert "every score in the largest balanced table (12 interviews" in icc
