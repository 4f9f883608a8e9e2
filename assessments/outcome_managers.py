"""The manager and team report: turnover and quota against what was predicted.

Two models are fitted over every hire with the composite and the outcome (of
the job filtered, or of all jobs): a logistic regression of leaving by day 90 on
the questionnaire composite, and a linear regression of mean quota attainment
on the composite. For each manager and each team, the observed leavers are set
against the exact Poisson-binomial distribution of the number of leavers the
hires' predicted probabilities imply, and the mean quota against the linear
prediction (``assessments.scoring.outcomes``). A group that loses more hires
than its hires' assessments predicted (observed above the 95 % range) is
flagged. The flag describes the data, not its cause (management, territory,
market, chance): the page says so, and leaves the reading to a person who knows
the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils.translation import gettext as _

from assessments.outcome_validity import (
    HireData,
    hire_data,
    outcome_job,
    outcome_report_read_record,
)
from assessments.scoring.errors import ScoringInputError
from assessments.scoring.outcomes import (
    MIN_MODEL_N,
    SMALL_GROUP_N,
    ModelFit,
    QuotaCheck,
    TurnoverCheck,
    linear_fit,
    logistic_fit,
    quota_check,
    turnover_check,
)
from hiring.models import Job
from hiring.selectors import outcome_reports_require

GOOD_BANDS = frozenset({"strong_fit", "fit"})


@dataclass(frozen=True)
class GroupRow:
    """One manager or team. ``turnover`` and ``quota`` are ``None`` when the
    model could not be fitted or the group has no hire with the figures."""

    name: str
    hires: int
    turnover: TurnoverCheck | None
    quota: QuotaCheck | None
    good_hires_left: int

    @property
    def flagged(self) -> bool:
        return bool(self.turnover and self.turnover.more_than_predicted)


@dataclass(frozen=True)
class ManagerReport:
    job: Job | None
    today: date
    hires: int
    retention_n: int
    quota_n: int
    retention_fit: ModelFit | None
    quota_fit: ModelFit | None
    managers: tuple[GroupRow, ...]
    teams: tuple[GroupRow, ...]
    min_model_n: int = MIN_MODEL_N
    small_group_n: int = SMALL_GROUP_N

    @property
    def flagged(self) -> list[GroupRow]:
        return [row for row in (*self.managers, *self.teams) if row.flagged]


def _fit(fit_function, composite, outcome) -> ModelFit | None:
    known = ~np.isnan(composite) & ~np.isnan(outcome)
    if known.sum() < MIN_MODEL_N:
        return None
    try:
        fit = fit_function(composite[known], outcome[known])
    except (ScoringInputError, np.linalg.LinAlgError):
        return None
    return fit if fit.converged else None


def _groups(
    names: list[str],
    data: HireData,
    left: np.ndarray,
    p_leave: np.ndarray | None,
    quota_fit: ModelFit | None,
    good: np.ndarray,
) -> tuple[GroupRow, ...]:
    """One row per distinct name; members found through integer codes, so the
    cost is one pass per group over small integer arrays."""
    labels, codes = np.unique(np.asarray(names, dtype=str), return_inverse=True)
    composite = data.composite
    at_90 = ~np.isnan(composite) & ~np.isnan(left)
    with_quota = ~np.isnan(composite) & ~np.isnan(data.quota)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(labels.size + 1))
    rows = []
    for code, name in enumerate(labels.tolist()):
        member = order[bounds[code] : bounds[code + 1]]
        turnover = quota = None
        retained = member[at_90[member]]
        if p_leave is not None and retained.size:
            turnover = turnover_check(left[retained], p_leave[retained])
        quota_members = member[with_quota[member]]
        if quota_fit is not None and quota_members.size:
            quota = quota_check(
                data.quota[quota_members], composite[quota_members], quota_fit
            )
        rows.append(
            GroupRow(
                name=name or _("(no team recorded)"),
                hires=int(member.size),
                turnover=turnover,
                quota=quota,
                good_hires_left=int((good[member] & (left[member] == 1)).sum()),
            )
        )
    rows.sort(key=lambda row: (row.name == _("(no team recorded)"), row.name.lower()))
    return tuple(rows)


def manager_report_build(data: HireData, *, job: Job | None, today: date):
    """The figures of the manager report from ``data`` (no queries)."""
    left = 1.0 - data.employed_90  # NaN stays NaN: checkpoint not yet come
    retention_fit = _fit(logistic_fit, data.composite, left)
    quota_fit = _fit(linear_fit, data.composite, data.quota)
    p_leave = retention_fit.predict(data.composite) if retention_fit else None
    good = np.isin(data.band.astype(str), sorted(GOOD_BANDS))
    return ManagerReport(
        job=job,
        today=today,
        hires=data.n,
        retention_n=int((~np.isnan(data.composite) & ~np.isnan(left)).sum()),
        quota_n=int((~np.isnan(data.composite) & ~np.isnan(data.quota)).sum()),
        retention_fit=retention_fit,
        quota_fit=quota_fit,
        managers=_groups(data.manager_names, data, left, p_leave, quota_fit, good),
        teams=_groups(data.teams, data, left, p_leave, quota_fit, good),
    )


def manager_report(*, user, today: date, job_id: int | None = None, language="en"):
    """The manager and team report, for administrators and holders of the
    outcome reports permission; audited like every report read."""
    outcome_reports_require(user=user)
    job = outcome_job(job_id)
    outcome_report_read_record(user=user, job=job, report="managers")
    data = hire_data(today=today, job=job, language=language)
    return manager_report_build(data, job=job, today=today)
