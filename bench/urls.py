from django.http import HttpResponse
from django.urls import path

from ethicskit.urls import urlpatterns as app_patterns


def bare(request):
    """The floor: Django's request/response cycle with no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def signed_in(request):
    """A second floor: the same, plus what every signed-in page pays (its session and user)."""
    return HttpResponse(request.user.get_username().encode(), content_type="text/plain")


urlpatterns = [path("bench/bare", bare), path("bench/signed-in", signed_in), *app_patterns]
