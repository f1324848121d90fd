"""The API's people: API-token sign-in and the role permission every endpoint uses."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.permissions import SAFE_METHODS

from core.api import KeyAuthentication
from teams.access import has_role, is_reviewer
from teams.models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=5)


READ_ONLY_REFUSED = (
    "This token is read-only: it may only read (GET, HEAD, OPTIONS). "
    "Create a token without “Read only” on your profile page to make changes."
)


class ApiTokenAuthentication(KeyAuthentication):
    """A key created on the profile page; its last use is noted at most every five minutes.
    An expired key is refused (401); a read-only key may only read (403 otherwise)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and found[1].read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(READ_ONLY_REFUSED)
        return found

    def user_for_key(self, raw_key: str):
        token = ApiToken.objects.for_key(raw_key)
        if token is None:
            return None
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                f"That token expired on {timezone.localtime(token.expires_at):%d %b %Y}; "
                "create a new one on your profile page."
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Token <key>', with a key created on your profile page.",
        }


def role_permission(*roles: str):
    """A DRF permission class that lets in signed-in people holding one of `roles`."""

    class HasRole(permissions.BasePermission):
        message = "Your role does not give access to this."

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and has_role(
                request.user, *roles
            )

    HasRole.__name__ = f"Has{'Or'.join(roles)}Role"
    return HasRole


class IsReviewer(permissions.BasePermission):
    """Lets in the people who review (`teams.access.is_reviewer`)."""

    message = "Only supervisors review interactions."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and is_reviewer(request.user)
