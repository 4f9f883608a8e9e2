"""The hire's development plan. Only the landing page carries the token; the rest
use the session."""

from django.urls import path

from assessments.views import development

app_name = "my_plan"

urlpatterns = [
    path("session/", development.hire_plan, name="plan"),
    path("session/consent/", development.hire_consent, name="consent"),
    # Last, so that "session/" is never read as a token.
    path("<str:token>/", development.hire_landing, name="landing"),
]
