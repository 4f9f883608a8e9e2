from django.urls import path
from rest_framework.routers import SimpleRouter

from assessments.api.views import (
    ApplicationReportViewSet,
    InstrumentViewSet,
    InterviewViewSet,
    InvitationViewSet,
    ResultViewSet,
    ScorecardViewSet,
)

router = SimpleRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("results", ResultViewSet, basename="result")
router.register("interviews", InterviewViewSet, basename="interview")
router.register("scorecards", ScorecardViewSet, basename="scorecard")

urlpatterns = [
    path(
        "applications/<int:pk>/report/",
        ApplicationReportViewSet.as_view({"get": "retrieve"}),
        name="application-report",
    ),
    *router.urls,
]
