"""Adverse impact: are a job's decisions made at similar rates for every group?

A read model for the report page and the monthly alert. It counts, per job and
decision point, how many candidates of each self-identified group were decided
on and how many were selected, hides every group smaller than five (and, where
the people left out could be counted from a known total, the next smallest
group too), and hands the rest to the scoring engine's four-fifths rule with a
z test and Fisher's exact test (SCORING.md section 8).

Self-identification is read here in aggregate only; no row of it ever leaves
this module. The decision points, from the data each application already has:

- questionnaire: of the applications with a scored questionnaire, those that
  went on to the interview stage or beyond (stage interviewing, offer or hired,
  or an interview that was not cancelled) against those rejected without one;
- interview: of the applications with a completed interview, those that
  reached offer or hired against those rejected;
- hire: of the applications assessed (a scored questionnaire or a completed
  interview), those hired against those rejected.

Applications still open at that point, and those withdrawn, are not decided
there: they count on neither side.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Interview, QuestionnaireResult
from assessments.scoring.fairness import FOUR_FIFTHS, MIN_GROUP_N, adverse_impact
from hiring.errors import Invalid
from hiring.models import Application, Job, SelfIdentification, Stage
from hiring.selectors import (
    SELFID_AGGREGATES_PERMISSION,
    reports_readable,
    selfid_aggregates_require,
)

PERMISSION = SELFID_AGGREGATES_PERMISSION
# No figure is shown for a group of fewer people than this.
MIN_SHOWN = 5

QUESTIONNAIRE, INTERVIEW, HIRE = "questionnaire", "interview", "hire"
DECISION_POINTS = (QUESTIONNAIRE, INTERVIEW, HIRE)
POINT_LABELS = {
    QUESTIONNAIRE: gettext_lazy("Advanced after the questionnaire"),
    INTERVIEW: gettext_lazy("Advanced after the interview"),
    HIRE: gettext_lazy("Hired"),
}
POINT_DEFINITIONS = {
    QUESTIONNAIRE: gettext_lazy(
        "Of the candidates with a scored questionnaire, those who went on to the "
        "interview stage or beyond (stage Interviewing, Offer or Hired, or an "
        "interview that was not cancelled), against those rejected without an "
        "interview."
    ),
    INTERVIEW: gettext_lazy(
        "Of the candidates with a completed interview, those who reached Offer or "
        "Hired, against those rejected."
    ),
    HIRE: gettext_lazy(
        "Of the candidates assessed (a scored questionnaire or a completed "
        "interview), those hired, against those rejected."
    ),
}
UNDECIDED_NOTE = gettext_lazy(
    "Candidates still open at a step, and those who withdrew, were not decided "
    "there: they count on neither side."
)

_ADVANCED_PAST_QUESTIONNAIRE = frozenset({Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED})
_OFFERED = frozenset({Stage.OFFER, Stage.HIRED})
# Answers that put a candidate in no group.
_UNSTATED = frozenset({None, "", "prefer_not"})


def characteristics() -> dict[str, str]:
    """The characteristics reported on: ethnicity only where it is asked."""
    found = {
        "gender": _("Gender"),
        "age_band": _("Age band"),
    }
    if settings.CRIBA_SELF_ID_ETHNICITY:
        found["ethnicity"] = _("Ethnicity")
    return found


def _group_labels(characteristic: str) -> dict[str, str]:
    field = SelfIdentification._meta.get_field(characteristic)
    return {value: str(label) for value, label in field.choices}


# --- who may read it ------------------------------------------------------------------


def may_read_aggregates(user) -> bool:
    """Administrators and holders of ``hiring.view_selfid_aggregates`` (the rule
    is `hiring.selectors.reports_readable`)."""
    return "adverse_impact" in reports_readable(user)


def aggregates_require(user) -> None:
    selfid_aggregates_require(user=user)


# --- counting (pure) ------------------------------------------------------------------


def point_outcome(
    point: str, *, stage: str, scored: bool, interviewed: bool, completed: bool
) -> bool | None:
    """True if selected at ``point``, False if not, None if not decided there
    (not in its pool, still open, or withdrawn)."""
    if point == QUESTIONNAIRE:
        if not scored:
            return None
        if stage in _ADVANCED_PAST_QUESTIONNAIRE or interviewed:
            return True
    elif point == INTERVIEW:
        if not completed:
            return None
        if stage in _OFFERED:
            return True
    elif point == HIRE:
        if not (scored or completed):
            return None
        if stage == Stage.HIRED:
            return True
    else:
        raise ValueError(point)
    return False if stage == Stage.REJECTED else None


@dataclass
class PointCounts:
    """``groups`` maps a group to ``[selected, decided]``; ``unstated`` counts
    the decided candidates who gave no answer or preferred not to say."""

    groups: dict[str, list[int]]
    unstated: int = 0


def count_points(
    facts: Iterable[Mapping],
) -> dict[tuple[int, str], PointCounts]:
    """``{(job_id, point): PointCounts}`` from rows of ``job_id, group, stage,
    scored, interviewed, completed, n``."""
    counts: dict[tuple[int, str], PointCounts] = defaultdict(
        lambda: PointCounts(groups=defaultdict(lambda: [0, 0]))
    )
    for row in facts:
        for point in DECISION_POINTS:
            outcome = point_outcome(
                point,
                stage=row["stage"],
                scored=bool(row["scored"]),
                interviewed=bool(row["interviewed"]),
                completed=bool(row["completed"]),
            )
            if outcome is None:
                continue
            cell = counts[(row["job_id"], point)]
            if row["group"] in _UNSTATED:
                cell.unstated += row["n"]
                continue
            figures = cell.groups[row["group"]]
            figures[0] += row["n"] if outcome else 0
            figures[1] += row["n"]
    return counts


def shown_groups(
    groups: Mapping[str, Iterable[int]], *, unstated: int, minimum: int = MIN_SHOWN
) -> dict[str, tuple[int, int]]:
    """The groups whose figures may be shown: ``{group: (selected, decided)}``.

    Every group of fewer than ``minimum`` decided is hidden. Whoever knows how
    many were decided in all (the job's pipeline says it) can subtract the shown
    groups from it; so when hidden groups are among the people left out and
    these are fewer than ``minimum`` (with those who gave no answer), the next
    smallest group is hidden too, and the difference is never one small group.
    """
    groups = {key: (int(v[0]), int(v[1])) for key, v in groups.items()}
    shown = {key: value for key, value in groups.items() if value[1] >= minimum}
    hidden = [key for key, value in groups.items() if key not in shown and value[1]]
    if hidden:
        left_out = unstated + sum(groups[key][1] for key in hidden)
        while shown and 0 < left_out < minimum:
            smallest = min(shown, key=lambda key: (shown[key][1], key))
            left_out += shown.pop(smallest)[1]
    return shown


# --- the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    group: str
    label: str
    selected: int
    decided: int
    selection_rate: float | None
    impact_ratio: float | None
    below_four_fifths: bool
    is_reference: bool
    z: float | None
    z_p_value: float | None
    odds_ratio: float | None
    fisher_p_value: float | None
    small_n: bool


@dataclass(frozen=True)
class PointFigures:
    point: str
    label: str
    definition: str
    groups: tuple[GroupFigures, ...]
    # Two groups of five or more are needed to compare anything.
    comparable: bool
    reference: GroupFigures | None
    summary: tuple[str, ...]

    @property
    def flagged(self) -> tuple[GroupFigures, ...]:
        return tuple(g for g in self.groups if g.below_four_fifths)

    @property
    def small_n(self) -> bool:
        return any(g.small_n for g in self.groups)

    @property
    def decided_shown(self) -> int:
        return sum(g.decided for g in self.groups)


@dataclass(frozen=True)
class JobFigures:
    job_id: int
    title: str
    points: tuple[PointFigures, ...]

    @property
    def flagged(self) -> bool:
        return any(point.flagged for point in self.points)


@dataclass(frozen=True)
class AdverseImpactFigures:
    characteristic: str
    characteristic_label: str
    jobs: tuple[JobFigures, ...]


def _value(value) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _percent(value: float) -> str:
    return number_format(100 * value, 0) + " %"


def _summary(groups: tuple[GroupFigures, ...], reference: GroupFigures | None):
    if len(groups) >= 2 and reference is None:
        return (
            _("Nobody was selected at this step yet, so there is nothing to compare."),
        )
    if reference is None or len(groups) < 2:
        return (
            _(
                "Not enough answers to compare groups at this step: at least two "
                "groups need five or more people decided."
            ),
        )
    lines = []
    for group in groups:
        if not group.below_four_fifths:
            continue
        words = {
            "group": group.label,
            "rate": _percent(group.selection_rate or 0),
            "ratio": number_format(group.impact_ratio or 0, 2),
            "reference": reference.label,
            "reference_rate": _percent(reference.selection_rate or 0),
        }
        lines.append(
            _(
                "The group “%(group)s” was selected at %(rate)s, against "
                "%(reference_rate)s for “%(reference)s”: an impact ratio of "
                "%(ratio)s, below four fifths (0.8). Look at how this decision is "
                "made."
            )
            % words
        )
        if group.fisher_p_value is not None and group.fisher_p_value < 0.05:
            lines.append(
                _(
                    "A difference this large would be unusual by chance alone "
                    "(Fisher's p = %(p)s)."
                )
                % {"p": number_format(group.fisher_p_value, 3)}
            )
        elif group.fisher_p_value is not None:
            lines.append(
                _(
                    "With these numbers the difference could still be chance "
                    "(Fisher's p = %(p)s): keep watching as more candidates are "
                    "decided."
                )
                % {"p": number_format(group.fisher_p_value, 3)}
            )
    if not lines:
        lines.append(
            _(
                "Every group shown was selected at four fifths or more of the rate "
                "of the group selected most often."
            )
        )
    if any(group.small_n for group in groups):
        lines.append(
            _(
                "Few people: with fewer than %(n)s in a group, or few selected, one "
                "person more or less moves the ratio a lot. Read Fisher's p first."
            )
            % {"n": MIN_GROUP_N}
        )
    return tuple(lines)


def point_figures(
    point: str, counts: PointCounts | None, *, labels: Mapping[str, str]
) -> PointFigures:
    """The figures of one decision point from its counts, small groups hidden."""
    shown = shown_groups(counts.groups, unstated=counts.unstated) if counts else {}
    groups: tuple[GroupFigures, ...] = ()
    reference = None
    if len(shown) >= 2:
        # In the order of the answer choices, so every table reads alike.
        order = {value: index for index, value in enumerate(labels)}
        ordered = dict(sorted(shown.items(), key=lambda item: order.get(item[0], 99)))
        report = adverse_impact(ordered, threshold=FOUR_FIFTHS)
        groups = tuple(
            GroupFigures(
                group=impact.group,
                label=labels.get(impact.group, impact.group),
                selected=impact.selected,
                decided=impact.assessed,
                selection_rate=_value(impact.selection_rate),
                impact_ratio=_value(impact.impact_ratio),
                below_four_fifths=impact.adverse_impact,
                is_reference=impact.group == report.reference_group,
                z=impact.z,
                z_p_value=impact.z_p_value,
                odds_ratio=impact.odds_ratio,
                fisher_p_value=impact.fisher_p_value,
                small_n=impact.small_n,
            )
            for impact in report.groups
        )
        reference = next((g for g in groups if g.is_reference), None)
        if reference is not None and not reference.selected:
            # Nobody selected: every rate is 0 and no group is the reference.
            groups = tuple(replace(g, is_reference=False) for g in groups)
            reference = None
    return PointFigures(
        point=point,
        label=str(POINT_LABELS[point]),
        definition=str(POINT_DEFINITIONS[point]),
        groups=groups,
        comparable=reference is not None,
        reference=reference,
        summary=_summary(groups, reference),
    )


def _facts(characteristic: str, job_ids: list[int] | None):
    """One grouped query: how many applications per job, group, stage and the
    three facts the decision points read."""
    scored = QuestionnaireResult.objects.filter(
        invitation__application=OuterRef("pk"), is_current=True
    )
    interviews = Interview.objects.filter(application=OuterRef("pk"))
    applications = Application.objects.all()
    if job_ids is not None:
        applications = applications.filter(job_id__in=job_ids)
    return (
        applications.annotate(
            group=F(f"candidate__self_identification__{characteristic}"),
            scored=Exists(scored),
            interviewed=Exists(interviews.exclude(status=Interview.Status.CANCELLED)),
            completed=Exists(interviews.filter(status=Interview.Status.COMPLETE)),
        )
        .values("job_id", "group", "stage", "scored", "interviewed", "completed")
        .annotate(n=Count("id"))
        .order_by()
    )


def adverse_impact_figures(
    *, characteristic: str, jobs: Iterable[Job]
) -> AdverseImpactFigures:
    """The figures of every decision point of ``jobs`` for one characteristic.

    Two queries whatever the number of jobs and candidates. No permission check:
    callers are the page (after ``aggregates_require``) and the monthly alert.
    """
    names = characteristics()
    if characteristic not in names:
        raise Invalid(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": characteristic, "allowed": ", ".join(names)},
            code="unknown_characteristic",
            fields={
                "characteristic": [_("Choose one of the offered characteristics.")]
            },
        )
    jobs = list(jobs)
    counts = count_points(_facts(characteristic, [job.pk for job in jobs]))
    labels = _group_labels(characteristic)
    return AdverseImpactFigures(
        characteristic=characteristic,
        characteristic_label=names[characteristic],
        jobs=tuple(
            JobFigures(
                job_id=job.pk,
                title=job.title,
                points=tuple(
                    point_figures(point, counts.get((job.pk, point)), labels=labels)
                    for point in DECISION_POINTS
                ),
            )
            for job in jobs
        ),
    )


@dataclass(frozen=True)
class ReportFilters:
    job: int | None = None
    characteristic: str = "gender"

    @classmethod
    def from_query(cls, data) -> ReportFilters:
        """Read the query string; an unknown value is a 400 naming the parameter."""
        problems = {}
        characteristic = (data.get("characteristic") or "gender").strip()
        if characteristic not in characteristics():
            problems["characteristic"] = [
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": characteristic, "allowed": ", ".join(characteristics())}
            ]
        raw_job = (data.get("job") or "").strip()
        job = None
        if raw_job:
            if raw_job.isascii() and raw_job.isdigit() and int(raw_job) < 2**31:
                job = int(raw_job)
            else:
                problems["job"] = [_("Choose a job from the list.")]
        if problems:
            raise Invalid(
                _("The filters of the report are not valid: %(names)s.")
                % {"names": ", ".join(problems)},
                code="bad_filter",
                fields=problems,
            )
        return cls(job=job, characteristic=characteristic)


@dataclass(frozen=True)
class AdverseImpactPage:
    filters: ReportFilters
    job_choices: tuple[tuple[int, str], ...]
    characteristic_choices: tuple[tuple[str, str], ...]
    figures: AdverseImpactFigures


def adverse_impact_page(*, user, filters: ReportFilters) -> AdverseImpactPage:
    """The report page for ``user``: administrators and holders of the
    permission only (Forbidden otherwise, whatever their roles on jobs). Every
    job, or the one chosen; a job that does not exist is a 400 on ``job``."""
    aggregates_require(user)
    all_jobs = list(Job.objects.only("pk", "title").order_by("title", "id"))
    if filters.job is None:
        jobs = all_jobs
    else:
        jobs = [job for job in all_jobs if job.pk == filters.job]
        if not jobs:
            raise Invalid(
                _("The filters of the report are not valid: %(names)s.")
                % {"names": "job"},
                code="bad_filter",
                fields={"job": [_("Choose a job from the list.")]},
            )
    return AdverseImpactPage(
        filters=filters,
        job_choices=tuple((job.pk, job.title) for job in all_jobs),
        characteristic_choices=tuple(characteristics().items()),
        figures=adverse_impact_figures(
            characteristic=filters.characteristic, jobs=jobs
        ),
    )
