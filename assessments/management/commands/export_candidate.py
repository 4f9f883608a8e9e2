"""Write everything Criba holds about one candidate as JSON; the export is audited."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.privacy.export import candidate_export
from hiring.models import Candidate


class Command(BaseCommand):
    help = "Export a candidate's data (GDPR access and portability) as one JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate_id", type=int)
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: standard output).",
        )

    def handle(self, *args, candidate_id: int, output: str | None, **options) -> None:
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate with id {candidate_id}")
        document = candidate_export(candidate=candidate, actor=None, via="command")
        if output:
            Path(output).write_text(document + "\n", encoding="utf-8")
            self.stderr.write(f"Wrote candidate {candidate_id} to {output}")
        else:
            self.stdout.write(document)
