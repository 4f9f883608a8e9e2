"""The report's figures against independent oracles (scipy, statsmodels), on
SCORING.md's worked example and on the definitions of the decision points."""

import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import proportions_ztest

from assessments.adverse_impact import (
    HIRE,
    INTERVIEW,
    QUESTIONNAIRE,
    adverse_impact_figures,
    point_outcome,
)
from assessments.models import Interview
from hiring.models import Stage
from tests.factories import ApplicationFactory, InterviewFactory, JobFactory
from tests.factories.fairness import decided_applications


def _point(figures, point):
    (job,) = figures.jobs
    return next(p for p in job.points if p.point == point)


@pytest.fixture
def worked_example(db):
    job = JobFactory(title="Sales")
    # SCORING.md section 8: A 48/80, B 21/50.
    decided_applications(job=job, counts={"man": (48, 80), "woman": (21, 50)})
    return job


def test_it_reproduces_the_worked_example_of_scoring_md(worked_example):
    figures = adverse_impact_figures(characteristic="gender", jobs=[worked_example])
    point = _point(figures, QUESTIONNAIRE)
    groups = {g.group: g for g in point.groups}

    assert point.reference.group == "man"
    assert groups["man"].selection_rate == pytest.approx(0.60)
    assert groups["woman"].selection_rate == pytest.approx(0.42)
    assert groups["woman"].impact_ratio == pytest.approx(0.70)
    assert groups["woman"].below_four_fifths is True
    assert groups["woman"].z == pytest.approx(2.001, abs=5e-4)
    assert groups["woman"].z_p_value == pytest.approx(0.0454, abs=5e-5)
    assert groups["woman"].odds_ratio == pytest.approx(2.071, abs=5e-4)
    assert groups["woman"].fisher_p_value == pytest.approx(0.0495, abs=5e-5)
    assert (groups["woman"].selected, groups["woman"].decided) == (21, 50)


def test_it_agrees_with_statsmodels_and_scipy(worked_example):
    figures = adverse_impact_figures(characteristic="gender", jobs=[worked_example])
    woman = next(g for g in _point(figures, QUESTIONNAIRE).groups if g.group == "woman")

    z, p = proportions_ztest([48, 21], [80, 50])
    odds, fisher_p = fisher_exact([[48, 32], [21, 29]])

    assert woman.z == pytest.approx(z, rel=1e-9)
    assert woman.z_p_value == pytest.approx(p, rel=1e-9)
    assert woman.odds_ratio == pytest.approx(odds, rel=1e-9)
    assert woman.fisher_p_value == pytest.approx(fisher_p, rel=1e-9)


@pytest.mark.parametrize(
    ("counts", "point"),
    [
        ({"woman": (9, 31), "man": (14, 33), "non_binary": (3, 6)}, INTERVIEW),
        ({"under_25": (2, 12), "25_34": (7, 20), "55_plus": (5, 9)}, HIRE),
    ],
)
def test_it_agrees_with_the_oracles_at_every_point(db, counts, point):
    job = JobFactory()
    characteristic = "age_band" if "25_34" in counts else "gender"
    decided_applications(
        job=job, counts=counts, point=point, characteristic=characteristic
    )

    figures = _point(
        adverse_impact_figures(characteristic=characteristic, jobs=[job]), point
    )
    rates = {g: s / n for g, (s, n) in counts.items()}
    top = max(rates, key=rates.get)
    assert figures.reference.group == top
    for group in figures.groups:
        selected, decided = counts[group.group]
        assert (group.selected, group.decided) == (selected, decided)
        assert group.impact_ratio == pytest.approx(rates[group.group] / rates[top])
        if group.group == top:
            continue
        ref_sel, ref_n = counts[top]
        z, p = proportions_ztest([ref_sel, selected], [ref_n, decided])
        odds, fisher_p = fisher_exact(
            [[ref_sel, ref_n - ref_sel], [selected, decided - selected]]
        )
        assert group.z == pytest.approx(z, rel=1e-9)
        assert group.z_p_value == pytest.approx(p, rel=1e-9)
        assert group.fisher_p_value == pytest.approx(fisher_p, rel=1e-9)
        assert group.odds_ratio == pytest.approx(odds, rel=1e-9)


@pytest.mark.parametrize(
    ("point", "facts", "expected"),
    [
        # Questionnaire: scored, then interview stage or beyond, or an interview.
        (QUESTIONNAIRE, {"stage": Stage.INTERVIEWING, "scored": True}, True),
        (QUESTIONNAIRE, {"stage": Stage.HIRED, "scored": True}, True),
        (QUESTIONNAIRE, {"stage": Stage.REJECTED, "scored": True}, False),
        # Rejected after an interview: advanced past the questionnaire.
        (
            QUESTIONNAIRE,
            {"stage": Stage.REJECTED, "scored": True, "interviewed": True},
            True,
        ),
        (QUESTIONNAIRE, {"stage": Stage.ASSESSING, "scored": True}, None),
        (QUESTIONNAIRE, {"stage": Stage.WITHDRAWN, "scored": True}, None),
        (QUESTIONNAIRE, {"stage": Stage.REJECTED, "scored": False}, None),
        # Interview: a completed one, then offer or hired.
        (INTERVIEW, {"stage": Stage.OFFER, "completed": True}, True),
        (INTERVIEW, {"stage": Stage.REJECTED, "completed": True}, False),
        (INTERVIEW, {"stage": Stage.INTERVIEWING, "completed": True}, None),
        (INTERVIEW, {"stage": Stage.WITHDRAWN, "completed": True}, None),
        (INTERVIEW, {"stage": Stage.REJECTED, "interviewed": True}, None),
        # Hired, of those assessed either way.
        (HIRE, {"stage": Stage.HIRED, "completed": True}, True),
        (HIRE, {"stage": Stage.REJECTED, "scored": True}, False),
        (HIRE, {"stage": Stage.OFFER, "scored": True}, None),
        (HIRE, {"stage": Stage.REJECTED}, None),
    ],
)
def test_it_defines_each_decision_point(point, facts, expected):
    values = {"scored": False, "interviewed": False, "completed": False, **facts}

    assert point_outcome(point, **values) is expected


def test_it_reads_the_definitions_from_the_database(db):
    job = JobFactory()
    decided_applications(job=job, counts={"woman": (0, 5), "man": (0, 5)})
    # A scored candidate rejected after a cancelled interview did not advance;
    # one rejected after a scheduled interview did.
    rejected = decided_applications(job=job, counts={"woman": (0, 2)})
    InterviewFactory(application=rejected[0], status=Interview.Status.CANCELLED)
    InterviewFactory(application=rejected[1], status=Interview.Status.SCHEDULED)
    # Still being assessed, or never assessed: not decided.
    decided_applications(job=job, counts={"man": (0, 4)}, stage=Stage.ASSESSING)
    ApplicationFactory(job=job, stage=Stage.REJECTED)

    point = _point(
        adverse_impact_figures(characteristic="gender", jobs=[job]), QUESTIONNAIRE
    )
    groups = {g.group: (g.selected, g.decided) for g in point.groups}

    assert groups == {"woman": (1, 7), "man": (0, 5)}


def test_it_names_no_reference_when_nobody_was_selected(db):
    job = JobFactory()
    decided_applications(job=job, counts={"woman": (0, 6), "man": (0, 7)}, point=HIRE)

    point = _point(adverse_impact_figures(characteristic="gender", jobs=[job]), HIRE)

    assert point.comparable is False
    assert point.reference is None
    assert not any(g.is_reference or g.below_four_fifths for g in point.groups)
    assert [g.decided for g in point.groups] == [6, 7]
    assert "Nobody was selected" in point.summary[0]


def test_it_gives_no_odds_ratio_where_a_zero_cell_makes_it_infinite(db):
    # The reference "woman" selected all 5 and "man" 3 of 6: the table
    # [[5, 0], [3, 3]] has a zero cell, so the sample odds ratio
    # (5 * 3) / (0 * 3) is infinite (scipy says inf). Fisher's p stays
    # defined: the tables with the same margins and sel_ref >= 5 are only the
    # observed one, P = C(5,5) C(6,3) / C(11,8) = 20 / 165; the two-sided p
    # adds every table no more likely: sel_ref = 2 has C(5,2) C(6,6) / 165 =
    # 10 / 165, so p = 30 / 165 = 0.1818.
    job = JobFactory()
    decided_applications(job=job, counts={"woman": (5, 5), "man": (3, 6)}, point=HIRE)

    point = _point(adverse_impact_figures(characteristic="gender", jobs=[job]), HIRE)
    man = next(g for g in point.groups if g.group == "man")

    assert fisher_exact([[5, 0], [3, 3]]).statistic == float("inf")
    assert man.odds_ratio is None
    assert man.fisher_p_value == pytest.approx(30 / 165, rel=1e-9)
    assert man.impact_ratio == pytest.approx(0.5)
