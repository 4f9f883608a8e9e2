"""The partner endpoints Greenhouse calls (see docs/greenhouse.md)."""

from django.urls import path, re_path

from assessments.views import greenhouse

app_name = "greenhouse"
urlpatterns = [
    path("list_tests", greenhouse.list_tests, name="list_tests"),
    path("send_test", greenhouse.send_test, name="send_test"),
    path("test_status", greenhouse.test_status, name="test_status"),
    path("response_error", greenhouse.response_error, name="response_error"),
    # A mistyped URL (a trailing slash) gets a problem naming the four calls.
    re_path(r"", greenhouse.unknown_call),
]
