"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

The provider is named by its issuer; its endpoints and keys come from the issuer's discovery
document. A person is matched by e-mail (the provider must not say it is unverified) or made
on first sign-in with no role. With ETHICSKIT_OIDC_ROLE_MAP set, every sign-in gives the person
exactly the roles their group claim maps to (and staff status with the Admin role).
"""

import json
import logging
import threading

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from signin.two_factor import PROVIDER_MFA_SESSION_KEY
from teams.models import Role

logger = logging.getLogger(__name__)
_discovered: dict[str, dict] = {}
_discovery_lock = threading.Lock()

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def sso_enabled() -> bool:
    return bool(
        settings.ETHICSKIT_OIDC_ISSUER
        and settings.ETHICSKIT_OIDC_CLIENT_ID
        and settings.ETHICSKIT_OIDC_CLIENT_SECRET
    )


def provider_configuration() -> dict:
    """The issuer's discovery document, fetched once per process."""
    issuer = settings.ETHICSKIT_OIDC_ISSUER.rstrip("/")
    with _discovery_lock:
        if issuer not in _discovered:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
            response.raise_for_status()
            document = response.json()
            if document.get("issuer", "").rstrip("/") != issuer:
                raise ImproperlyConfigured(
                    f"The provider at {issuer} names another issuer: {document.get('issuer')!r}."
                )
            _discovered[issuer] = document
        return _discovered[issuer]


def oidc_setting(attr, *default):
    """mozilla-django-oidc's settings, drawn from ours and the discovery document."""
    if attr in ENDPOINTS:
        return provider_configuration()[ENDPOINTS[attr]]
    ours = {
        "OIDC_RP_CLIENT_ID": settings.ETHICSKIT_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.ETHICSKIT_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": settings.ETHICSKIT_OIDC_SIGN_ALGO,
        "OIDC_RP_SCOPES": settings.ETHICSKIT_OIDC_SCOPES,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": 10,
    }
    if attr in ours:
        return ours[attr]
    return import_from_settings(attr, *default)


def role_map() -> dict[str, str]:
    if not settings.ETHICSKIT_OIDC_ROLE_MAP:
        return {}
    mapping = json.loads(settings.ETHICSKIT_OIDC_ROLE_MAP)
    unknown = set(mapping.values()) - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(f"ETHICSKIT_OIDC_ROLE_MAP names unknown roles: {unknown}.")
    return mapping


def roles_from_claims(claims: dict) -> set[str] | None:
    """The roles the group claim maps to, or None when no map is set."""
    mapping = role_map()
    if not mapping:
        return None
    groups = claims.get(settings.ETHICSKIT_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return {mapping[group] for group in groups if group in mapping}


@transaction.atomic
def roles_apply(user, roles: set[str]) -> None:
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    user.groups.add(*[group for group in role_groups if group.name in roles])
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


class OidcBackend(OIDCAuthenticationBackend):
    """Signs in whoever the provider vouches for; does nothing while single sign-on is off."""

    def __init__(self, *args, **kwargs):
        # The endpoints are looked up when first needed, not for every password sign-in.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def __getattr__(self, name):
        if name.startswith("OIDC_"):
            return oidc_setting(name, None)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if request is None or not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = provider_configuration()["issuer"]
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != issuer or settings.ETHICSKIT_OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued by another provider or client.")
        return payload

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def create_user(self, claims):
        email = claims["email"].strip()
        username = email.lower()
        taken = self.UserModel.objects.filter(username__iexact=username)
        if taken.exists():
            username = f"{username}-{taken.count() + 1}"
        user = self.UserModel.objects.create_user(
            username,
            email=email,
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        roles = roles_from_claims(claims)
        if roles is not None:
            roles_apply(user, roles)
        return user


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        # The endpoint is read per request (in get), so the discovery document is fetched only
        # when someone actually signs in this way.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError, ImproperlyConfigured) as error:
            logger.warning("OpenID Connect discovery failed: %s", error)
            return sso_failed(request)
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; signs the person in, or explains."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def login_success(self):
        response = super().login_success()
        if settings.ETHICSKIT_OIDC_ENFORCES_MFA:
            self.request.session[PROVIDER_MFA_SESSION_KEY] = True
        return response

    def get(self, request):
        try:
            return super().get(request)
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation) as error:
            logger.warning("OpenID Connect sign-in failed: %s", error)
            return self.login_failure()

    def login_failure(self):
        return sso_failed(self.request)


def sso_failed(request):
    messages.error(
        request,
        f"Signing in with {settings.ETHICSKIT_OIDC_PROVIDER_NAME} did not work. Try again, or "
        "ask an administrator if it keeps failing.",
    )
    return redirect("login")
