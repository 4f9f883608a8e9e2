from django.core.management.base import BaseCommand
from tqdm import tqdm

from assessments.management.commands.rescore import version_for
from assessments.models import InstrumentVersion
from assessments.statistics.norms import MIN_NORM_N, norms_recompute
from assessments.statistics.reliability import (
    MIN_RELIABILITY_N,
    reliabilities_recompute,
)


class Command(BaseCommand):
    help = (
        "Compute local norms (once a version has 100 valid submissions) and "
        "reliability estimates from the valid completed submissions, for one "
        "instrument or all. New norm sets are used by new scores; run "
        "manage.py rescore to bring earlier results onto them."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the instrument version here, not Django's version.
        return super().create_parser(
            prog_name, subcommand, conflict_handler="resolve", **kwargs
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--instrument", metavar="SLUG", help="Only this instrument (default: all)."
        )
        parser.add_argument(
            "--version",
            dest="number",
            type=int,
            default=None,
            metavar="N",
            help="Only this version of --instrument (default: every version).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, instrument, number, no_progress, **options):
        if instrument and number is not None:
            versions = [version_for(instrument, number)]
        elif instrument:
            version_for(instrument, None)  # says so when the instrument is unknown
            versions = list(
                InstrumentVersion.objects.filter(instrument__slug=instrument)
            )
        else:
            versions = list(InstrumentVersion.objects.all())
        for version in tqdm(
            versions, unit="version", disable=no_progress, file=self.stderr._out
        ):
            created = norms_recompute(version=version)
            if created:
                for norm_set in created:
                    self.stdout.write(
                        f"{version}: new local norms ({norm_set.language or 'all'}, "
                        f"N = {norm_set.n})"
                    )
            else:
                self.stdout.write(
                    f"{version}: norms unchanged (local norms need {MIN_NORM_N} "
                    "valid submissions)"
                )
            for row in reliabilities_recompute(version=version):
                if row.alpha is None:
                    figure = f"not yet estimable (N = {row.n} < {MIN_RELIABILITY_N})"
                else:
                    figure = (
                        f"alpha {row.alpha:.3f} [{row.alpha_low:.3f}, "
                        f"{row.alpha_high:.3f}], N = {row.n}"
                    )
                self.stdout.write(f"{version}: {row.scale_key}: {figure}")
