import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assessments.models import InstrumentVersion
from assessments.results.memory import allocator_single_arena, peak_memory_mb
from assessments.results.rescore import (
    RESCORE_BATCH_SIZE,
    results_rescore,
    results_rescore_pending,
)
from assessments.scoring import SCORING_VERSION
from assessments.tasks import rescore_task


def version_for(instrument: str, number: int | None) -> InstrumentVersion:
    """The instrument's version ``number``, or its latest; CommandError if none."""
    versions = InstrumentVersion.objects.filter(instrument__slug=instrument)
    version = (
        versions.filter(version=number).first()
        if number is not None
        else versions.order_by("-version").first()
    )
    if version is None:
        which = f"version {number} of " if number is not None else ""
        raise CommandError(
            f"No {which}instrument {instrument!r}; run manage.py load_instruments"
        )
    return version


class InstrumentVersionCommand(BaseCommand):
    """A command about one instrument version: ``--instrument SLUG [--version N]``.

    ``--version`` takes the place of Django's own (which prints Django's version).
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, conflict_handler="resolve", **kwargs
        )

    def add_arguments(self, parser):
        parser.add_argument("--instrument", required=True, metavar="SLUG")
        parser.add_argument(
            "--version",
            dest="number",
            type=int,
            default=None,
            metavar="N",
            help="Version number (default: the latest).",
        )


class Command(InstrumentVersionCommand):
    help = (
        "Score every submission of an instrument version again with the current "
        "scoring version and norms. Earlier results stay; the new one becomes "
        "current. Idempotent and resumable: what is already scored is skipped."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=RESCORE_BATCH_SIZE,
            metavar="N",
            help=f"Submissions per transaction (default {RESCORE_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the Celery workers (one task per batch) instead.",
        )

    def handle(
        self, *args, instrument, number, batch_size, no_progress, enqueue, **options
    ):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        version = version_for(instrument, number)
        if enqueue:
            rescore_task.delay(version.pk, after_id=0, batch_size=batch_size)
            self.stdout.write(f"{version}: rescoring enqueued")
            return
        # Before any thread starts: the writer thread then shares the main
        # arena instead of keeping a second working set of its own.
        allocator_single_arena()
        pending = results_rescore_pending(version=version)
        self.stdout.write(
            f"{version}: {pending} submission(s) to score with scoring version "
            f"{SCORING_VERSION}"
        )
        started = time.perf_counter()
        with tqdm(
            total=pending,
            unit="submission",
            unit_scale=True,
            disable=no_progress or pending == 0,
            # The raw stream: Django's wrapper would add a newline to every redraw.
            file=self.stderr._out,
        ) as bar:
            outcome = results_rescore(
                version=version, batch_size=batch_size, progress=bar.update
            )
        elapsed = time.perf_counter() - started
        rate = outcome.scored / elapsed if elapsed > 0 else 0.0
        peak_mb = peak_memory_mb()
        self.stdout.write(
            f"Scored {outcome.scored} submission(s) in {outcome.batches} batch(es), "
            f"{elapsed:.1f} s ({rate:.0f}/s), peak memory {peak_mb:.0f} MB"
        )
