"""Read models of the interview pages: the kit, the scorecard and the debrief.

Each takes an ``InterviewAccess`` (the independence rule has been applied) and
returns plain dataclasses in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from assessments.interview_selectors import (
    InterviewAccess,
    interview_result,
    panel_scorecards,
    panel_status,
)
from assessments.labels import (
    band_label,
    interview_flag_label,
    interview_state_label,
    recommendation_label,
)
from assessments.models import InterviewResult, QuestionnaireResult, Scorecard
from hiring.models import Capability


def _text(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("en") or ""


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]


@dataclass(frozen=True)
class Anchor:
    rating: int
    text: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: str
    follow_ups: list[str]


@dataclass(frozen=True)
class CompetencyGuide:
    key: str
    name: str
    description: str
    weight: float
    questions: list[Question]
    anchors: dict[int, str]
    development: str

    @property
    def scale(self) -> list[Anchor]:
        """1..5 with the written anchor of each level ('' for 2 and 4)."""
        return [Anchor(r, self.anchors.get(r, "")) for r in range(1, 6)]


def rubric_guide(
    definition: dict, language: str | None = None
) -> list[CompetencyGuide]:
    language = _language(language)
    return [
        CompetencyGuide(
            key=c["key"],
            name=_text(c["name"], language),
            description=_text(c["description"], language),
            weight=c["weight"],
            questions=[
                Question(
                    key=q["key"],
                    kind=q["kind"],
                    text=_text(q["text"], language),
                    follow_ups=[_text(f, language) for f in q["follow_ups"]],
                )
                for q in c["questions"]
            ],
            anchors={int(r): _text(t, language) for r, t in c["anchors"].items()},
            development=_text(c["development"], language),
        )
        for c in definition["competencies"]
    ]


@dataclass(frozen=True)
class CompetencyRow:
    """One competency of the debrief: its aggregate and each scorecard's rating."""

    guide: CompetencyGuide
    mean: float | None
    r_wg: float | None
    spread: float | None
    flags: list[str]
    cells: list[dict]  # per scorecard: {"rating", "evidence"}

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class Debrief:
    access: InterviewAccess
    guide: list[CompetencyGuide]
    scorecards: list[Scorecard]
    panel: list[dict]
    result: InterviewResult | None
    rows: list[CompetencyRow]
    state_label: str
    recommendations: list[tuple[str, int]]
    questionnaire: QuestionnaireResult | None
    questionnaire_band_label: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def questionnaire_invalid(self) -> bool:
        """The answers were judged invalid: no composite or band is shown."""
        return (
            self.questionnaire is not None
            and self.questionnaire.validity_status == "invalid"
        )

    @property
    def submitted_count(self) -> int:
        return sum(1 for seat in self.panel if seat["submitted"])

    @property
    def missing_count(self) -> int:
        return len(self.panel) - self.submitted_count

    @property
    def agreement_judged(self) -> bool:
        """Agreement needs two scorecards: one interviewer always agrees with
        themself, so "no flag" would say nothing."""
        return self.submitted_count >= 2

    @property
    def flagged_rows(self) -> list[CompetencyRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def agreed_rows(self) -> list[CompetencyRow]:
        return [row for row in self.rows if not row.flagged]


def _latest(scorecard: Scorecard):
    versions = list(scorecard.versions.all())
    return versions[-1] if versions else None


def interview_debrief(
    *, access: InterviewAccess, language: str | None = None
) -> Debrief:
    """Scorecards side by side with flagged competencies first, in the order of
    least agreement, and the questionnaire result beside (for readers of results).
    Empty of others' ratings when ``access`` may not see the panel."""
    interview = access.interview
    guide = rubric_guide(interview.rubric_version.definition, language)
    scorecards = panel_scorecards(access=access)
    result = interview_result(access=access)
    latest = [_latest(card) for card in scorecards]
    aggregate = {
        c["key"]: c for c in (result.aggregate["competencies"] if result else [])
    }
    order = result.aggregate.get("flagged", []) if result else []
    rows = []
    for competency in guide:
        data = aggregate.get(competency.key, {})
        rows.append(
            CompetencyRow(
                guide=competency,
                mean=data.get("mean"),
                r_wg=data.get("r_wg"),
                spread=data.get("range"),
                flags=[interview_flag_label(f) for f in data.get("flags", [])],
                cells=[
                    {
                        "who": card.interviewer.get_full_name()
                        or card.interviewer.get_username(),
                        "rating": v.ratings.get(competency.key) if v else None,
                        "evidence": v.evidence.get(competency.key, "") if v else "",
                    }
                    for card, v in zip(scorecards, latest, strict=True)
                ],
            )
        )
    rank = {key: i for i, key in enumerate(order)}
    rows.sort(key=lambda row: (rank.get(row.guide.key, len(rank)),))
    questionnaire = None
    if access.sees_panel and Capability.VIEW_RESULTS in access.capabilities:
        questionnaire = (
            QuestionnaireResult.objects.filter(
                invitation__application_id=interview.application_id, is_current=True
            )
            .order_by("-created_at", "-id")
            .first()
        )
    counts = result.aggregate.get("recommendations", {}) if result else {}
    return Debrief(
        access=access,
        guide=guide,
        scorecards=scorecards,
        panel=panel_status(access=access),
        result=result,
        rows=rows,
        state_label=interview_state_label(result.state) if result else "",
        recommendations=[
            (recommendation_label(key), count) for key, count in counts.items() if count
        ],
        questionnaire=questionnaire,
        questionnaire_band_label=band_label(questionnaire.band)
        if questionnaire
        and questionnaire.band
        and questionnaire.validity_status != "invalid"
        else "",
    )
