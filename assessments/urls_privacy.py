"""Candidates' data rights: recruiter pages per candidate, and the public notice.

Included at "" before hiring.urls, so these paths must not overlap hiring's or
assessments.urls'.
"""

from django.urls import path

from assessments.views import privacy

app_name = "privacy"
urlpatterns = [
    path("candidates/<int:pk>/privacy/", privacy.candidate_privacy, name="candidate"),
    path(
        "candidates/<int:pk>/privacy/retention/",
        privacy.candidate_retention,
        name="retention",
    ),
    path(
        "candidates/<int:pk>/privacy/export/",
        privacy.candidate_export_view,
        name="export",
    ),
    path(
        "candidates/<int:pk>/privacy/erase/",
        privacy.candidate_erase_view,
        name="erase",
    ),
    path("privacy/", privacy.privacy_notice, name="notice"),
    path("privacy/v<int:version>/", privacy.privacy_notice, name="notice_version"),
]
