from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as criba_urlpatterns


def bare_json(request):
    """The floor: a view that does nothing but answer JSON through the same stack."""
    return JsonResponse({"results": []})


urlpatterns = [path("bench/bare/", bare_json), *criba_urlpatterns]
