from django.conf import settings

from signin.oidc import sso_enabled


def sign_in_options(request):
    """What the login page offers: single sign-on, and whether passwords are for everyone."""
    enabled = sso_enabled()
    return {
        "sso_enabled": enabled,
        "sso_provider_name": settings.ETHICSKIT_OIDC_PROVIDER_NAME,
        "passwords_for_everyone": settings.ETHICSKIT_LOCAL_PASSWORDS or not enabled,
    }
