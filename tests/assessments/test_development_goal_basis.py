"""Why a goal was chosen, with its figure written as the hire's language writes it."""

from django.utils import translation

from assessments.development import goal_basis
from assessments.scoring.development import COMPETENCY, Area, Choice

LOW_ACCOUNTABILITY = Choice(area=Area(source=COMPETENCY, key="acc", value=2.5), rank=1)


def test_it_writes_the_interview_figure_with_a_point_in_english():
    with translation.override("en"):
        basis = goal_basis(LOW_ACCOUNTABILITY, "Accountability")

    assert basis.startswith("Accountability: 2.5 of 5 at interview")


def test_it_writes_the_interview_figure_with_a_comma_in_spanish():
    with translation.override("es"):
        basis = goal_basis(LOW_ACCOUNTABILITY, "Responsabilidad")

    assert basis.startswith("Responsabilidad: 2,5 de 5 en la entrevista")
