"""The API's people: API-token sign-in and the role permission every endpoint uses."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import permissions

from core.api import KeyAuthentication
from teams.access import has_role
from teams.models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(KeyAuthentication):
    """A key created on the profile page; its last use is noted at most every five minutes."""

    def user_for_key(self, raw_key: str):
        token = ApiToken.objects.for_key(raw_key)
        if token is None:
            return None
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
