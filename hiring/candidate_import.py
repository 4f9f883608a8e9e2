"""Candidates from a CSV file onto a job's pipeline: a preview that names every row's
problem before anything is written, then one all-or-nothing write.

The preview is a read model (`candidate_import_preview`); the write
(`candidate_import`) parses again, refuses the whole file if any row has a problem,
and otherwise adds every row in one transaction. A row whose email belongs to a
known candidate reuses that candidate instead of making a second one.

Both cost the same number of queries whatever the number of rows: rows are
checked with the service's own `candidate_fields_clean`, and written by
`candidates_add_to_job`, the service that adds one person from the job's page
(called there with one row), so the file's rows, their audit records and their
refusals are those of adding each person by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
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
from hiring.errors import Conflict, Invalid
from hiring.models import Application, AuditEvent, Candidate, Capability, Job
from hiring.selectors import applications_visible_to, candidates_by_email
from hiring.services import (
    audit_record,
    candidate_fields_clean,
    candidates_add_to_job,
    one_line_text_problem,
)

# Column -> the names a header may use for it (compared without case, spaces,
# dashes or underscores).
COLUMNS = {
    "first_name": ("firstname", "givenname", "nombre"),
    "last_name": ("lastname", "surname", "familyname", "apellidos", "apellido"),
    "email": ("email", "emailaddress", "mail", "correo"),
    "phone": ("phone", "telephone", "mobile", "telefono", "teléfono"),
    "preferred_language": ("language", "preferredlanguage", "idioma"),
    "external_id": ("externalid", "id", "atsid"),
}
REQUIRED = ("first_name", "last_name", "email")
COLUMN_NAMES = {
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("email"),
    "phone": gettext_lazy("phone"),
    "preferred_language": gettext_lazy("language"),
    "external_id": gettext_lazy("external id"),
}
LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "inglés": "en",
    "ingles": "en",
    "es": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    # The known candidate this row's email belongs to, if any.
    existing: Candidate | None = None
    # The importer may already see that candidate (an application on a job where
    # their role shows applications), so the preview may name them: a row must
    # not tell another team's candidates' names from their emails alone.
    existing_visible: bool = False
    # That candidate is already on this job's pipeline: nothing to add.
    already_applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def full_name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}"


@dataclass
class ImportPreview(CsvPreviewChecks):
    rows: list[ImportRow]
    # Problems of the file as a whole (encoding, header, size).
    problems: list[str] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.existing is None)

    @property
    def known_count(self) -> int:
        return sum(
            1 for r in self.rows if r.ok and r.existing and not r.already_applied
        )

    @property
    def skipped_count(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.already_applied)


def _header(names: list[str]) -> tuple[dict[int, str], list[str]]:
    """Map column positions to fields; the problems of the header."""
    aliases = {
        alias: column for column, names_ in COLUMNS.items() for alias in names_
    } | {csv_column_key(column): column for column in COLUMNS}
    positions: dict[int, str] = {}
    problems = []
    for index, name in enumerate(names):
        column = aliases.get(csv_column_key(name))
        if column is None:
            if name.strip():
                problems.append(
                    _("Unknown column “%(name)s”; remove it or rename it.")
                    % {"name": name.strip()}
                )
            continue
        if column in positions.values():
            problems.append(
                _("The column “%(name)s” appears twice.") % {"name": name.strip()}
            )
            continue
        positions[index] = column
    missing = [c for c in REQUIRED if c not in positions.values()]
    if missing:
        problems.append(
            _("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(str(COLUMN_NAMES[c]) for c in missing)}
        )
    return positions, problems


def _check_row(row: ImportRow, languages: set[str]) -> None:
    """The row's problems: first in the words of a file's columns, then whatever
    else `candidate_fields_clean` (what the import writes through) refuses."""
    values = row.values
    named: set[str] = set()

    def problem(column: str, text: str) -> None:
        named.add(column)
        row.problems.append(text)

    for column in REQUIRED:
        if not values.get(column):
            problem(
                column, _("The %(column)s is empty.") % {"column": COLUMN_NAMES[column]}
            )
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem(
                "email", _("“%(email)s” is not an email address.") % {"email": email}
            )
        values["email"] = email.lower()
    language = values.get("preferred_language", "")
    if language:
        code = LANGUAGE_NAMES.get(language.lower(), language.lower())
        if code not in languages:
            problem(
                "preferred_language",
                _("Unknown language “%(language)s”; use %(choices)s.")
                % {"language": language, "choices": ", ".join(sorted(languages))},
            )
        else:
            values["preferred_language"] = code
    for column in COLUMNS:
        if one_line_text_problem(values.get(column, "")):
            problem(
                column,
                _("The %(column)s holds a line break or another control character.")
                % {"column": COLUMN_NAMES[column]},
            )
    try:
        candidate_fields_clean({k: v for k, v in values.items() if v})
    except Invalid as refusal:
        for column, messages in refusal.fields.items():
            if column in named:
                continue
            for message in messages:
                problem(
                    column,
                    _("The %(column)s is not valid: %(problem)s")
                    % {"column": COLUMN_NAMES.get(column, column), "problem": message},
                )


def candidate_import_preview(
    *, job: Job, data: bytes | str, user=None
) -> ImportPreview:
    """Every row of the file with its problems, and which emails are already known
    (and, for ``user``, which of those candidates they may already see); writes
    nothing. Four queries at most whatever the number of rows."""
    try:
        text = csv_decode(data)
    except Invalid as problem:
        return ImportPreview(rows=[], problems=[problem.message])
    if len(text.encode("utf-8")) > MAX_BYTES:
        return ImportPreview(
            rows=[], problems=[_("The text is larger than 1 MB; split it.")]
        )
    try:
        lines = csv_lines(text)
    except Invalid as problem:
        return ImportPreview(rows=[], problems=[problem.message])
    if not lines:
        return ImportPreview(rows=[], problems=[_("The file has no rows.")])
    positions, problems = _header(lines[0][1])
    body = lines[1:]
    if not body and not problems:
        problems.append(_("The file names the columns but has no candidates."))
    if len(body) > MAX_ROWS:
        problems.append(
            _("The file has %(count)s rows; import at most %(limit)s at a time.")
            % {"count": len(body), "limit": MAX_ROWS}
        )
        body = body[:MAX_ROWS]
    languages = set(Candidate.Language.values)
    rows = []
    for number, cells in body:
        values = dict.fromkeys(COLUMNS, "")
        for index, column in positions.items():
            if index < len(cells):
                values[column] = cells[index].strip()
        row = ImportRow(line=number, values=values)
        if len(cells) > len(lines[0][1]) and any(
            cell.strip() for cell in cells[len(lines[0][1]) :]
        ):
            row.problems.append(_("This line has more cells than the header."))
        _check_row(row, languages)
        rows.append(row)

    first_line: dict[str, int] = {}
    first_external: dict[str, int] = {}
    for row in rows:
        email = row.values["email"]
        if email in first_line:
            row.problems.append(
                _("The same email as line %(line)s; keep one of the two.")
                % {"line": first_line[email]}
            )
        elif email:
            first_line[email] = row.line
        external_id = row.values["external_id"]
        if external_id in first_external:
            row.problems.append(
                _("The same external id as line %(line)s; keep one of the two.")
                % {"line": first_external[external_id]}
            )
        elif external_id:
            first_external[external_id] = row.line
    external_ids = list(first_external)

    known = candidates_by_email(first_line)
    applied = set(
        Application.objects.filter(
            job=job, candidate__in=list(known.values())
        ).values_list("candidate_id", flat=True)
    )
    taken = dict(
        Candidate.objects.filter(external_id__in=external_ids).values_list(
            "external_id", "email"
        )
    )
    visible = (
        set(
            applications_visible_to(user, Capability.VIEW_APPLICATIONS)
            .filter(candidate__in=list(known.values()))
            .values_list("candidate_id", flat=True)
        )
        if user is not None and known
        else set()
    )
    for row in rows:
        candidate = known.get(row.values["email"])
        if candidate is not None:
            row.existing = candidate
            row.already_applied = candidate.pk in applied
            row.existing_visible = candidate.pk in visible
        external_id = row.values["external_id"]
        if external_id and external_id in taken:
            owner = taken[external_id].lower()
            if owner != row.values["email"]:
                row.problems.append(
                    _("The external id “%(id)s” belongs to another candidate.")
                    % {"id": external_id}
                )
    return ImportPreview(rows=rows, problems=problems)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    reused: int
    skipped: int
    applications: list[Application]


@transaction.atomic
def candidate_import(*, job: Job, actor, data: bytes | str) -> ImportSummary:
    """Add every row of the file to the job's pipeline, or nothing.

    A row whose email is known reuses that candidate (their record is left as it
    is); one already on this job is skipped. Any problem in any row refuses the
    whole file, naming the rows.
    """
    if job.status == Job.Status.CLOSED:
        raise Conflict(_("This job is closed."), code="job_closed")
    preview = candidate_import_preview(job=job, data=data)
    if not preview.ok:
        lines = [str(row.line) for row in preview.problem_rows]
        raise Invalid(
            _("Nothing was imported: fix the problems first (lines %(lines)s).")
            % {"lines": ", ".join(lines)}
            if lines
            else " ".join([_("Nothing was imported."), *preview.problems]),
            code="import_invalid",
        )
    adding = [row for row in preview.rows if not row.already_applied]
    added = candidates_add_to_job(
        job=job,
        rows=[{k: v for k, v in row.values.items() if v} for row in adding],
        actor=actor,
    )
    created = sum(1 for _application, new in added if new)
    reused = len(added) - created
    skipped = len(preview.rows) - len(adding)
    applications = [application for application, _new in added]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CANDIDATES_IMPORTED,
        obj=job,
        job=job,
        data={"created": created, "reused": reused, "skipped": skipped},
    )
    return ImportSummary(
        created=created, reused=reused, skipped=skipped, applications=applications
    )
