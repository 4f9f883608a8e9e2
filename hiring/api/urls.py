from rest_framework.routers import SimpleRouter

from hiring.api.outcomes import HireOutcomeViewSet
from hiring.api.views import ApplicationViewSet, CandidateViewSet, JobViewSet
from hiring.api.webhooks import WebhookEndpointViewSet

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("applications", ApplicationViewSet, basename="application")
router.register("outcomes", HireOutcomeViewSet, basename="outcome")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
