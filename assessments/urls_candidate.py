"""Candidate URLs. Only the landing page carries the token; the rest use the session."""

from django.urls import path

from assessments.views import candidate

app_name = "take"

urlpatterns = [
    path("session/", candidate.resume, name="resume"),
    path("session/page/<int:number>/", candidate.page, name="page"),
    path("session/autosave/", candidate.autosave, name="autosave"),
    path("session/submit/", candidate.submit, name="submit"),
    path("session/done/", candidate.done, name="done"),
    path("session/about-you/", candidate.self_identify, name="self_identify"),
    # Last, so that "session/" is never read as a token.
    path("<str:token>/", candidate.landing, name="landing"),
]
