"""The assessment plan of a job: version, language, weights and cut scores with
their meaning in words, validity of the links, and a preview of how typical
profiles would band."""

import math
import re

import numpy as np
import pytest

from assessments import services
from assessments.definitions import instrument_spec
from assessments.models import AssessmentPlan
from assessments.plans import plan_preview, plan_values
from assessments.scoring.composite import composite_score, plan_weights
from hiring.models import AuditEvent
from tests.factories import ApplicationFactory, RubricVersionFactory
from tests.hiring.support import logged_in

WEIGHTS = {
    "self_discipline": "0.40",
    "achievement_drive": "0.20",
    "coachability": "0.20",
    "resilience_to_rejection": "0.10",
    "negativity_blame": "0.10",
}


def form(version, **changes):
    data = {
        "version": version.pk,
        "language": "es",
        "invitation_days": "10",
        **{f"weight_{k}": v for k, v in WEIGHTS.items()},
        "cut_strong_fit": "0.60",
        "cut_fit": "0.10",
        "cut_borderline": "-0.40",
        "rubric": "",
        "questionnaire_weight": "0.50",
        "interview_weight": "0.50",
        "action": "save",
    }
    data.update(changes)
    return data


@pytest.fixture
def rubric_version(db):
    return RubricVersionFactory()


def preview_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<tr data-profile="\d+"><th scope="row">.*?</th><td class="numeric">(.*?)</td>'
        r"<td>(.*?)</td>",
        page,
    )


def test_it_shows_the_defaults_in_words_with_a_preview(
    client, job, alice, instrument_version
):
    page = logged_in(client, alice).get(f"/jobs/{job.pk}/plan/").content.decode()

    assert "This job has no plan yet" in page
    assert "Lower is better: one standard deviation above average" in page
    assert "half a standard deviation" not in page  # cut meanings use figures
    assert "0.50 standard deviations or more better" in page
    assert "\u22120.50" in page  # the borderline cut, with a true minus sign
    rows = preview_rows(page)
    assert rows[0] == ("0.00", "Fit")  # average everywhere
    assert rows[2][1] == "Strong fit"  # clearly better all round
    assert rows[3][1] == "Borderline"  # somewhat weaker all round


def test_it_previews_a_change_without_saving_it(client, job, alice, instrument_version):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/plan/",
        form(instrument_version, action="preview", cut_borderline="-0.60"),
    )

    assert response.status_code == 200
    assert not AssessmentPlan.objects.filter(job=job).exists()
    rows = preview_rows(response.content.decode())
    assert rows[3] == ("\u22120.50", "Borderline")


def test_it_saves_the_plan_with_signed_weights_and_bands(
    client, job, alice, instrument_version
):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/plan/", form(instrument_version)
    )

    assert response.status_code == 302
    plan = AssessmentPlan.objects.get(job=job)
    assert plan.instrument_version == instrument_version
    assert plan.language == "es"
    assert plan.invitation_days == 10
    assert plan.scale_weights["negativity_blame"] == pytest.approx(-0.1)
    assert plan.scale_weights["self_discipline"] == pytest.approx(0.4)
    assert plan.bands == [
        [0.6, "strong_fit"],
        [0.1, "fit"],
        [-0.4, "borderline"],
        [None, "not_recommended"],
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PLAN_UPDATED).exists()


def test_it_names_bands_out_of_order_and_saves_nothing(
    client, job, alice, instrument_version
):
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/plan/", form(instrument_version, cut_fit="0.80")
    )

    assert response.status_code == 400
    assert "Each band must begin above the next one" in response.content.decode()
    assert not AssessmentPlan.objects.exists()


def test_it_needs_one_weight_and_names_a_weight_out_of_range(
    client, job, alice, instrument_version
):
    zeros = {f"weight_{k}": "0" for k in WEIGHTS}
    logged_in(client, alice)

    none = client.post(f"/jobs/{job.pk}/plan/", form(instrument_version, **zeros))
    huge = client.post(
        f"/jobs/{job.pk}/plan/", form(instrument_version, weight_coachability="3")
    )

    assert none.status_code == 400
    assert "Give at least one scale a weight above 0." in none.content.decode()
    assert huge.status_code == 400
    assert "less than or equal to 1" in huge.content.decode()
    assert not AssessmentPlan.objects.exists()


def test_it_previews_what_the_engine_computes(job, instrument_version):
    values = plan_values(job)
    spec = instrument_spec(instrument_version.definition)
    weights = plan_weights(spec, values.weights())
    better = np.array([1.0 if s.higher_is_better else -1.0 for s in spec.scales])

    previews = plan_preview(values, "en")

    assert previews[2].composite == pytest.approx(
        float(composite_score(better, weights))
    )
    assert math.isclose(previews[2].composite, sum(abs(w) for w in weights))


def test_it_invites_in_the_plan_language_and_version(
    client, job, alice, instrument_version
):
    logged_in(client, alice).post(f"/jobs/{job.pk}/plan/", form(instrument_version))
    application = ApplicationFactory(job=job)

    invitation = services.invitation_create(
        application=application, user=alice, send=False
    )

    assert invitation.language == "es"
    assert invitation.instrument_version == instrument_version
    lifetime = invitation.expires_at - invitation.created_at
    assert round(lifetime.total_seconds() / 86400) == 10


def test_it_chooses_the_interview_guide_and_how_the_parts_weigh(
    client, job, alice, instrument_version, rubric_version
):
    rubric = rubric_version.rubric
    response = logged_in(client, alice).post(
        f"/jobs/{job.pk}/plan/",
        form(
            instrument_version,
            rubric=str(rubric.pk),
            questionnaire_weight="0.25",
            interview_weight="0.75",
        ),
    )

    assert response.status_code == 302
    plan = AssessmentPlan.objects.get(job=job)
    assert plan.rubric == rubric
    assert (plan.questionnaire_weight, plan.interview_weight) == (0.25, 0.75)
    entry = AuditEvent.objects.filter(action=AuditEvent.Action.PLAN_UPDATED).last()
    assert entry.data["rubric"] == rubric.slug
    assert entry.data["interview_weight"] == 0.75
    page = client.get(f"/jobs/{job.pk}/plan/").content.decode()
    assert "The interview makes up 75 % of the overall score" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"questionnaire_weight": "0", "interview_weight": "0"}, "interview_weight"),
        ({"rubric": "", "questionnaire_weight": "0"}, "questionnaire_weight"),
        ({"interview_weight": "1.5"}, "interview_weight"),
        ({"questionnaire_weight": "many"}, "questionnaire_weight"),
        ({"rubric": "999999"}, "rubric"),
    ],
)
def test_it_refuses_part_weights_that_make_no_overall_score(
    client, job, alice, instrument_version, rubric_version, changes, field
):
    data = form(instrument_version, rubric=str(rubric_version.rubric.pk))
    data.update(changes)
    response = logged_in(client, alice).post(f"/jobs/{job.pk}/plan/", data)

    assert response.status_code == 400
    assert not AssessmentPlan.objects.filter(job=job).exists()
    assert f'id="id_{field}_error"' in response.content.decode()


def test_it_previews_a_profile_exactly_on_a_cut_in_the_upper_band(
    job, instrument_version
):
    # Importances .23/.01/.47/.18/.11 add up to 1, so "Somewhat better all
    # round" (z = +.5 on every scale, in its better direction) has
    # C = .5 x 1 = .5, exactly the default cut of "strong fit" (0.5). The
    # float sum is 0.49999999999999994; the preview must not call it "fit".
    import dataclasses

    values = plan_values(job)
    keys = [s["key"] for s in instrument_version.definition["scales"]]
    importances = dict(zip(keys, (0.23, 0.01, 0.47, 0.18, 0.11), strict=True))
    values = dataclasses.replace(values, importances=importances)
    assert values.cuts["strong_fit"] == 0.5

    somewhat_better = plan_preview(values, "en")[1]

    assert somewhat_better.composite == pytest.approx(0.5, abs=1e-12)
    assert somewhat_better.band == "strong_fit"


def test_it_writes_the_figures_in_words_with_the_pages_decimal_separator(
    client, job, alice, instrument_version
):
    logged_in(client, alice)
    client.cookies["django_language"] = "es"

    page = client.get(f"/jobs/{job.pk}/plan/", HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()

    assert 'lang="es"' in html
    assert "+0,50" in html
    assert "\u22120,50" in html
    assert "+0.50" not in html
    assert "\u22120.50" not in html
    assert preview_rows(html)[0][0] == "0,00"
