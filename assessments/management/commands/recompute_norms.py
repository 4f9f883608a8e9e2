from django.core.management.base import BaseCommand
from tqdm import tqdm

from assessments.management.commands.rescore import version_for
from assessments.models import InstrumentVersion
from assessments.statistics.norms import (
    MIN_NORM_N,
    NormsOutcome,
    norms_recompute_outcomes,
)
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
            outcomes = norms_recompute_outcomes(version=version)[version]
            for line in _norms_lines(outcomes):
                self.stdout.write(f"{version}: {line}")
            for row in reliabilities_recompute(version=version):
                if row.alpha is not None:
                    figure = (
                        f"alpha {row.alpha:.3f} [{row.alpha_low:.3f}, "
                        f"{row.alpha_high:.3f}], N = {row.n}"
                    )
                elif row.n < MIN_RELIABILITY_N:
                    figure = f"not yet estimable (N = {row.n} < {MIN_RELIABILITY_N})"
                else:
                    figure = (
                        "not estimable: the scale's total is the same for every "
                        "respondent, or every respondent answered its items "
                        f"alike; scores keep the published figure, N = {row.n}"
                    )
                self.stdout.write(f"{version}: {row.scale_key}: {figure}")


def _norms_lines(outcomes: list[NormsOutcome]) -> list[str]:
    """One line per norm group, or one line when too few submissions in all."""
    pooled = outcomes[0]
    if pooled.reason == "too_few" and pooled.scale is None:
        return [f"norms unchanged (local norms need {MIN_NORM_N} valid submissions)"]
    lines = []
    for outcome in outcomes:
        group = outcome.language or "all"
        if outcome.reason == "created":
            lines.append(f"new local norms ({group}, N = {outcome.n})")
        elif outcome.reason == "unchanged":
            lines.append(f"local norms unchanged ({group}, N = {outcome.n})")
        elif outcome.reason == "no_spread":
            lines.append(
                f"no local norms ({group}): every valid submission has the same "
                f"{outcome.scale} score, so there is no SD to standardise "
                "against; scores keep the norms in use"
            )
        elif outcome.reason == "too_narrow":
            lines.append(
                f"no local norms ({group}): the valid submissions' {outcome.scale} "
                f"scores have SD {outcome.sd:.3f}, below {outcome.min_sd:.3f}, the "
                "spread measurement error alone gives (published SD x sqrt(1 - "
                "reliability)); answers given alike or copied are likely; scores "
                "keep the norms in use"
            )
        elif outcome.scale is not None:
            lines.append(
                f"no local norms ({group}): {outcome.scale} is scored in "
                f"{outcome.n} valid submissions; local norms need {MIN_NORM_N}"
            )
        else:
            lines.append(
                f"no local norms ({group}): {outcome.n} valid submissions; local "
                f"norms need {MIN_NORM_N}"
            )
    return lines
