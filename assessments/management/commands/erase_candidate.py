"""Erase a candidate's personal data for good; the erasure is audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.privacy.erasure import candidate_erase
from hiring.errors import DomainError
from hiring.models import Candidate


class Command(BaseCommand):
    help = (
        "Erase a candidate's personal data (GDPR art. 17). Answers and results stay "
        "de-identified for statistics unless --answers is given. Refused while an "
        "application is open, unless --force-reason says why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate_id", type=int)
        parser.add_argument(
            "--answers",
            action="store_true",
            help="Also delete the candidate's answers, page timings and results.",
        )
        parser.add_argument(
            "--force-reason",
            default="",
            help="Erase although an application is open; the reason is audited and "
            "must not name the candidate.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(
        self,
        *args,
        candidate_id: int,
        answers: bool,
        force_reason: str,
        interactive: bool,
        **options,
    ) -> None:
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate with id {candidate_id}")
        if interactive:
            what = "personal data" + (", answers and results" if answers else "")
            reply = input(
                f"Erase the {what} of candidate {candidate_id}? This cannot be "
                "undone. Type 'erase' to go on: "
            )
            if reply.strip() != "erase":
                raise CommandError("Nothing was erased.")
        try:
            erasure = candidate_erase(
                candidate=candidate,
                actor=None,
                answers=answers,
                force_reason=force_reason,
                trigger="command",
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        rows = ", ".join(f"{k}: {v}" for k, v in sorted(erasure.counts.items()))
        self.stdout.write(f"Erased candidate {candidate_id} ({rows})")
