"""Request handling shared by every app."""

from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Nothing a signed-in person sees, and no API answer, is kept by a browser or a proxy.

    Pages, exports and downloads of a signed-in person carry people's performance records, and
    a shared computer's back button or a caching proxy must not show them to the next person.
    API answers are marked whoever asks: a token's caller is known only inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
