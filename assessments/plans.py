"""A job's assessment plan: which questionnaire version, in which language, how
the scales weigh in the composite, where the bands begin, how long a link works;
and a preview of how illustrative profiles would band under it.

`assessment_plan_save` is the one write; `plan_setup` and `plan_preview` are its
read models. The composite and the bands are the scoring engine's own functions,
so the preview is exactly what scoring will do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments.definitions import instrument_spec
from assessments.labels import band_label
from assessments.models import AssessmentPlan, Instrument, InstrumentVersion, Rubric
from assessments.scoring import ScoringInputError
from assessments.scoring.composite import band_label as engine_band
from assessments.scoring.composite import check_bands, composite_score, plan_weights
from hiring.errors import Invalid
from hiring.models import AuditEvent, Job
from hiring.services import audit_record

# The bands a plan sets, from the highest down; the last one has no lower bound.
BAND_KEYS = ("strong_fit", "fit", "borderline", "not_recommended")
CUT_KEYS = BAND_KEYS[:-1]


def minus(text: str) -> str:
    """The typographic minus sign (U+2212) in place of a hyphen-minus."""
    return text.replace("-", "\u2212")


def decimal(value: float, places: int = 2) -> str:
    """A figure for the page, with the active language's decimal separator
    ("0.20" in English, "0,20" in Spanish)."""
    return number_format(value, places)


def signed(value: float, places: int = 2) -> str:
    """``decimal`` with its sign: a plus on positive figures, a typographic minus."""
    if not value:
        return decimal(0, places)
    return minus(("+" if value > 0 else "-") + decimal(abs(value), places))


@dataclass(frozen=True)
class PlanScale:
    key: str
    name: str
    higher_is_better: bool
    # The weight's size: how much the scale counts; its sign follows the direction.
    importance: float
    meaning: str


@dataclass(frozen=True)
class PlanCut:
    band: str
    label: str
    bound: float
    meaning: str


@dataclass(frozen=True)
class ProfilePreview:
    name: str
    description: str
    composite: float
    composite_text: str
    band: str
    band_label: str


@dataclass(frozen=True)
class PlanValues:
    """A plan as the form edits it (saved or not)."""

    version: InstrumentVersion
    language: str
    importances: dict[str, float]
    cuts: dict[str, float]
    invitation_days: int
    # The structured interview's guide, and how the two parts weigh in the
    # application's overall score (only their ratio matters).
    rubric: Rubric | None = None
    questionnaire_weight: float = 0.5
    interview_weight: float = 0.5

    def weights(self) -> dict[str, float]:
        directions = {
            s["key"]: s.get("higher_is_better", True)
            for s in self.version.definition["scales"]
        }
        return {
            key: (value if directions[key] else -value)
            for key, value in self.importances.items()
            if value
        }

    def bands(self) -> list[tuple[float, str]]:
        return [(self.cuts[key], key) for key in CUT_KEYS] + [
            (-math.inf, BAND_KEYS[-1])
        ]


def cut_meaning(bound: float) -> str:
    """What a cut score on the composite means, in words."""
    size = abs(bound)
    if size < 0.005:
        return _(
            "a composite of at least 0: on balance at least as good as the average "
            "of the norm group on the weighted scales"
        )
    if bound > 0:
        return _(
            "a composite of at least %(bound)s: on balance %(size)s standard "
            "deviations or more better than the norm group's average on the "
            "weighted scales"
        ) % {"bound": signed(bound), "size": decimal(size)}
    return _(
        "a composite of at least %(bound)s: on balance no more than %(size)s "
        "standard deviations worse than the norm group's average on the weighted "
        "scales"
    ) % {"bound": signed(bound), "size": decimal(size)}


def _importance_meaning(importance: float, higher_is_better: bool) -> str:
    if not importance:
        return _("Not counted in the composite.")
    if higher_is_better:
        return _(
            "One standard deviation above average on this scale adds %(w)s to the "
            "composite."
        ) % {"w": decimal(importance)}
    return _(
        "Lower is better: one standard deviation above average on this scale takes "
        "%(w)s off the composite."
    ) % {"w": decimal(importance)}


def _defaults(version: InstrumentVersion) -> tuple[dict[str, float], dict[str, float]]:
    defaults = version.definition.get("plan_defaults") or {}
    importances = {
        key: abs(float(value)) for key, value in (defaults.get("weights") or {}).items()
    }
    cuts = {
        label: float(bound)
        for bound, label in defaults.get("bands") or []
        if bound is not None and label in CUT_KEYS
    }
    for key, bound in zip(CUT_KEYS, (0.5, 0.0, -0.5), strict=True):
        cuts.setdefault(key, bound)
    return importances, cuts


def plan_values(job: Job) -> PlanValues | None:
    """The job's plan as the form edits it; the instrument's defaults when the job
    has none yet. None when no questionnaire is loaded."""
    plan = (
        AssessmentPlan.objects.filter(job=job)
        .select_related("instrument", "instrument_version", "rubric")
        .first()
    )
    if plan is not None:
        version = plan.instrument_version or plan.instrument.latest_version()
    else:
        instrument = Instrument.objects.order_by("slug").first()
        version = instrument.latest_version() if instrument else None
    if version is None:
        return None
    importances, cuts = _defaults(version)
    if plan is not None and plan.scale_weights:
        importances = {k: abs(float(v)) for k, v in plan.scale_weights.items()}
    if plan is not None and plan.bands:
        saved = {
            label: float(bound)
            for bound, label in plan.bands
            if bound is not None and label in CUT_KEYS
        }
        cuts = {**cuts, **saved}
    return PlanValues(
        version=version,
        language=plan.language if plan else "",
        importances=importances,
        cuts=cuts,
        invitation_days=plan.invitation_days
        if plan
        else settings.CRIBA_INVITATION_DAYS,
        rubric=plan.rubric if plan else Rubric.objects.order_by("slug").first(),
        questionnaire_weight=plan.questionnaire_weight if plan else 0.5,
        interview_weight=plan.interview_weight if plan else 0.5,
    )


def plan_check(values: PlanValues) -> dict[str, list[str]]:
    """The problems of a plan by form field; empty when it can be saved."""
    problems: dict[str, list[str]] = {}
    if not any(values.importances.values()):
        problems["weights"] = [_("Give at least one scale a weight above 0.")]
    spec = instrument_spec(values.version.definition)
    try:
        plan_weights(spec, values.weights())
    except ScoringInputError as error:
        problems.setdefault("weights", []).append(str(error))
    try:
        check_bands(values.bands())
    except ScoringInputError:
        problems["cuts"] = [
            _(
                "Each band must begin above the next one: strong fit above fit, "
                "fit above borderline."
            )
        ]
    if values.language and values.language not in values.version.languages:
        problems["language"] = [_("This questionnaire is not offered in it.")]
    if not 1 <= values.invitation_days <= 365:
        problems["invitation_days"] = [_("Between 1 and 365 days.")]
    for name in ("questionnaire_weight", "interview_weight"):
        if not 0 <= getattr(values, name) <= 1:
            problems[name] = [_("Between 0 and 1.")]
    if values.rubric is None and values.questionnaire_weight <= 0:
        problems["questionnaire_weight"] = [
            _("Without an interview, the questionnaire must count.")
        ]
    elif values.questionnaire_weight <= 0 and values.interview_weight <= 0:
        problems["interview_weight"] = [
            _("At least one of the questionnaire and the interview must count.")
        ]
    return problems


def plan_parts_meaning(values: PlanValues) -> str:
    """How the questionnaire and the interview combine, in words."""
    if values.rubric is None or values.interview_weight <= 0:
        return _("The overall score is the questionnaire's composite alone.")
    if values.questionnaire_weight <= 0:
        return _("The overall score is the interview's score alone.")
    share = values.interview_weight / (
        values.questionnaire_weight + values.interview_weight
    )
    return _(
        "The interview makes up %(interview)s %% of the overall score and the "
        "questionnaire %(questionnaire)s %%; when only one of them is in, the "
        "overall score is that one alone."
    ) % {
        "interview": f"{100 * share:.0f}",
        "questionnaire": f"{100 * (1 - share):.0f}",
    }


def plan_scales(values: PlanValues, language: str) -> list[PlanScale]:
    return [
        PlanScale(
            key=scale["key"],
            name=values.version.scale_name(scale["key"], language),
            higher_is_better=scale.get("higher_is_better", True),
            importance=values.importances.get(scale["key"], 0.0),
            meaning=_importance_meaning(
                values.importances.get(scale["key"], 0.0),
                scale.get("higher_is_better", True),
            ),
        )
        for scale in values.version.definition["scales"]
    ]


def plan_cuts(values: PlanValues) -> list[PlanCut]:
    return [
        PlanCut(
            band=key,
            label=band_label(key),
            bound=values.cuts[key],
            meaning=cut_meaning(values.cuts[key]),
        )
        for key in CUT_KEYS
    ]


def plan_preview(values: PlanValues, language: str) -> list[ProfilePreview]:
    """How illustrative profiles would band under the plan, computed with the
    engine's composite (C = sum of w_i z_i) and bands; empty if the plan is not
    valid."""
    if plan_check(values):
        return []
    spec = instrument_spec(values.version.definition)
    weights = plan_weights(spec, values.weights())
    better = np.array([1.0 if s.higher_is_better else -1.0 for s in spec.scales])
    names = [values.version.scale_name(s.key, language) for s in spec.scales]
    order = np.argsort(-np.abs(weights), kind="stable")
    first, second = int(order[0]), int(order[1]) if len(order) > 1 else int(order[0])
    mixed = np.zeros(len(better))
    mixed[first] = better[first]
    mixed[second] = -better[second]
    profiles = [
        (
            _("Average on every scale"),
            _("Like the average of the norm group everywhere."),
            np.zeros(len(better)),
        ),
        (
            _("Somewhat better all round"),
            _("Half a standard deviation better than average on every scale."),
            0.5 * better,
        ),
        (
            _("Clearly better all round"),
            _("One standard deviation better than average on every scale."),
            1.0 * better,
        ),
        (
            _("Somewhat weaker all round"),
            _("Half a standard deviation worse than average on every scale."),
            -0.5 * better,
        ),
        (
            _("Uneven"),
            _(
                "One standard deviation better on %(strong)s, one worse on "
                "%(weak)s, average elsewhere."
            )
            % {"strong": names[first], "weak": names[second]},
            mixed,
        ),
    ]
    z = np.array([profile for _name, _text, profile in profiles])
    composites = composite_score(z, weights)
    bands = values.bands()
    previews = []
    for (name, text, _profile), composite in zip(profiles, composites, strict=True):
        key = engine_band(float(composite), bands) or ""
        previews.append(
            ProfilePreview(
                name=name,
                description=text,
                composite=float(composite),
                composite_text=signed(float(composite)),
                band=key,
                band_label=band_label(key) if key else "",
            )
        )
    return previews


@transaction.atomic
def assessment_plan_save(*, job: Job, user, values: PlanValues) -> AssessmentPlan:
    """Save the job's plan; audited. Results already scored keep the plan they were
    scored under until they are rescored."""
    problems = plan_check(values)
    if problems:
        raise Invalid(
            _("The plan cannot be saved as it is."), code="bad_plan", fields=problems
        )
    stored_bands = [
        [None if math.isinf(bound) else bound, label] for bound, label in values.bands()
    ]
    plan, created = AssessmentPlan.objects.select_for_update().update_or_create(
        job=job,
        defaults={
            "instrument": values.version.instrument,
            "instrument_version": values.version,
            "language": values.language,
            "scale_weights": values.weights(),
            "bands": stored_bands,
            "invitation_days": values.invitation_days,
            "rubric": values.rubric,
            "questionnaire_weight": values.questionnaire_weight,
            "interview_weight": values.interview_weight,
        },
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.PLAN_UPDATED,
        obj=plan,
        job=job,
        data={
            "created": created,
            "version": str(values.version),
            "language": values.language,
            "weights": values.weights(),
            "bands": stored_bands,
            "invitation_days": values.invitation_days,
            "rubric": values.rubric.slug if values.rubric else None,
            "questionnaire_weight": values.questionnaire_weight,
            "interview_weight": values.interview_weight,
        },
    )
    return plan
