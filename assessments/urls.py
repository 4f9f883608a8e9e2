"""Recruiter pages that combine hiring and assessment data.

Included at "" before hiring.urls, so these paths must not overlap hiring's.
"""

from django.urls import path

from assessments.views import (
    development,
    fairness,
    interviews,
    outcomes,
    recruiter,
    reports,
    workspace,
)

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
        "applications/<int:pk>/outcome/",
        recruiter.application_outcome_view,
        name="application_outcome",
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
    path(
        "applications/<int:pk>/development/",
        development.development_plan_view,
        name="development_plan",
    ),
    path(
        "applications/<int:pk>/development/print/",
        development.development_plan_print,
        name="development_plan_print",
    ),
    path(
        "applications/<int:pk>/development/generate/",
        development.development_plan_generate_view,
        name="development_plan_generate",
    ),
    path(
        "applications/<int:pk>/development/check-ins/<int:day>/",
        development.development_check_in_view,
        name="development_check_in",
    ),
    path(
        "applications/<int:pk>/development/email/",
        development.development_plan_email_view,
        name="development_plan_email",
    ),
    path(
        "development-plans/",
        development.development_plans_shared,
        name="development_plans_shared",
    ),
    path("results/<int:pk>/", recruiter.result_detail, name="result_detail"),
    path("interviews/", interviews.my_interviews, name="my_interviews"),
    path("glossary/", workspace.glossary, name="glossary"),
    path("reports/", reports.report_index, name="report_index"),
    path(
        "reports/adverse-impact/",
        fairness.adverse_impact_view,
        name="adverse_impact",
    ),
    path(
        "applications/<int:pk>/interviews/new/",
        interviews.interview_schedule,
        name="interview_schedule",
    ),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview_detail"),
    path(
        "interviews/<int:pk>/reschedule/",
        interviews.interview_reschedule,
        name="interview_reschedule",
    ),
    path(
        "interviews/<int:pk>/cancel/",
        interviews.interview_cancel,
        name="interview_cancel",
    ),
    path("interviews/<int:pk>/kit/", interviews.interview_kit, name="interview_kit"),
    path("interviews/<int:pk>/scorecard/", interviews.scorecard, name="scorecard"),
    path(
        "interviews/<int:pk>/debrief/",
        interviews.interview_debrief_view,
        name="interview_debrief",
    ),
    path(
        "interviews/<int:pk>/decide/",
        interviews.interview_decide,
        name="interview_decide",
    ),
    path(
        "rubrics/<int:pk>/calibration/",
        interviews.calibration,
        name="rubric_calibration",
    ),
    path("practice/", interviews.practice_list, name="practice_list"),
    path("practice/<int:pk>/", interviews.practice_case, name="practice_case"),
    path("reports/validity/", outcomes.validity_report_view, name="outcome_validity"),
    path("reports/managers/", outcomes.manager_report_view, name="outcome_managers"),
]
