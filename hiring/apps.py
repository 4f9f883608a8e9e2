from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = _("Hiring")

    def ready(self) -> None:
        # Connected here, once the apps are loaded, as Django asks of receivers.
        from axes.signals import user_locked_out

        from hiring.receivers import login_lockout_audit

        user_locked_out.connect(login_lockout_audit, dispatch_uid="criba-lockout")

        # Registers the OpenAPI description of the bearer scheme.
        from hiring.api import schema  # noqa: F401
