from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.definitions import DefinitionError, instruments_load
from assessments.rubric_definitions import rubrics_load


class Command(BaseCommand):
    help = (
        "Validate the questionnaire definitions and the interview rubrics (*.yaml) "
        "and publish each new or changed one as a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            metavar="PATH",
            type=Path,
            default=None,
            help="Directory of questionnaire files (default: CRIBA_INSTRUMENTS_DIR).",
        )
        parser.add_argument(
            "--rubrics-dir",
            dest="rubrics_directory",
            metavar="PATH",
            type=Path,
            default=None,
            help="Directory of interview rubric files (default: CRIBA_RUBRICS_DIR).",
        )

    def handle(
        self,
        *args,
        directory: Path | None = None,
        rubrics_directory: Path | None = None,
        **options,
    ):
        directory = directory or Path(settings.CRIBA_INSTRUMENTS_DIR)
        rubrics_directory = rubrics_directory or Path(settings.CRIBA_RUBRICS_DIR)
        try:
            outcomes = instruments_load(directory)
            rubric_outcomes = (
                rubrics_load(rubrics_directory) if rubrics_directory.is_dir() else []
            )
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
        for outcome in rubric_outcomes:
            state = "created" if outcome.created else "unchanged"
            self.stdout.write(f"rubric {outcome.slug} v{outcome.version} {state}")
