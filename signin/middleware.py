from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from core import pagecache
from signin.two_factor import (
    has_authenticator,
    roles_key,
    second_factor_verified,
    two_factor_required,
)

# What a signed-in person who still owes a second factor may open: the two-factor pages,
# signing out, the health check, static files and the single sign-on round trip.
OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/sso/", "/static/")
OPEN_NAMES = ("logout", "healthz")


class TwoFactorMiddleware:
    """Sends a person who must use two-factor sign-in and has not verified this session to
    verify (or, with no authenticator yet, to set one up) before any other page. For the API
    such a session counts as not signed in; API tokens are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The open paths first: they must not touch the session or the user (the health check
        # answers for itself while the database is down).
        if request.path.startswith(OPEN_PREFIXES) or request.path in [
            reverse(name) for name in OPEN_NAMES
        ]:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or second_factor_verified(request):
            return self.get_response(request)
        drops = pagecache.drops()
        if two_factor_required(user):
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()
                return self.get_response(request)
            name = "two_factor_verify" if has_authenticator(user) else "two_factor_setup"
            target = reverse(name)
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        response = self.get_response(request)
        # Roles looked up during this request are kept for the next one (see two_factor.py).
        roles = getattr(user, "_ethicskit_roles", None)
        if roles is not None:
            pagecache.keep(roles_key(user.pk), roles, since=drops)
        return response
