"""Reading the CSV files people upload (candidates, hire outcomes): one size limit,
one decoding, one way of matching column names and of finding the rows."""

from __future__ import annotations

import csv
import io
import unicodedata

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from hiring.errors import Invalid

MAX_ROWS = 1000
MAX_BYTES = 1_000_000


class BoundedUploadHandler(FileUploadHandler):
    """Every uploaded file is held in memory, and no more of it than MAX_BYTES + 1
    bytes: the rest of the body is read and dropped.

    Django's own handlers write a large upload whole to a temporary file before
    any view can refuse it, even for a visitor who is not signed in (the CSRF
    check reads the form, and so the file, to find its token). The only files
    Criba takes are CSV files, refused by their size one byte past the limit.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.kept = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_BYTES + 1 - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        size = self.kept.tell()
        self.kept.seek(0)
        return InMemoryUploadedFile(
            file=self.kept,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class CsvPreviewChecks:
    """What a preview of an uploaded file says of itself, for a dataclass with
    ``rows`` (each with ``ok``) and ``problems`` (of the file as a whole): it may
    be imported only when the file and every row are sound."""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def problem_rows(self) -> list:
        return [row for row in self.rows if not row.ok]


def csv_column_key(name: str) -> str:
    """A header compared without case, accents, spaces, dashes, underscores or
    dots: "Fecha de alta" and "Valoración" as an HR system in Spanish writes
    them, "fechadealta" and "valoracion" here."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(
        ch for ch in decomposed if ch not in " -_." and not unicodedata.combining(ch)
    )


def csv_decode(data: bytes | str) -> str:
    """The upload as text: UTF-8 (with or without a byte order mark), at most
    MAX_BYTES, without NUL (which no text Criba keeps may hold, and which
    PostgreSQL refuses); anything else is Invalid with the reason in words."""
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise Invalid(
                _("The file is larger than 1 MB; split it into smaller files."),
                code="import_too_big",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(
                _("The file is not UTF-8 text; save it as “CSV UTF-8” and try again."),
                code="import_encoding",
            ) from None
    if "\x00" in text:
        raise Invalid(
            _(
                "The file contains a NUL character (\\x00), so it is not a text "
                "file; save it as “CSV UTF-8” and try again."
            ),
            code="import_nul",
        )
    return text


def csv_lines(text: str) -> list[tuple[int, list[str]]]:
    """The non-blank lines with their numbers (from 1), in the delimiter the text
    uses (comma, semicolon or tab; comma when it cannot be told).

    A line the csv module cannot read (a cell longer than its field limit, which
    is larger than any column Criba keeps) is Invalid, naming the line."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    lines = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                lines.append((number, cells))
    except csv.Error:
        raise Invalid(
            _(
                "Line %(line)s cannot be read as CSV: a cell is far too long or "
                "a quotation mark is not closed."
            )
            % {"line": number + 1},
            code="import_unreadable",
        ) from None
    return lines
