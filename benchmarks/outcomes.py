"""The validity report's read model on 50,000 hires against a plain SQL aggregate.

Bulk-loads (COPY) hires with outcomes, questionnaire results, interview results
and quota attainments, plus as many assessed applicants who were not hired, into
PostgreSQL. Then, in the same run and interleaved so both meet the same load:

- **read model**: ``hire_data`` (six queries) and ``validity_report_build``
  (every r with its interval and correction, the expectancy tables): what the
  page computes before rendering;
- **baseline**: the same figures PostgreSQL can give by itself, one statement of
  ``corr()`` and ``regr_count()`` over the same joins for every predictor x
  criterion pair, plus the applicants' ``stddev_samp()`` of every predictor.

Prints the median of ``--repeats`` timings of each and their ratio (target: at
most 3x), checks that both give the same r for every pair, and exits 1 if the
ratio is over the target.

``--simulate`` instead prints the simulations where the truth is known (no
database): how often the 95 % interval holds a known validity, what the
range-restriction correction recovers, and how often the manager report flags
an ordinary team and a team with truly higher turnover (docs/outcome-reports.md).

    .venv/bin/python benchmarks/outcomes.py --simulate [--seed 2026]
    createdb -h 127.0.0.1 -U postgres criba_bench_outcomes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/criba_bench_outcomes \\
        .venv/bin/python benchmarks/outcomes.py [--hires 50000] [--applicants 50000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 3.0
TODAY = datetime.date(2026, 12, 1)
BENCH_DEPARTMENT = "Benchmark outcomes"
SCORE_FIELDS = (
    ("raw_mean", 3.4),
    ("prorated_sum", 30.6),
    ("n_answered", 9),
    ("n_items", 9),
    ("missing", False),
)


def _scale_json(z: float) -> dict:
    t = 50 + 10 * z
    return {
        **dict(SCORE_FIELDS),
        "z": round(z, 6),
        "t": round(t, 4),
        "t_low": round(t - 7.84, 4),
        "t_high": round(t + 7.84, 4),
        "percentile": 50.0,
        "percentile_method": "normal",
        "sten": 6,
        "stanine": 5,
        "sem": 4.0,
        "reliability": 0.84,
        "reliability_source": "definition",
        "norm_source": "provisional",
    }


def _copy(cursor, table: str, columns: list[str], lines: list[str]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(lines), 20000):
            copy.write("".join(lines[start : start + 20000]))


def _next_ids(cursor, table: str, n: int) -> np.ndarray:
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    first = cursor.fetchone()[0] + 1
    return np.arange(first, first + n, dtype=np.int64)


def _sync_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT max(id) FROM {table}))"
    )


def generate(version, norm_set, *, hires: int, applicants: int, seed: int) -> None:
    """Load ``hires`` hired and ``applicants`` rejected applications with results
    (from a model where the composite predicts retention and quota a little)."""
    from django.db import connection, transaction

    from assessments.scoring.version import INTERVIEW_SCORING_VERSION
    from hiring.models import Job

    rng = np.random.default_rng(seed)
    definition = version.definition
    keys = [scale["key"] for scale in definition["scales"]]
    weights = np.array(
        [definition["plan_defaults"]["weights"].get(key, 0.0) for key in keys]
    )
    bands = definition["plan_defaults"]["bands"]
    jobs = Job.objects.bulk_create(
        Job(title=f"Outcome benchmark {i}", department=BENCH_DEPARTMENT)
        for i in range(10)
    )
    job_ids = np.array([job.pk for job in jobs])
    n = hires + applicants
    hired = np.zeros(n, dtype=bool)
    # Hires are chosen mostly on the composite: direct range restriction.
    z = rng.standard_normal((n, len(keys))) * 0.8 + rng.standard_normal((n, 1)) * 0.6
    composite = z @ weights
    noisy = composite + rng.normal(0, 0.25, n)
    hired[np.argsort(noisy)[-hires:]] = True
    stamp = "2025-06-01 12:00:00+00"
    with transaction.atomic(), connection.connection.cursor() as cursor:
        candidate_ids = _next_ids(cursor, "hiring_candidate", n)
        _copy(
            cursor,
            "hiring_candidate",
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "preferred_language",
                "external_id",
                "created_at",
                "updated_at",
            ],
            [
                f"{cid}\tBench{cid}\tOutcome\tb{cid}@bench.invalid\t\ten\t\t"
                f"{stamp}\t{stamp}\n"
                for cid in candidate_ids.tolist()
            ],
        )
        application_ids = _next_ids(cursor, "hiring_application", n)
        job_of = job_ids[rng.integers(0, len(job_ids), n)]
        _copy(
            cursor,
            "hiring_application",
            [
                "id",
                "stage",
                "external_id",
                "decision",
                "decision_reason",
                "created_at",
                "updated_at",
                "candidate_id",
                "job_id",
            ],
            [
                f"{aid}\t{'hired' if h else 'rejected'}\t\t\t\t{stamp}\t{stamp}\t"
                f"{cid}\t{jid}\n"
                for aid, h, cid, jid in zip(
                    application_ids.tolist(),
                    hired.tolist(),
                    candidate_ids.tolist(),
                    job_of.tolist(),
                    strict=True,
                )
            ],
        )
        invitation_ids = _next_ids(cursor, "assessments_invitation", n)
        _copy(
            cursor,
            "assessments_invitation",
            [
                "id",
                "token_hash",
                "status",
                "language",
                "extra_time_percent",
                "item_order_seed",
                "expires_at",
                "created_at",
                "session_nonce",
                "timed_out",
                "application_id",
                "instrument_version_id",
                "email_attempts",
                "email_error",
                "email_status",
                "token_salt",
            ],
            [
                f"{iid}\tbench-outcomes-{iid:040d}\tscored\ten\t0\t1\t{stamp}\t"
                f"{stamp}\t\tf\t{aid}\t{version.pk}\t0\t\tsent\t\n"
                for iid, aid in zip(
                    invitation_ids.tolist(), application_ids.tolist(), strict=True
                )
            ],
        )
        band_of = []
        for value in composite.tolist():
            band_of.append(
                next(b for bound, b in bands if bound is None or value >= bound)
            )
        validity = json.dumps({"irv": {"value": 1.1, "flag": False}})
        explanation = json.dumps({"band": "fit", "contributions": []})
        result_lines = []
        for i in range(n):
            scales = json.dumps(
                {key: _scale_json(float(z[i, k])) for k, key in enumerate(keys)},
                separators=(",", ":"),
            )
            result_lines.append(
                f"{invitation_ids[i]}\tbench\t{scales}\t{validity}\tvalid\t"
                f"{composite[i]:.6f}\t{band_of[i]}\t{explanation}\tt\t{stamp}\t"
                f"{norm_set.pk}\n"
            )
        _copy(
            cursor,
            "assessments_questionnaireresult",
            [
                "invitation_id",
                "scoring_version",
                "scales",
                "validity",
                "validity_status",
                "composite",
                "band",
                "explanation",
                "is_current",
                "created_at",
                "norm_set_id",
            ],
            result_lines,
        )
        # Interviews: 90 % of hires, 30 % of the others.
        interviewed = rng.random(n) < np.where(hired, 0.9, 0.3)
        score = np.clip(
            3 + 0.5 * composite + rng.normal(0, 0.7, n), 1, 5
        )  # 1..5 anchors
        interview_ids = _next_ids(cursor, "assessments_interview", n)
        rows = np.flatnonzero(interviewed)
        _copy(
            cursor,
            "assessments_interview",
            [
                "id",
                "title",
                "scheduled_at",
                "status",
                "application_id",
                "cancel_reason",
                "created_at",
                "duration_minutes",
                "location",
                "sequence",
            ],
            [
                f"{interview_ids[i]}\tBench interview\t{stamp}\tcomplete\t"
                f"{application_ids[i]}\t\t{stamp}\t60\t\t0\n"
                for i in rows.tolist()
            ],
        )
        _copy(
            cursor,
            "assessments_interviewresult",
            [
                "scoring_version",
                "aggregate",
                "score",
                "state",
                "inputs",
                "computed_at",
                "interview_id",
            ],
            [
                f"{INTERVIEW_SCORING_VERSION}\t{{}}\t{score[i]:.4f}\tcomplete\t[]\t"
                f"{stamp}\t{interview_ids[i]}\n"
                for i in rows.tolist()
            ],
        )
        # Outcomes of the hires.
        h = np.flatnonzero(hired)
        start = np.datetime64("2025-01-06") + rng.integers(0, 600, h.size)
        leaves = rng.random(h.size) < 1 / (1 + np.exp(1.2 + 0.5 * composite[h]))
        left_after = np.where(leaves, rng.integers(5, 240, h.size), -1)
        managers = rng.integers(0, 200, h.size)
        rating = np.clip(
            np.round(3 + 0.3 * composite[h] + rng.normal(0, 0.9, h.size)), 1, 5
        ).astype(int)
        rated = rng.random(h.size) < 0.7
        outcome_ids = _next_ids(cursor, "hiring_hireoutcome", h.size)
        outcome_lines = []
        for k, i in enumerate(h.tolist()):
            leaving = (
                str(start[k] + np.timedelta64(int(left_after[k]), "D"))
                if left_after[k] >= 0
                else "\\N"
            )
            outcome_lines.append(
                f"{outcome_ids[k]}\t{start[k]}\tManager {managers[k]:03d}\t"
                f"Team {managers[k] // 4:02d}\t"
                f"{'voluntary' if left_after[k] >= 0 else ''}\t{leaving}\t"
                f"{rating[k] if rated[k] else '\\N'}\t{stamp}\t{application_ids[i]}\n"
            )
        _copy(
            cursor,
            "hiring_hireoutcome",
            [
                "id",
                "start_date",
                "manager_name",
                "team",
                "leaving_reason",
                "leaving_date",
                "performance_rating",
                "created_at",
                "application_id",
            ],
            outcome_lines,
        )
        quarters = rng.integers(0, 5, h.size)  # 0 to 4 quarters recorded
        quota_lines = []
        for k, i in enumerate(h.tolist()):
            for q in range(int(quarters[k])):
                value = max(0.0, 100 + 12 * composite[i] + rng.normal(0, 30))
                quota_lines.append(
                    f"{outcome_ids[k]}\t{2025 + q // 4}\t{q % 4 + 1}\t{value:.1f}\n"
                )
        _copy(
            cursor,
            "hiring_quotaattainment",
            ["outcome_id", "year", "quarter", "attainment_percent"],
            quota_lines,
        )
        for table in (
            "hiring_candidate",
            "hiring_application",
            "assessments_invitation",
            "assessments_interview",
            "hiring_hireoutcome",
        ):
            _sync_sequence(cursor, table)


BASELINE_SQL = """
WITH hires AS (
    SELECT o.id, o.application_id,
        -- Unknown until the checkpoint has come, also for early leavers.
        CASE WHEN o.start_date > %(d90)s THEN NULL
             WHEN o.leaving_date IS NOT NULL
                  AND o.leaving_date < o.start_date + 90 THEN 0.0
             ELSE 1.0 END AS employed_90,
        CASE WHEN o.start_date > %(d180)s THEN NULL
             WHEN o.leaving_date IS NOT NULL
                  AND o.leaving_date < o.start_date + 180 THEN 0.0
             ELSE 1.0 END AS employed_180,
        o.performance_rating::float AS performance, q.quota
    FROM hiring_hireoutcome o
    -- A join, not a correlated subquery: PostgreSQL inlines this CTE and would
    -- evaluate a subquery once per corr() that reads the column.
    LEFT JOIN (
        SELECT outcome_id, avg(attainment_percent)::float AS quota
        FROM hiring_quotaattainment GROUP BY outcome_id
    ) q ON q.outcome_id = o.id
), results AS (
    SELECT DISTINCT ON (i.application_id) i.application_id,
        {scale_columns}, r.composite AS composite
    FROM assessments_questionnaireresult r
    JOIN assessments_invitation i ON i.id = r.invitation_id
    WHERE r.is_current
      AND i.application_id IN (SELECT application_id FROM hiring_hireoutcome)
    ORDER BY i.application_id, r.created_at DESC, r.id DESC
), interviews AS (
    SELECT v.application_id, avg(ir.score) AS interview
    FROM assessments_interviewresult ir
    JOIN assessments_interview v ON v.id = ir.interview_id
    WHERE ir.scoring_version = %(iv)s AND ir.score IS NOT NULL
      AND v.status <> 'cancelled'
      AND v.application_id IN (SELECT application_id FROM hiring_hireoutcome)
    GROUP BY v.application_id
)
SELECT {pairs}
FROM hires h
LEFT JOIN results USING (application_id)
LEFT JOIN interviews USING (application_id)
"""

APPLICANT_SD_SQL = """
WITH jobs AS (
    SELECT DISTINCT a.job_id FROM hiring_hireoutcome o
    JOIN hiring_application a ON a.id = o.application_id
)
SELECT {scale_sds}, stddev_samp(r.composite),
    (SELECT stddev_samp(m.score) FROM (
        SELECT v.application_id, avg(ir.score) AS score
        FROM assessments_interviewresult ir
        JOIN assessments_interview v ON v.id = ir.interview_id
        JOIN hiring_application a ON a.id = v.application_id
        WHERE ir.scoring_version = %(iv)s AND ir.score IS NOT NULL
          AND v.status <> 'cancelled' AND a.job_id IN (SELECT job_id FROM jobs)
        GROUP BY v.application_id) m)
FROM assessments_questionnaireresult r
JOIN assessments_invitation i ON i.id = r.invitation_id
JOIN hiring_application a ON a.id = i.application_id
WHERE r.is_current AND a.job_id IN (SELECT job_id FROM jobs)
"""

CRITERIA = ("employed_90", "employed_180", "performance", "quota")


def baseline(keys: list[str]) -> tuple[dict, list]:
    """Every pair's r and n, and the applicants' SDs, computed by PostgreSQL."""
    from django.db import connection

    from assessments.scoring.version import INTERVIEW_SCORING_VERSION

    predictors = [f"s{k}" for k in range(len(keys))] + ["composite", "interview"]
    scale_columns = ", ".join(
        f"(r.scales -> '{key}' ->> 't')::float AS s{k}" for k, key in enumerate(keys)
    )
    pairs = ", ".join(
        f"corr({p}, {c}), regr_count({p}, {c})" for p in predictors for c in CRITERIA
    )
    params = {
        "d90": TODAY - datetime.timedelta(days=90),
        "d180": TODAY - datetime.timedelta(days=180),
        "iv": INTERVIEW_SCORING_VERSION,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            BASELINE_SQL.format(scale_columns=scale_columns, pairs=pairs), params
        )
        row = cursor.fetchone()
        scale_sds = ", ".join(
            f"stddev_samp((r.scales -> '{key}' ->> 't')::float)" for key in keys
        )
        cursor.execute(APPLICANT_SD_SQL.format(scale_sds=scale_sds), params)
        sds = list(cursor.fetchone())
    figures = {}
    for index, (p, c) in enumerate(
        (p, c) for p in range(len(predictors)) for c in range(len(CRITERIA))
    ):
        figures[(p, c)] = (row[2 * index], row[2 * index + 1])
    return figures, sds


def read_model():
    from assessments.outcome_validity import hire_data, validity_report_build

    data = hire_data(today=TODAY)
    return data, validity_report_build(data, job=None, today=TODAY)


def simulate(seed: int) -> int:
    """Print the coverage and flag-rate tables of docs/outcome-reports.md."""
    from assessments.scoring.outcome_simulation import (
        team_flag_rates,
        validity_coverage,
    )

    print("Coverage of the 95 % interval (5,000 samples each)")
    print(f"{'scenario':<52} {'truth':>6} {'mean r':>7} {'covered (95 % CI)':>22}")
    scenarios = [
        ("quota-like, rho .30, 60 hires", {"rho": 0.3, "n": 60}),
        ("quota-like, rho .30, 200 hires", {"rho": 0.3, "n": 200}),
        ("quota-like, rho .10, 400 hires", {"rho": 0.1, "n": 400}),
        (
            "90-day 0/1 (75 % stay), latent .40, 200 hires",
            {"rho": 0.4, "n": 200, "binary_share": 0.75},
        ),
        (
            "90-day 0/1 (90 % stay), latent .40, 100 hires",
            {"rho": 0.4, "n": 100, "binary_share": 0.9},
        ),
    ]
    for name, kwargs in scenarios:
        o = validity_coverage(replications=5000, seed=seed, **kwargs)
        low, high = o.interval
        print(
            f"{name:<52} {o.truth:6.3f} {o.mean_r:7.3f} "
            f"{100 * o.share:7.1f} % ({100 * low:.1f}-{100 * high:.1f})"
        )
    print("\nDirect range restriction: hires = top 30 % of applicants on the score")
    print(f"{'scenario':<36} {'truth':>6} {'mean r':>7} {'mean corrected':>15}")
    for n in (100, 300):
        o = validity_coverage(
            rho=0.3, n=n, replications=3000, seed=seed, selection_ratio=0.3
        )
        print(
            f"{f'rho .30, {n} hires':<36} {o.truth:6.3f} {o.mean_r:7.3f} "
            f"{o.mean_corrected:15.3f}  (observed interval held the truth "
            f"{100 * o.share:.1f} %)"
        )
    print("\nManager report: team flags (team 0 has +1.2 on the log-odds of leaving)")
    print(
        f"{'teams x hires':<16} {'leave, ordinary/bad':>20} "
        f"{'false alarms (95 % CI)':>26} {'bad team flagged (95 % CI)':>28}"
    )
    for teams, size, shift in (
        (20, 8, 1.2),
        (20, 25, 1.2),
        (10, 50, 1.2),
        (20, 25, 0.0),
    ):
        o = team_flag_rates(
            teams=teams,
            hires_per_team=size,
            replications=1000,
            seed=seed,
            bad_team_shift=shift,
        )
        fa_low, fa_high = o.false_alarm_interval
        p_low, p_high = o.power_interval
        label = f"{teams} x {size}" + ("" if shift else " (none bad)")
        print(
            f"{label:<16} {100 * o.ordinary_rate:8.1f} % / "
            f"{100 * o.bad_team_rate:5.1f} %"
            f" {100 * o.false_alarm_rate:9.2f} % ({100 * fa_low:.2f}-"
            f"{100 * fa_high:.2f})"
            f" {100 * o.power:12.1f} % ({100 * p_low:.1f}-{100 * p_high:.1f})"
        )
    return 0


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hires", type=int, default=50_000)
    parser.add_argument("--applicants", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even if the database holds jobs other than the benchmark's",
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="print the simulations with a known truth instead (no database)",
    )
    args = parser.parse_args(argv)
    if args.simulate:
        return simulate(args.seed)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print("Skipped: benchmarks/outcomes.py needs DATABASE_URL=postgres://... (a")
        print("dedicated database, e.g. createdb -h 127.0.0.1 -U postgres")
        print("criba_bench_outcomes)")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from assessments.definitions import instruments_load
    from assessments.models import InstrumentVersion, NormSet
    from hiring.models import Application, Candidate, HireOutcome, Job

    call_command("migrate", verbosity=0)
    instruments_load(settings.CRIBA_INSTRUMENTS_DIR)
    version = InstrumentVersion.objects.get(instrument__slug="sales-drive", version=1)
    foreign = Job.objects.exclude(department=BENCH_DEPARTMENT).count()
    if foreign and not args.force:
        print(
            f"The database holds {foreign} job(s) besides the benchmark's; use a "
            "dedicated database (or --force)."
        )
        return 2
    have = HireOutcome.objects.count()
    if have != args.hires or args.regenerate:
        print(f"Generating {args.hires:,} hires and {args.applicants:,} applicants...")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE hiring_quotaattainment, hiring_hireoutcome, "
                "assessments_interviewresult, assessments_interview, "
                "assessments_questionnaireresult, assessments_invitation, "
                "hiring_application, hiring_candidate, hiring_job CASCADE"
            )
        norm_set = NormSet.objects.filter(version=version).first() or (
            NormSet.objects.create(
                version=version,
                source=NormSet.Source.PROVISIONAL,
                scales={
                    s["key"]: {"mean": 3.0, "sd": 0.6}
                    for s in version.definition["scales"]
                },
            )
        )
        generate(
            version,
            norm_set,
            hires=args.hires,
            applicants=args.applicants,
            seed=args.seed,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  done in {time.perf_counter() - started:.0f} s")
    else:
        print(f"Reusing {have:,} hires")
    print(
        f"{HireOutcome.objects.count():,} hires with outcomes, "
        f"{Application.objects.count():,} assessed applications, "
        f"{Candidate.objects.count():,} candidates; as of {TODAY}"
    )
    keys = [scale["key"] for scale in version.definition["scales"]]

    # Warm both (plans, caches, imports) once, then interleave.
    data, report = read_model()
    figures, sds = baseline(keys)
    model_times, baseline_times = [], []
    for _ in range(args.repeats):
        seconds, _value = _timed(lambda: baseline(keys))
        baseline_times.append(seconds)
        seconds, (data, report) = _timed(read_model)
        model_times.append(seconds)

    worst = 0.0
    for p, row in enumerate(report.rows):
        for c, cell in enumerate(row.cells):
            r, n = figures[(p, c)]
            assert cell.n == int(n), (row.predictor.key, c, cell.n, n)
            if cell.r is not None:
                worst = max(worst, abs(cell.r - r))
    assert worst < 1e-9, worst
    assert np.allclose(data.applicant_sd, np.array(sds, dtype=float), rtol=1e-9)

    model = statistics.median(model_times)
    base = statistics.median(baseline_times)
    ratio = model / base
    composite = next(r for r in report.rows if r.predictor.key == "composite")
    print(
        "composite: "
        + ", ".join(
            f"{crit.key} r {cell.r:.3f} ({cell.ci_low:.3f}..{cell.ci_high:.3f}) "
            f"n {cell.n}, corrected {cell.corrected:.3f}"
            for crit, cell in zip(report.criteria, composite.cells, strict=True)
        )
    )
    print(f"same r for every pair as PostgreSQL's corr() (max |diff| {worst:.1e})")
    print(
        "read model (hire_data + validity_report_build): "
        + ", ".join(f"{t * 1000:.0f}" for t in model_times)
        + f" ms, median {model * 1000:.0f} ms"
    )
    print(
        "baseline (corr() and stddev_samp() in SQL): "
        + ", ".join(f"{t * 1000:.0f}" for t in baseline_times)
        + f" ms, median {base * 1000:.0f} ms"
    )
    print(f"ratio {ratio:.2f}x (target at most {TARGET:.0f}x)")
    if ratio > TARGET:
        print("over target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
