from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.definitions import DefinitionError, instruments_load


class Command(BaseCommand):
    help = (
        "Validate the questionnaire definitions (*.yaml) in a directory and publish "
        "each new or changed one as a new instrument version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            metavar="PATH",
            type=Path,
            default=None,
            help="Directory of definition files (default: CRIBA_INSTRUMENTS_DIR).",
        )

    def handle(self, *args, directory: Path | None = None, **options):
        directory = directory or Path(settings.CRIBA_INSTRUMENTS_DIR)
        try:
            outcomes = instruments_load(directory)
        except DefinitionError as error:
            raise CommandError(str(error)) from error
        if not outcomes:
            self.stdout.write(f"No instrument definitions (*.yaml) in {directory}")
        for outcome in outcomes:
            state = "created" if outcome.created else "unchanged"
            self.stdout.write(f"{outcome.slug} v{outcome.version} {state}")
            if outcome.created:
                for note in outcome.notes:
                    self.stdout.write(f"  {outcome.slug}: {note}")
