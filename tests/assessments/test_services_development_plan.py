"""Generating a hire's development plan: the areas chosen (direction included),
why, the texts in the hire's language, the check-in dates, and a second
generation refused unless it replaces the first."""

import datetime

import pytest

from assessments.development import (
    development_check_in_update,
    development_plan_generate,
)
from assessments.models import DevelopmentPlan
from assessments.tokens import plan_token_derive, token_hash
from hiring.errors import Conflict, Invalid
from hiring.models import AuditEvent, Stage
from tests.factories import ApplicationFactory, HireOutcomeFactory
from tests.factories.development import (
    COMPETENCY_MEANS,
    hire_for,
    interview_for,
    questionnaire_for,
)

TODAY = datetime.date(2026, 3, 2)


def test_it_chooses_the_least_favourable_scale_by_direction_and_the_lowest_competency(
    job, alice
):
    hire = hire_for(job)

    plan = development_plan_generate(application=hire, user=alice, today=TODAY)

    goals = list(plan.goals.all())
    # Negativity T 66 is high on a lower-is-better scale (oriented z -1.6), below
    # accountability 2.0 of 5 (-1.0) and coachability T 41 (-0.9); the
    # coachability competency (2.5) would repeat the scale's goal.
    assert [(g.position, g.source, g.key) for g in goals] == [
        (1, "scale", "negativity_blame"),
        (2, "competency", "accountability"),
        (3, "scale", "coachability"),
    ]
    assert goals[0].basis == (
        "Negativity and blame: T 66, the least favourable of this hire's scales "
        "(on this scale, lower is better)"
    )
    assert goals[1].basis == (
        "Accountability: 2.0 of 5 at interview, the lowest of this hire's "
        "interview competencies"
    )
    assert goals[2].basis == (
        "Coachability: T 41, the second lowest of this hire's scales"
    )
    assert goals[2].title == "Turn feedback into one change a week"
    assert goals[2].text.startswith("Choose one recorded call or meeting")
    assert goals[2].check_in_text.startswith("Ask which changes were tried")


def test_it_copies_the_texts_in_the_hires_preferred_language(job, alice):
    hire = hire_for(job, language="es")

    plan = development_plan_generate(application=hire, user=alice, today=TODAY)

    coachability = plan.goals.get(key="coachability")
    assert plan.language == "es"
    assert coachability.title == (
        "Convertir la retroalimentación en un cambio por semana"
    )
    assert coachability.text.startswith("Elegir cada semana una llamada")
    # The scale's name from the definition; the sentence from the catalogue.
    assert coachability.basis.startswith("Disposición a aprender: T 41, ")


def test_it_dates_the_check_ins_from_the_start_date(job, alice):
    hire = hire_for(job)
    HireOutcomeFactory(application=hire, start_date=datetime.date(2026, 1, 5))

    plan = development_plan_generate(application=hire, user=alice, today=TODAY)

    assert [(c.day, c.due_on) for c in plan.check_ins.all()] == [
        (30, datetime.date(2026, 2, 4)),
        (60, datetime.date(2026, 3, 6)),
        (90, datetime.date(2026, 4, 5)),
    ]


def test_it_dates_the_check_ins_from_the_plan_date_without_an_outcome(job, alice):
    hire = hire_for(job)

    plan = development_plan_generate(application=hire, user=alice, today=TODAY)

    assert [c.due_on for c in plan.check_ins.all()] == [
        datetime.date(2026, 4, 1),
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 31),
    ]


def test_it_refuses_a_second_plan_unless_told_to_replace_it(job, alice):
    hire = hire_for(job)
    first = development_plan_generate(application=hire, user=alice, today=TODAY)
    first_hash = first.token_hash

    with pytest.raises(Conflict) as error:
        development_plan_generate(application=hire, user=alice, today=TODAY)
    assert error.value.code == "plan_exists"
    assert DevelopmentPlan.objects.get().pk == first.pk

    second = development_plan_generate(
        application=hire, user=alice, replace=True, today=TODAY
    )

    assert DevelopmentPlan.objects.get().pk == second.pk
    assert second.token_hash != first_hash
    events = AuditEvent.objects.filter(action="development_plan.generated")
    assert [e.data["replaced"] for e in events.order_by("id")] == [False, True]
    assert events.first().actor == alice


def test_it_stores_the_hash_of_a_derived_token_never_the_token(job, alice):
    plan = development_plan_generate(application=hire_for(job), user=alice, today=TODAY)

    token = plan_token_derive(plan.token_salt)
    assert plan.token_hash == token_hash(token)
    assert token not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_it_plans_only_for_a_hire(job, alice):
    application = ApplicationFactory(job=job, stage=Stage.OFFER)
    questionnaire_for(application)

    with pytest.raises(Conflict) as error:
        development_plan_generate(application=application, user=alice)

    assert error.value.code == "not_hired"


def test_it_needs_a_result_to_base_the_plan_on(job, alice):
    hire = hire_for(job, results=False)
    questionnaire_for(hire, validity_status="invalid")

    with pytest.raises(Invalid) as error:
        development_plan_generate(application=hire, user=alice)

    assert error.value.code == "no_results"
    assert not DevelopmentPlan.objects.exists()


def test_it_plans_from_the_interview_alone_when_the_questionnaire_is_invalid(
    job, alice
):
    hire = hire_for(job, results=False)
    questionnaire_for(hire, validity_status="invalid")
    interview_for(hire)

    plan = development_plan_generate(application=hire, user=alice)

    assert {g.source for g in plan.goals.all()} == {"competency"}
    assert plan.goals.first().key == "accountability"


def test_it_skips_missing_scales(job, alice):
    hire = hire_for(job, results=False)
    questionnaire_for(
        hire,
        {
            "self_discipline": None,
            "achievement_drive": 58.0,
            "coachability": 45.0,
            "resilience_to_rejection": 60.0,
            "negativity_blame": 44.0,
        },
    )

    plan = development_plan_generate(application=hire, user=alice)

    # Negativity T 44 is favourable (+0.6) but less so than drive T 58 (+0.8).
    assert [g.key for g in plan.goals.all()] == ["coachability", "negativity_blame"]


def test_it_keeps_check_in_notes_and_the_day_held(job, alice):
    plan = development_plan_generate(application=hire_for(job), user=alice, today=TODAY)
    check_in = plan.check_ins.get(day=30)

    development_check_in_update(
        check_in=check_in,
        user=alice,
        notes="Kept four of five prospecting blocks.",
        held_on=datetime.date(2026, 2, 3),
    )

    check_in.refresh_from_db()
    assert check_in.notes == "Kept four of five prospecting blocks."
    assert check_in.done_at.date() == datetime.date(2026, 2, 3)
    assert check_in.done_by == alice
    event = AuditEvent.objects.get(action="development_plan.check_in_updated")
    assert event.data == {"day": 30, "held": True}
    assert "prospecting" not in str(event.data)


def test_it_refuses_a_check_in_held_in_the_future(job, alice):
    plan = development_plan_generate(application=hire_for(job), user=alice)

    with pytest.raises(Invalid) as error:
        development_check_in_update(
            check_in=plan.check_ins.get(day=60),
            user=alice,
            notes="",
            held_on=datetime.date.today() + datetime.timedelta(days=3),
        )

    assert "held_on" in error.value.fields


def test_the_hires_export_holds_the_plan_and_erasure_deletes_it(job, alice, admin_user):
    from assessments.privacy.erasure import candidate_erase
    from assessments.privacy.export import development_plans_section

    hire = hire_for(job)
    plan = development_plan_generate(application=hire, user=alice, today=TODAY)
    development_check_in_update(
        check_in=plan.check_ins.get(day=30),
        user=alice,
        notes="Talked about the lost deal.",
        held_on=TODAY,
    )

    [exported] = development_plans_section(hire.candidate)
    assert exported["check_ins"][0]["notes"] == "Talked about the lost deal."
    assert len(exported["goals"]) == 3

    erasure = candidate_erase(candidate=hire.candidate, actor=admin_user)

    assert erasure.counts["development_plans"] == 1
    assert not DevelopmentPlan.objects.exists()


def test_it_writes_an_interview_figure_with_the_plans_decimal_separator(job, alice):
    hire = hire_for(job, language="es", results=False)
    interview_for(hire, {**COMPETENCY_MEANS, "accountability": 2.5})

    plan = development_plan_generate(application=hire, user=alice)

    bases = [goal.basis for goal in plan.goals.all()]
    assert any("2,5 de 5" in basis for basis in bases), bases
    assert not any("2.5" in basis for basis in bases), bases
