"""The criterion validity report: how well the assessments predicted outcomes.

Predictors are each questionnaire scale (the T score of the hire's current
result for the application), the questionnaire composite and the interview
score (mean of the application's interview results, cancelled interviews left
out); criteria are being employed at 90 and at 180 days (hires whose checkpoint
has not come are left out of that criterion), the performance rating and the
mean quota attainment. The figures come from ``assessments.scoring.outcomes``
(SCORING.md section 8); this module only reads the data, in a fixed number of
queries whatever the number of hires (``hire_data``), and shapes the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Avg, Count, F, FloatField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.labels import band_label
from assessments.models import (
    InstrumentVersion,
    Interview,
    InterviewResult,
    QuestionnaireResult,
)
from assessments.scoring.outcomes import (
    MIN_VALIDITY_N,
    ExpectancyRow,
    ValidityCell,
    expectancy_table,
    validity_matrix,
)
from assessments.scoring.version import INTERVIEW_SCORING_VERSION
from hiring.errors import NotFound
from hiring.models import AuditEvent, HireOutcome, Job, QuotaAttainment
from hiring.selectors import outcome_reports_require
from hiring.services import audit_record

# The validity status whose results carry no composite, band or score anywhere.
INVALID = "invalid"

BAND_ORDER = ("strong_fit", "fit", "borderline", "not_recommended")

CRITERIA = (
    ("employed_90", gettext_lazy("Employed at 90 days"), True),
    ("employed_180", gettext_lazy("Employed at 180 days"), True),
    ("performance", gettext_lazy("Performance rating (1 to 5)"), False),
    ("quota", gettext_lazy("Mean quota attainment (%)"), False),
)


def outcome_report_read_record(*, user, job: Job | None, report: str) -> None:
    """Audit a read of an outcome report (``report.viewed``): on the job when the
    report is filtered to one, else on the reader's own account."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=job if job is not None else user,
        job=job,
        data={"report": report, "job": job.pk if job is not None else None},
    )


def outcome_jobs() -> list[Job]:
    """Jobs with at least one recorded hire outcome, for the job filter."""
    return list(
        Job.objects.filter(
            pk__in=HireOutcome.objects.values("application__job_id")
        ).order_by("title", "pk")
    )


def outcome_job(job_id: int | None) -> Job | None:
    if job_id is None:
        return None
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("There is no such job."), code="not_found")
    return job


@dataclass(frozen=True)
class HireData:
    """One row per hire with an outcome, as numpy columns (NaN = not known).

    ``scales`` is hires x scales (T scores) in the order of ``scale_keys``;
    ``applicant_sd`` the SD of each predictor (scales, composite, interview)
    among all assessed applicants of the same job(s).
    """

    application_ids: np.ndarray
    employed_90: np.ndarray
    employed_180: np.ndarray
    performance: np.ndarray
    quota: np.ndarray
    composite: np.ndarray
    band: np.ndarray
    scales: np.ndarray
    interview: np.ndarray
    manager_names: list[str]
    teams: list[str]
    scale_keys: tuple[str, ...]
    scale_names: dict[str, str]
    lower_is_better: frozenset[str]
    band_order: tuple[str, ...]
    applicant_sd: np.ndarray

    @property
    def n(self) -> int:
        return int(self.application_ids.size)

    def predictors(self) -> np.ndarray:
        return np.column_stack([self.scales, self.composite, self.interview])

    def criteria(self) -> np.ndarray:
        return np.column_stack(
            [self.employed_90, self.employed_180, self.performance, self.quota]
        )


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _by_application(ids: np.ndarray, keys: np.ndarray, values: np.ndarray):
    """``values`` (rows keyed by ``keys``) lined up with ``ids``; NaN where absent."""
    out = np.full((ids.size, *values.shape[1:]), np.nan)
    if keys.size == 0:
        return out
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    where = np.clip(np.searchsorted(keys, ids), 0, keys.size - 1)
    found = keys[where] == ids
    out[found] = values[where[found]]
    return out


def _bands_by_application(ids: np.ndarray, keys: np.ndarray, bands: list[str]):
    out = np.full(ids.size, "", dtype=object)
    if keys.size == 0:
        return out
    order = np.argsort(keys, kind="stable")
    keys, bands_sorted = keys[order], np.asarray(bands, dtype=object)[order]
    where = np.clip(np.searchsorted(keys, ids), 0, keys.size - 1)
    found = keys[where] == ids
    out[found] = bands_sorted[where[found]]
    return out


def _t(key: str):
    return Cast(KT(f"scales__{key}__t"), FloatField())


def _sample_sds(queryset, expressions: dict) -> dict[str, float | None]:
    """Sample SD of each expression over the rows, NULLs left out, in one query.

    From the count, mean and mean square (SQL's own COUNT and AVG), so it is the
    same on PostgreSQL and SQLite, whose STDDEV is a Python aggregate that
    cannot skip NULLs. T scores and composites are small numbers, so the
    difference of squares loses nothing that matters at this precision.
    """
    aggregates = {}
    for name, expression in expressions.items():
        aggregates[f"{name}__n"] = Count(expression)
        aggregates[f"{name}__mean"] = Avg(expression, output_field=FloatField())
        aggregates[f"{name}__square"] = Avg(
            expression * expression, output_field=FloatField()
        )
    row = queryset.aggregate(**aggregates)
    sds: dict[str, float | None] = {}
    for name in expressions:
        n, mean, square = (row[f"{name}__{part}"] for part in ("n", "mean", "square"))
        if not n or n < 2 or mean is None:
            sds[name] = None
            continue
        variance = max(0.0, (square - mean * mean) * n / (n - 1))
        sds[name] = math.sqrt(variance)
    return sds


def hire_data(*, today: date, job: Job | None = None, language: str = "en") -> HireData:
    """Every hire with an outcome (of ``job``, or of all jobs), with the figures
    of their assessments. Six queries, whatever the number of hires:

    1. the instrument versions (scale keys and names; scales without a score
       among the hires are dropped);
    2. the outcomes with retention at ``today`` and the mean quota (retention is
       unknown until the checkpoint has come, also for a hire who already left);
    3. the current questionnaire results of the hired applications (T per scale,
       composite, band), read as values from the JSON in the database; invalid
       results are left out, as everywhere;
    4. the interview scores of the hired applications;
    5. the SD of every scale and of the composite among all assessed applicants
       of the same job(s) (invalid results left out), aggregated in the database;
    6. the interview scores of those applicants (their SD is taken per
       application mean, so in numpy).
    """
    outcomes = HireOutcome.objects.all()
    if job is not None:
        outcomes = outcomes.filter(application__job=job)
    hired_applications = outcomes.values("application_id")
    jobs = (
        [job.pk]
        if job is not None
        else HireOutcome.objects.values("application__job_id")
    )
    # Every version (a short table): scales no hire has a score on are dropped
    # below, which is cheaper than finding the versions through the results.
    versions = list(InstrumentVersion.objects.order_by("pk"))
    scale_keys: list[str] = []
    scale_names: dict[str, str] = {}
    lower: set[str] = set()
    band_order = list(BAND_ORDER)
    for version in versions:
        for scale in version.definition.get("scales", []):
            key = scale["key"]
            if key not in scale_names:
                scale_keys.append(key)
                scale_names[key] = version.scale_name(key, language)
            if not scale.get("higher_is_better", True):
                lower.add(key)
        for _bound, band in version.definition.get("plan_defaults", {}).get(
            "bands", []
        ):
            if band not in band_order:
                band_order.append(band)

    quota = (
        QuotaAttainment.objects.filter(outcome=OuterRef("pk"))
        .values("outcome")
        .annotate(mean=Avg("attainment_percent"))
        .values("mean")
    )
    rows = list(
        outcomes.with_retention(today)
        .annotate(quota_mean=Subquery(quota, output_field=FloatField()))
        .order_by("application_id")
        .values_list(
            "application_id",
            "employed_90",
            "employed_180",
            "performance_rating",
            "quota_mean",
            "manager_name",
            "team",
            "start_date",
        )
    )
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    # A hire whose checkpoint has not come is left out even if they already
    # left: counting a recent cohort's early leavers without its stayers would
    # load the criterion with leavers.
    started = np.array([row[7].toordinal() for row in rows], dtype=np.int64)
    retention = {}
    for days, column in ((90, 1), (180, 2)):
        values = _floats(row[column] for row in rows)
        values[started > (today - timedelta(days=days)).toordinal()] = np.nan
        retention[days] = values

    # An invalid result has no composite or band anywhere (its answers say
    # nothing about the candidate), so it is no predictor here either.
    results = list(
        QuestionnaireResult.objects.filter(
            is_current=True, invitation__application_id__in=hired_applications
        )
        .exclude(validity_status=INVALID)
        .order_by("created_at", "pk")
        .values_list(
            "invitation__application_id",
            "composite",
            "band",
            *(_t(key) for key in scale_keys),
        )
    )
    result_ids = np.array([r[0] for r in results], dtype=np.int64)
    # Newest result per application last, so the line-up keeps it.
    result_values = np.array(
        [[np.nan if v is None else v for v in r[1:2] + r[3:]] for r in results],
        dtype=float,
    ).reshape(len(results), 1 + len(scale_keys))
    last = _last_per_key(result_ids)
    lined = _by_application(ids, result_ids[last], result_values[last])
    bands = _bands_by_application(
        ids, result_ids[last], [results[i][2] for i in last.tolist()]
    )

    interviews = InterviewResult.objects.filter(
        scoring_version=INTERVIEW_SCORING_VERSION, score__isnull=False
    ).exclude(interview__status=Interview.Status.CANCELLED)
    hired_scores = list(
        interviews.filter(interview__application_id__in=hired_applications)
        .order_by()
        .values_list("interview__application_id", "score")
    )
    interview_ids, interview_means = _means(hired_scores)

    applicants = QuestionnaireResult.objects.filter(
        is_current=True, invitation__application__job_id__in=jobs
    ).exclude(validity_status=INVALID)
    sds = _sample_sds(
        applicants,
        {
            "composite": F("composite"),
            **{f"scale_{i}": _t(key) for i, key in enumerate(scale_keys)},
        },
    )
    _ids, applicant_interviews = _means(
        interviews.filter(interview__application__job_id__in=jobs)
        .order_by()
        .values_list("interview__application_id", "score")
    )
    interview_sd = (
        float(np.std(applicant_interviews, ddof=1))
        if applicant_interviews.size >= 2
        else np.nan
    )
    applicant_sd = np.array(
        [sds[f"scale_{i}"] for i in range(len(scale_keys))]
        + [sds["composite"], interview_sd],
        dtype=float,
    )
    scored = ~np.all(np.isnan(lined[:, 1:]), axis=0)
    keep = [i for i, has in enumerate(scored.tolist()) if has]
    scale_keys = [scale_keys[i] for i in keep]
    lined = np.column_stack([lined[:, :1], lined[:, 1:][:, keep]])
    applicant_sd = np.concatenate([applicant_sd[keep], applicant_sd[-2:]])
    seen = set(bands.tolist()) - {""}
    band_order += sorted(seen - set(band_order))
    return HireData(
        application_ids=ids,
        employed_90=retention[90],
        employed_180=retention[180],
        performance=_floats(row[3] for row in rows),
        quota=_floats(row[4] for row in rows),
        composite=lined[:, 0],
        band=bands,
        scales=lined[:, 1:],
        interview=_by_application(ids, interview_ids, interview_means),
        manager_names=[row[5] for row in rows],
        teams=[row[6] for row in rows],
        scale_keys=tuple(scale_keys),
        scale_names=scale_names,
        lower_is_better=frozenset(lower),
        band_order=tuple(band_order),
        applicant_sd=applicant_sd,
    )


def _last_per_key(keys: np.ndarray) -> np.ndarray:
    """Indices of the last row of each key (rows are in ascending age)."""
    if keys.size == 0:
        return np.array([], dtype=np.int64)
    reversed_keys = keys[::-1]
    _unique, first = np.unique(reversed_keys, return_index=True)
    return keys.size - 1 - first


def _means(pairs) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the values per key, from (key, value) pairs."""
    pairs = list(pairs)
    if not pairs:
        return np.array([], dtype=np.int64), np.array([], dtype=float)
    keys = np.array([p[0] for p in pairs], dtype=np.int64)
    values = np.array([p[1] for p in pairs], dtype=float)
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=values)
    counts = np.bincount(inverse)
    return unique, sums / counts


# --- the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Predictor:
    key: str
    name: str
    kind: str  # "scale", "composite" or "interview"
    lower_is_better: bool
    applicant_sd: float | None


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    binary: bool


@dataclass(frozen=True)
class ValidityRow:
    predictor: Predictor
    cells: tuple[ValidityCell, ...]


@dataclass(frozen=True)
class Expectancy:
    """The outcome per fit band of the questionnaire composite."""

    criterion: Criterion
    rows: tuple[ExpectancyRow, ...]
    labels: dict[str, str]

    @property
    def labelled_rows(self) -> list[tuple[str, ExpectancyRow]]:
        return [(self.labels.get(row.band, row.band), row) for row in self.rows]


@dataclass(frozen=True)
class CriterionReading:
    """What a criterion's intervals say: ``related`` predictors have their whole
    95 % interval on the side of zero they intend, ``contrary`` ones on the
    other side; the rest cannot be told apart from no relation yet."""

    estimable: bool
    n: int
    related: list[str]
    contrary: list[str]


def criterion_reading(
    pairs: list[tuple[Predictor, ValidityCell]],
) -> CriterionReading:
    """Which predictors are clearly related to one criterion in the direction
    they intend (the whole interval on that side of zero: negative on a
    lower-is-better scale), and which clearly the other way round."""
    estimable = [(p, c) for p, c in pairs if c.estimable]
    related, contrary = [], []
    for predictor, cell in estimable:
        above, below = cell.ci_low > 0, cell.ci_high < 0
        if predictor.lower_is_better:
            above, below = below, above
        if above:
            related.append(predictor.name)
        elif below:
            contrary.append(predictor.name)
    return CriterionReading(
        estimable=bool(estimable),
        n=max((c.n for _p, c in estimable), default=0),
        related=related,
        contrary=contrary,
    )


@dataclass(frozen=True)
class ValidityReport:
    job: Job | None
    today: date
    hires: int
    criteria: tuple[Criterion, ...]
    rows: tuple[ValidityRow, ...]
    criterion_counts: dict[str, int]
    expectancy: tuple[Expectancy, ...]
    min_n: int = MIN_VALIDITY_N

    @property
    def by_criterion(
        self,
    ) -> list[tuple[Criterion, list[tuple[Predictor, ValidityCell]]]]:
        """The same cells, one table per criterion (as the page shows them)."""
        return [
            (criterion, [(row.predictor, row.cells[index]) for row in self.rows])
            for index, criterion in enumerate(self.criteria)
        ]

    @property
    def any_estimable(self) -> bool:
        return any(cell.estimable for row in self.rows for cell in row.cells)

    @property
    def sections(
        self,
    ) -> list[tuple[Criterion, list[tuple[Predictor, ValidityCell]], CriterionReading]]:
        """One table per criterion with what its intervals say in words."""
        return [
            (criterion, pairs, criterion_reading(pairs))
            for criterion, pairs in self.by_criterion
        ]


def validity_report_build(data: HireData, *, job: Job | None, today: date):
    """The figures of the validity report from ``data`` (no queries)."""
    predictors = [
        Predictor(
            key,
            data.scale_names[key],
            "scale",
            key in data.lower_is_better,
            _finite(data.applicant_sd[i]),
        )
        for i, key in enumerate(data.scale_keys)
    ] + [
        Predictor(
            "composite",
            str(_("Questionnaire composite")),
            "composite",
            False,
            _finite(data.applicant_sd[-2]),
        ),
        Predictor(
            "interview",
            str(_("Interview score")),
            "interview",
            False,
            _finite(data.applicant_sd[-1]),
        ),
    ]
    criteria = tuple(Criterion(key, str(name), flag) for key, name, flag in CRITERIA)
    matrix = data.criteria()
    cells = validity_matrix(data.predictors(), matrix, applicant_sd=data.applicant_sd)
    labels = {band: band_label(band) for band in data.band_order}
    expectancy = tuple(
        Expectancy(
            criterion,
            tuple(
                expectancy_table(
                    data.band,
                    matrix[:, index],
                    data.band_order,
                    binary=criterion.binary,
                )
            ),
            labels,
        )
        for index, criterion in enumerate(criteria)
        if criterion.key in ("employed_90", "quota")
    )
    return ValidityReport(
        job=job,
        today=today,
        hires=data.n,
        criteria=criteria,
        rows=tuple(
            ValidityRow(predictor, tuple(row))
            for predictor, row in zip(predictors, cells, strict=True)
        ),
        criterion_counts={
            criterion.key: int((~np.isnan(matrix[:, i])).sum())
            for i, criterion in enumerate(criteria)
        },
        expectancy=expectancy,
    )


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def validity_report(*, user, today: date, job_id: int | None = None, language="en"):
    """The criterion validity report, for administrators and holders of the
    outcome reports permission; audited like every report read."""
    outcome_reports_require(user=user)
    job = outcome_job(job_id)
    outcome_report_read_record(user=user, job=job, report="validity")
    data = hire_data(today=today, job=job, language=language)
    return validity_report_build(data, job=job, today=today)
