from django.urls import path
from rest_framework.routers import SimpleRouter

from assessments.api.views import (
    ApplicationReportViewSet,
    InstrumentViewSet,
    InvitationViewSet,
    ResultViewSet,
)

router = SimpleRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("results", ResultViewSet, basename="result")

urlpatterns = [
    path(
        "applications/<int:pk>/report/",
        ApplicationReportViewSet.as_view({"get": "retrieve"}),
        name="application-report",
    ),
    *router.urls,
]
