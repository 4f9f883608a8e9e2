import sys
from pathlib import Path

from django.core.management.base import CommandError

from assessments.management.commands.rescore import (
    InstrumentVersionCommand,
    version_for,
)
from assessments.statistics.export import EXPORT_FORMATS, responses_export


class Command(InstrumentVersionCommand):
    help = (
        "Export the item-level answers of an instrument version for research: one "
        "row per completed submission (id, language, submitted time, validity "
        "status, then one column per item in definition order). No personal data."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format", dest="fmt", choices=EXPORT_FORMATS, required=True
        )
        parser.add_argument(
            "--output",
            metavar="PATH",
            type=Path,
            default=None,
            help="Write to this file (default: standard output).",
        )

    def handle(self, *args, instrument, number, fmt, output, **options):
        version = version_for(instrument, number)
        try:
            if output is None:
                count = responses_export(version=version, fmt=fmt, out=self.stdout._out)
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = responses_export(version=version, fmt=fmt, out=out)
        except ValueError as error:
            raise CommandError(str(error)) from error
        sys.stderr.write(f"Exported {count} submission(s) of {version}\n")
