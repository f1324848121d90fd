import time

from django.http import HttpResponse
from django.urls import path

from ethicskit.urls import urlpatterns as app_patterns


def bare(request):
    """The floor: Django's request/response cycle with no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def signed_in(request):
    """A second floor: the same, plus what every signed-in page pays (its session and user)."""
    return HttpResponse(request.user.get_username().encode(), content_type="text/plain")


def slow(request):
    """A page slower than wrk's 10-second timeout (`--page slow_check`): it must be reported as
    failing, and the page after it must not pay for its unfinished requests."""
    time.sleep(12)
    return HttpResponse(b"slow", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("bench/signed-in", signed_in),
    path("bench/slow", slow),
    *app_patterns,
]
