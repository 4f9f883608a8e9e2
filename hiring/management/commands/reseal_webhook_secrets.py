from django.core.management.base import BaseCommand, CommandError

from hiring.webhooks.services import webhook_secrets_reseal


class Command(BaseCommand):
    help = (
        "Seal every webhook endpoint's signing secret under the current "
        "DJANGO_SECRET_KEY, after a rotation that kept the former key in "
        "DJANGO_SECRET_KEY_FALLBACKS. Run it before removing the fallback."
    )

    def handle(self, *args, **options) -> None:
        summary = webhook_secrets_reseal()
        self.stdout.write(
            f"Sealed the secrets of {summary.resealed} endpoint(s) "
            "under the current key."
        )
        if summary.unreadable:
            names = ", ".join(
                f"#{endpoint.pk} ({endpoint.name})" for endpoint in summary.unreadable
            )
            raise CommandError(
                f"No key in DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FALLBACKS opens the "
                f"secret of {names}: add the former key to the fallbacks and run this "
                "again, or give each of them a new secret (rotate it) and tell its "
                "receiver."
            )
