"""Hire outcomes from a CSV file: a preview that names every row's problem before
anything is written, then one all-or-nothing write through `hire_outcomes_record`,
the service that records one outcome by hand when given one.

A row names its application by Criba's ``application_id``, by your
``application_external_id``, or by ``candidate_email`` with ``job_external_id``
(the job may be left out on a job's own import page). Given several, they must
agree. The row states the whole outcome (an empty leaving date means the hire is
still there); quarter columns such as ``2026-Q1`` add or replace that quarter's
attainment and an empty cell leaves it as it is.

On a job's page (holders of ``Capability.OUTCOMES``) only that job's hires are
accepted; administrators also import for every job at once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiring.csv_files import (
    MAX_BYTES,
    MAX_ROWS,
    CsvPreviewChecks,
    csv_column_key,
    csv_decode,
    csv_lines,
)
from hiring.errors import DomainError, Invalid
from hiring.models import (
    Application,
    AuditEvent,
    HireOutcome,
    Job,
    LeavingReason,
    Stage,
)
from hiring.outcome_selectors import hired_applications_of
from hiring.outcome_services import (
    QuotaInput,
    hire_outcomes_record,
    outcome_clean,
    percent_parse,
    quarter_label,
)
from hiring.services import audit_record

# Column -> the names a header may use for it (compared without case, spaces,
# dashes, dots or underscores).
COLUMNS = {
    "application_id": ("applicationid", "cribaapplicationid", "cribaid"),
    "application_external_id": ("applicationexternalid", "applicationref"),
    "candidate_email": (
        "candidateemail",
        "email",
        "emailaddress",
        "correo",
        "correoelectronico",
    ),
    "job_external_id": ("jobexternalid", "jobref"),
    "start_date": (
        "startdate",
        "start",
        "hiredate",
        "fechadeinicio",
        "fechainicio",
        "fechadealta",
        "fechaalta",
        "fechadeincorporacion",
        "fechaincorporacion",
    ),
    "manager": ("manager", "managername", "responsable"),
    "team": ("team", "equipo"),
    "leaving_date": (
        "leavingdate",
        "enddate",
        "terminationdate",
        "fechadebaja",
        "fechabaja",
    ),
    "leaving_reason": (
        "leavingreason",
        "terminationreason",
        "motivodebaja",
        "motivobaja",
    ),
    "performance_rating": (
        "performancerating",
        "rating",
        "performance",
        "valoracion",
        "evaluacion",
        "valoraciondeldesempeno",
        "evaluaciondeldesempeno",
    ),
    "rated_on": (
        "ratedon",
        "ratingdate",
        "fechadevaloracion",
        "fechadeevaluacion",
    ),
}
IDENTIFIERS = ("application_id", "application_external_id", "candidate_email")
REQUIRED = ("start_date", "manager")
COLUMN_NAMES = {
    "application_id": gettext_lazy("application id"),
    "application_external_id": gettext_lazy("application external id"),
    "candidate_email": gettext_lazy("candidate email"),
    "job_external_id": gettext_lazy("job external id"),
    "start_date": gettext_lazy("start date"),
    "manager": gettext_lazy("manager"),
    "team": gettext_lazy("team"),
    "leaving_date": gettext_lazy("leaving date"),
    "leaving_reason": gettext_lazy("leaving reason"),
    "performance_rating": gettext_lazy("performance rating"),
    "rated_on": gettext_lazy("rated on"),
    "quotas": gettext_lazy("quota attainment"),
}
# The service's field names, as the file's columns.
_FIELD_COLUMNS = {"manager_name": "manager"}
LEAVING_REASONS = {
    **{value: value for value in LeavingReason.values},
    "voluntaria": LeavingReason.VOLUNTARY,
    "voluntario": LeavingReason.VOLUNTARY,
    "involuntaria": LeavingReason.INVOLUNTARY,
    "involuntario": LeavingReason.INVOLUNTARY,
    "otra": LeavingReason.OTHER,
    "otro": LeavingReason.OTHER,
}
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ /]?\s*[qQtT](\d)\s*$")
# "3", "3.0", "3: Meets expectations" (a dash, en dash or colon after the number).
# A digit after the separator is another number ("4.5", "3-4"), never a label:
# such a cell is refused rather than cut to its first digit.
_RATING = re.compile(r"^\s*(\d)(?:\.0+)?\s*(?:[:\-\u2013.](?!\s*\d).*)?$")


# What a spreadsheet may read as the start of a formula (OWASP's list for CSV
# injection): such a cell is written with an apostrophe before it, which the
# spreadsheet takes as "text", and which the import takes off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A cell safe to open in a spreadsheet: text that would be read as a formula
    is kept as text."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _uncell(value: str) -> str:
    """A cell as read back from a file: without the apostrophe `_cell` put before
    a formula character, so a template filled in and imported keeps every value
    as it was."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


@dataclass
class OutcomeRow:
    line: int
    values: dict[str, str]
    # (year, quarter) -> the cell as written
    quarters: dict[tuple[int, int], str] = field(default_factory=dict)
    # The quarter cells in the order of the preview's columns.
    quarter_cells: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    application: Application | None = None
    # What the service will be called with, once every check passed.
    record: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_outcome(self) -> bool:
        return self.application is not None and _has_outcome(self.application)


def _has_outcome(application: Application) -> bool:
    try:
        return application.outcome is not None
    except HireOutcome.DoesNotExist:
        return False


@dataclass
class OutcomeImportPreview(CsvPreviewChecks):
    rows: list[OutcomeRow]
    quarters: list[tuple[int, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def quarter_labels(self) -> list[str]:
        return [quarter_label(*key) for key in self.quarters]

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.ok and not row.has_outcome)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.ok and row.has_outcome)


# --- parsing --------------------------------------------------------------------------


def _header(
    names: list[str], *, job: Job | None
) -> tuple[dict[int, str], dict[int, tuple[int, int]], list[str]]:
    """Column positions to fields and to quarters; the problems of the header."""
    aliases = {
        alias: column for column, names_ in COLUMNS.items() for alias in names_
    } | {csv_column_key(column): column for column in COLUMNS}
    positions: dict[int, str] = {}
    quarters: dict[int, tuple[int, int]] = {}
    problems = []
    for index, name in enumerate(names):
        quarter = _QUARTER.match(name)
        if quarter:
            key = (int(quarter.group(1)), int(quarter.group(2)))
            if not 1 <= key[1] <= 4 or not 2000 <= key[0] <= 2100:
                problems.append(
                    _("“%(name)s” is not a quarter; name quarters like 2026-Q1.")
                    % {"name": name.strip()}
                )
            elif key in quarters.values():
                problems.append(
                    _("The column “%(name)s” appears twice.") % {"name": name.strip()}
                )
            else:
                quarters[index] = key
            continue
        column = aliases.get(csv_column_key(name))
        if column is None:
            if name.strip():
                problems.append(
                    _(
                        "Unknown column “%(name)s”; remove it or rename it "
                        "(quarters are named like 2026-Q1)."
                    )
                    % {"name": name.strip()}
                )
            continue
        if column in positions.values():
            problems.append(
                _("The column “%(name)s” appears twice.") % {"name": name.strip()}
            )
            continue
        positions[index] = column
    named = set(positions.values())
    missing = [c for c in REQUIRED if c not in named]
    if missing:
        problems.append(
            _("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(str(COLUMN_NAMES[c]) for c in missing)}
        )
    if not named & set(IDENTIFIERS):
        problems.append(
            _(
                "Name each row's application with a column: application id, "
                "application external id, or candidate email (with job external id)."
            )
        )
    elif (
        job is None
        and named & set(IDENTIFIERS) == {"candidate_email"}
        and "job_external_id" not in named
    ):
        problems.append(
            _("A candidate email names an application only with a job external id.")
        )
    return positions, quarters, problems


# --- finding each row's application (a fixed number of queries) -----------------------


@dataclass
class _Lookups:
    by_id: dict[int, Application]
    by_external_id: dict[str, Application]
    # (email, job id) -> the applications of that candidate email on that job
    by_email: dict[tuple[str, int], list[Application]]
    jobs: dict[str, Job]


def _lookups(rows: list[OutcomeRow], *, job: Job | None) -> _Lookups:
    """The applications the rows may name: on a job's page only that job's, so a
    row never learns what exists on a job its importer cannot see."""
    ids = {
        int(r.values["application_id"])
        for r in rows
        if r.values["application_id"].isascii()
        and r.values["application_id"].isdigit()
        and len(r.values["application_id"]) < 12
    }
    external_ids = {
        r.values["application_external_id"]
        for r in rows
        if r.values["application_external_id"]
    }
    emails = {r.values["candidate_email"] for r in rows if r.values["candidate_email"]}
    job_refs = {
        r.values["job_external_id"] for r in rows if r.values["job_external_id"]
    }
    applications = Application.objects.select_related("candidate", "job", "outcome")
    if job is not None:
        applications = applications.filter(job=job)
    by_id = {a.pk: a for a in applications.filter(pk__in=ids)} if ids else {}
    by_external_id = (
        {a.external_id: a for a in applications.filter(external_id__in=external_ids)}
        if external_ids
        else {}
    )
    by_email: dict[tuple[str, int], list[Application]] = {}
    if emails:
        for application in applications.annotate(
            email_lower=Lower("candidate__email")
        ).filter(email_lower__in=emails, candidate__erased_at__isnull=True):
            key = (application.email_lower, application.job_id)
            by_email.setdefault(key, []).append(application)
    jobs = (
        {j.external_id: j for j in Job.objects.filter(external_id__in=job_refs)}
        if job_refs and job is None
        else {}
    )
    return _Lookups(by_id, by_external_id, by_email, jobs)


def _resolve(row: OutcomeRow, found: _Lookups, *, job: Job | None) -> None:
    values = row.values
    candidates: list[Application] = []
    raw_id = values["application_id"]
    if raw_id:
        application = (
            found.by_id.get(int(raw_id))
            if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 12
            else None
        )
        if application is None:
            row.problems.append(
                (
                    _("No application “%(id)s” on this job.")
                    if job is not None
                    else _("Unknown application id “%(id)s”.")
                )
                % {"id": raw_id}
            )
            return
        candidates.append(application)
    external_id = values["application_external_id"]
    if external_id:
        application = found.by_external_id.get(external_id)
        if application is None:
            row.problems.append(
                (
                    _("No application with the external id “%(id)s” on this job.")
                    if job is not None
                    else _("Unknown application external id “%(id)s”.")
                )
                % {"id": external_id}
            )
            return
        candidates.append(application)
    row_job = job
    job_ref = values["job_external_id"]
    if job_ref and job is not None:
        if job_ref != job.external_id:
            row.problems.append(
                _("This row is for another job; import it from that job's page.")
            )
            return
    elif job_ref:
        row_job = found.jobs.get(job_ref)
        if row_job is None:
            row.problems.append(
                _("Unknown job external id “%(id)s”.") % {"id": job_ref}
            )
            return
    email = values["candidate_email"]
    if email:
        if row_job is None and not candidates:
            row.problems.append(
                _("A candidate email names an application only with a job.")
            )
            return
        if row_job is not None:
            matches = found.by_email.get((email, row_job.pk), [])
            if not matches:
                row.problems.append(
                    _("Unknown application: no candidate “%(email)s” on this job.")
                    % {"email": email}
                )
                return
            candidates.append(matches[0])
        elif candidates[0].candidate.email.lower() != email:
            row.problems.append(
                _("The candidate email is not the application's candidate's.")
            )
            return
    if not candidates:
        row.problems.append(
            _("Name the application: its id, its external id or the candidate email.")
        )
        return
    if len({a.pk for a in candidates}) > 1:
        row.problems.append(_("The row's columns name different applications."))
        return
    application = candidates[0]
    if job_ref and application.job_id != row_job.pk:
        row.problems.append(_("The application is not on the job the row names."))
        return
    row.application = application
    if application.stage != Stage.HIRED:
        row.problems.append(
            _("Not hired (stage: %(stage)s): record the hiring decision first.")
            % {"stage": application.get_stage_display()}
        )


def _date_cell(row: OutcomeRow, column: str) -> str | None:
    """The cell as an ISO date the service accepts, or a problem named."""
    raw = row.values[column]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        row.problems.append(
            _("The %(column)s “%(value)s” is not a date; write it as YYYY-MM-DD.")
            % {"column": COLUMN_NAMES[column], "value": raw}
        )
        return None


def _check(row: OutcomeRow, *, today: date) -> None:
    """Parse the row's cells and check them against the service's own rules."""
    values = row.values
    bad_before = len(row.problems)
    start = _date_cell(row, "start_date")
    leaving = _date_cell(row, "leaving_date")
    rated = _date_cell(row, "rated_on")
    reason = values["leaving_reason"].lower()
    if reason and reason not in LEAVING_REASONS:
        row.problems.append(
            _("Unknown leaving reason “%(value)s”; use %(choices)s.")
            % {
                "value": values["leaving_reason"],
                "choices": ", ".join(LeavingReason.values),
            }
        )
    reason = LEAVING_REASONS.get(reason, "")
    rating = None
    if values["performance_rating"]:
        match = _RATING.match(values["performance_rating"])
        if match is None or not 1 <= int(match.group(1)) <= 5:
            row.problems.append(
                _("The performance rating “%(value)s” is not 1 to 5.")
                % {"value": values["performance_rating"]}
            )
        else:
            rating = int(match.group(1))
    quotas = []
    for key, cell in sorted(row.quarters.items()):
        if not cell:
            continue
        try:
            quotas.append(QuotaInput(*key, percent_parse(cell)))
        except ValueError:
            row.problems.append(
                _("%(quarter)s: “%(value)s” is not a percentage.")
                % {"quarter": quarter_label(*key), "value": cell}
            )
    if not values["start_date"]:
        row.problems.append(_("The start date is empty."))
    if not values["manager"]:
        row.problems.append(_("The manager is empty."))
    if len(row.problems) > bad_before:
        return
    record = {
        "start_date": start,
        "manager_name": values["manager"],
        "team": values["team"],
        "leaving_date": leaving,
        "leaving_reason": reason,
        "performance_rating": rating,
        "rated_on": rated,
        "quotas": quotas,
    }
    try:
        outcome_clean(**record, today=today)
    except Invalid as error:
        for name, messages in error.fields.items():
            column = COLUMN_NAMES.get(_FIELD_COLUMNS.get(name, name), name)
            for message in messages:
                row.problems.append(f"{column}: {message}")
        return
    row.record = record


def outcome_import_preview(
    *, job: Job | None, data: bytes | str, today: date | None = None
) -> OutcomeImportPreview:
    """Every row of the file with its problems and the application it names;
    writes nothing. A fixed number of queries whatever the number of rows.

    ``job``: the job whose page imports (its hires only), or None for an
    administrator importing for every job.
    """
    today = today or timezone.localdate()
    try:
        text = csv_decode(data)
    except Invalid as problem:
        return OutcomeImportPreview(rows=[], problems=[problem.message])
    if len(text.encode("utf-8")) > MAX_BYTES:
        return OutcomeImportPreview(
            rows=[], problems=[_("The text is larger than 1 MB; split it.")]
        )
    try:
        lines = csv_lines(text)
    except Invalid as problem:
        return OutcomeImportPreview(rows=[], problems=[problem.message])
    if not lines:
        return OutcomeImportPreview(rows=[], problems=[_("The file has no rows.")])
    header = lines[0][1]
    positions, quarter_positions, problems = _header(header, job=job)
    body = lines[1:]
    if not body and not problems:
        problems.append(_("The file names the columns but has no hires."))
    if len(body) > MAX_ROWS:
        problems.append(
            _("The file has %(count)s rows; import at most %(limit)s at a time.")
            % {"count": len(body), "limit": MAX_ROWS}
        )
        body = body[:MAX_ROWS]
    preview = OutcomeImportPreview(
        rows=[], quarters=sorted(quarter_positions.values()), problems=problems
    )
    if problems:
        # Rows are not worth checking against a header that is wrong.
        preview.rows = [
            OutcomeRow(line=n, values=dict.fromkeys(COLUMNS, "")) for n, _c in body
        ]
        return preview

    for number, cells in body:
        values = dict.fromkeys(COLUMNS, "")
        for index, column in positions.items():
            if index < len(cells):
                values[column] = _uncell(cells[index].strip())
        values["candidate_email"] = values["candidate_email"].lower()
        quarters = {
            key: cells[index].strip() if index < len(cells) else ""
            for index, key in quarter_positions.items()
        }
        row = OutcomeRow(
            line=number,
            values=values,
            quarters=quarters,
            quarter_cells=[quarters[key] for key in preview.quarters],
        )
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            row.problems.append(_("This line has more cells than the header."))
        preview.rows.append(row)

    found = _lookups(preview.rows, job=job)
    first_line: dict[int, int] = {}
    for row in preview.rows:
        _resolve(row, found, job=job)
        if row.application is not None:
            earlier = first_line.setdefault(row.application.pk, row.line)
            if earlier != row.line:
                row.problems.append(
                    _("The same application as line %(line)s; keep one of the two.")
                    % {"line": earlier}
                )
        _check(row, today=today)
    return preview


@dataclass(frozen=True)
class OutcomeImportSummary:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def outcome_import(
    *, job: Job | None, actor, data: bytes | str, today: date | None = None
) -> OutcomeImportSummary:
    """Record the outcome of every row of the file, or of none.

    The rows go through `hire_outcomes_record`, the service that records one
    outcome from the hire's page or the API (called there with one entry), so
    each row writes the outcome, audit entry and event recording it by hand
    writes, in the same order, and the file costs the same number of queries
    whatever its rows. Any problem in any row refuses the whole file, naming the
    lines.
    """
    today = today or timezone.localdate()
    preview = outcome_import_preview(job=job, data=data, today=today)
    if not preview.ok:
        lines = [str(row.line) for row in preview.problem_rows]
        raise Invalid(
            _("Nothing was imported: fix the problems first (lines %(lines)s).")
            % {"lines": ", ".join(lines)}
            if lines
            else " ".join([_("Nothing was imported."), *preview.problems]),
            code="import_invalid",
        )
    try:
        outcomes = hire_outcomes_record(
            entries=[(row.application, row.record) for row in preview.rows],
            by=actor,
            today=today,
        )
    except DomainError as error:
        # Changed since the preview (e.g. the decision was undone): refuse all.
        raise Invalid(
            _("Nothing was imported: line %(line)s: %(problem)s")
            % {"line": preview.rows[error.entry].line, "problem": error.message}
            if error.entry is not None
            else " ".join([_("Nothing was imported."), error.message]),
            code="import_invalid",
        ) from error
    created = sum(1 for outcome in outcomes if outcome.created)
    updated = sum(1 for outcome in outcomes if outcome.changed and not outcome.created)
    unchanged = len(outcomes) - created - updated
    audit_record(
        actor=actor,
        action=AuditEvent.Action.OUTCOMES_IMPORTED,
        obj=job if job is not None else actor,
        job=job,
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return OutcomeImportSummary(created=created, updated=updated, unchanged=unchanged)


# --- the template ---------------------------------------------------------------------

TEMPLATE_COLUMNS = [
    "application_id",
    "application_external_id",
    "candidate_email",
    "job_external_id",
    "start_date",
    "manager",
    "team",
    "leaving_date",
    "leaving_reason",
    "performance_rating",
    "rated_on",
]


def outcome_import_template(*, job: Job | None, today: date | None = None) -> str:
    """A CSV to fill in: the columns, the quarters of this year (and any already
    recorded), and one row per hire of the job (every job for None) with what is
    recorded so far."""
    today = today or timezone.localdate()
    applications = list(hired_applications_of(job=job)[:MAX_ROWS])
    quarters = {(today.year, q) for q in range(1, 5)}
    for application in applications:
        if _has_outcome(application):
            quarters |= {(q.year, q.quarter) for q in application.outcome.quotas.all()}
    quarters = sorted(quarters)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*TEMPLATE_COLUMNS, *(quarter_label(*key) for key in quarters)])
    for application in applications:
        outcome = application.outcome if _has_outcome(application) else None
        attainment = (
            {(q.year, q.quarter): q.attainment_percent for q in outcome.quotas.all()}
            if outcome
            else {}
        )
        writer.writerow(
            [
                _cell(value)
                for value in (
                    application.pk,
                    application.external_id,
                    application.candidate.email,
                    application.job.external_id,
                    outcome.start_date.isoformat() if outcome else "",
                    outcome.manager_name if outcome else "",
                    outcome.team if outcome else "",
                    outcome.leaving_date.isoformat()
                    if outcome and outcome.leaving_date
                    else "",
                    outcome.leaving_reason if outcome else "",
                    outcome.performance_rating
                    if outcome and outcome.performance_rating
                    else "",
                    outcome.rated_on.isoformat()
                    if outcome and outcome.rated_on
                    else "",
                    *(attainment.get(key, "") for key in quarters),
                )
            ]
        )
    return out.getvalue()
