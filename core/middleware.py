"""Request handling shared by every app."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Nothing a signed-in person sees, and no API answer, is kept by a browser or a proxy.

    Pages, exports and downloads of a signed-in person carry people's performance records, and
    a shared computer's back button or a caching proxy must not show them to the next person.
    API answers are marked whoever asks: a token's caller is known only inside the view. A
    request with a session cookie counts as signed in without asking the database, so the
    answer is marked even while the database is unreachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response
        if request.path.startswith(API_PREFIX) or _maybe_signed_in(request):
            add_never_cache_headers(response)
        return response


def _maybe_signed_in(request) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    # Signed in during this request (the session cookie is set on the way out); without a
    # session cookie this asks no database.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
