from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessments.views.statistics import instrument_statistics_view
from hiring.api.views import EndpointNotFoundView
from hiring.health import healthz
from hiring.views import SignInView


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ignore the page's icon link ask for /favicon.ico."""
    return redirect(static("favicon.svg"))


api_v1 = [
    path("", include("hiring.api.urls")),
    path("", include("assessments.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("integrations/greenhouse/", include("assessments.urls_greenhouse")),
    re_path(r"^api/", EndpointNotFoundView.as_view()),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("take/", include("assessments.urls_candidate")),
    path("my-plan/", include("assessments.urls_my_plan")),
    path(
        "instruments/<int:version_id>/statistics/",
        instrument_statistics_view,
        name="instrument_statistics",
    ),
    path("", include("assessments.urls")),
    path("", include("assessments.urls_privacy")),
    path("", include("hiring.urls")),
]

handler400 = "hiring.views.bad_request"
