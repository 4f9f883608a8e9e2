from django.core.management.base import BaseCommand, CommandError

from hiring.errors import DomainError
from hiring.models import ApiKey
from hiring.services import api_key_create


class Command(BaseCommand):
    help = (
        "Create an API key for an applicant tracking system and print it once, as "
        "the last line of the output (only its prefix and hash are stored)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="Who the key is for.")
        parser.add_argument(
            "--scopes",
            required=True,
            help="Comma-separated, among: " + ", ".join(ApiKey.Scope.values),
        )

    def handle(self, *args, name: str, scopes: str, **options) -> None:
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        try:
            api_key, raw_key = api_key_create(name=name, scopes=wanted)
        except DomainError as error:
            details = "; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in error.fields.items()
            )
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(
            f"Created API key {api_key.prefix} ({api_key.name}) with scopes "
            f"{', '.join(api_key.scopes)}. Store it now: it is not shown again."
        )
        self.stdout.write(raw_key)
