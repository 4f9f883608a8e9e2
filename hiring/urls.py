from django.urls import path

from hiring import views, views_webhooks

app_name = "hiring"
urlpatterns = [
    path("", views.job_list, name="job_list"),
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
