"""Recruiter pages that combine hiring and assessment data.

Included at "" before hiring.urls, so these paths must not overlap hiring's.
"""

from django.urls import path

from assessments.views import recruiter, workspace

app_name = "results"
urlpatterns = [
    path("jobs/<int:pk>/", workspace.job_pipeline, name="job_detail"),
    path("jobs/<int:pk>/invite/", workspace.job_invite_many, name="job_invite_many"),
    path("jobs/<int:pk>/plan/", workspace.job_plan, name="job_plan"),
    path(
        "applications/<int:pk>/",
        recruiter.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/invite/",
        recruiter.application_invite,
        name="application_invite",
    ),
    path(
        "applications/<int:pk>/decide/",
        recruiter.application_decide_view,
        name="application_decide",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        recruiter.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:pk>/resend/",
        recruiter.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/extend/",
        recruiter.invitation_extend_view,
        name="invitation_extend",
    ),
    path("results/<int:pk>/", recruiter.result_detail, name="result_detail"),
    path("interviews/", recruiter.my_interviews, name="my_interviews"),
    path("glossary/", workspace.glossary, name="glossary"),
]
