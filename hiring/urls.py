from django.urls import path

from hiring import views_webhooks
from hiring.views import candidates, jobs, outcomes

app_name = "hiring"
urlpatterns = [
    path("", jobs.job_list, name="job_list"),
    path("jobs/new/", jobs.job_new, name="job_new"),
    path("jobs/<int:pk>/edit/", jobs.job_edit, name="job_edit"),
    path("jobs/<int:pk>/status/", jobs.job_status, name="job_status"),
    path("jobs/<int:pk>/team/", jobs.job_team_view, name="job_team"),
    path(
        "jobs/<int:pk>/team/<int:member_id>/remove/",
        jobs.job_team_remove,
        name="job_team_remove",
    ),
    path(
        "jobs/<int:pk>/candidates/new/", candidates.candidate_new, name="candidate_new"
    ),
    path(
        "jobs/<int:pk>/candidates/import/",
        candidates.candidate_import_view,
        name="candidate_import",
    ),
    path(
        "jobs/<int:pk>/outcomes/import/",
        outcomes.outcome_import_view,
        name="outcome_import",
    ),
    path(
        "jobs/<int:pk>/outcomes/template.csv",
        outcomes.outcome_import_template_view,
        name="outcome_import_template",
    ),
    path(
        "outcomes/import/",
        outcomes.outcome_import_view,
        name="outcome_import_all",
    ),
    path(
        "outcomes/template.csv",
        outcomes.outcome_import_template_view,
        name="outcome_import_template_all",
    ),
    path("settings/webhooks/", views_webhooks.webhook_list, name="webhook_list"),
    path(
        "settings/webhooks/<int:pk>/",
        views_webhooks.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "settings/webhooks/<int:pk>/rotate/",
        views_webhooks.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "settings/webhooks/<int:pk>/ping/",
        views_webhooks.webhook_ping,
        name="webhook_ping",
    ),
    path(
        "settings/webhooks/<int:pk>/toggle/",
        views_webhooks.webhook_toggle,
        name="webhook_toggle",
    ),
    path(
        "settings/webhook-deliveries/<int:pk>/redeliver/",
        views_webhooks.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
