from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments import receivers
        from hiring.signals import outcome_manager_changed, team_member_removed

        team_member_removed.connect(
            receivers.team_member_removed, dispatch_uid="assessments.panel_seats_end"
        )
        outcome_manager_changed.connect(
            receivers.outcome_manager_changed,
            dispatch_uid="assessments.development_plan_consent_end",
        )
