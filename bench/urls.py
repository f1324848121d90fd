from django.http import HttpResponse
from django.urls import path

from ethicskit.urls import urlpatterns as app_patterns


def bare(request):
    """The floor: Django's request/response cycle with no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *app_patterns]
