from django.conf import settings

from signin.oidc import sso_enabled
from signin.two_factor import two_factor_required


def sign_in_options(request):
    """What the login page offers (single sign-on; passwords for everyone or not), and whether
    the signed-in person uses two-factor sign-in (for the profile's link to set it up again)."""
    enabled = sso_enabled()
    user = getattr(request, "user", None)
    return {
        "uses_two_factor": user is not None and two_factor_required(user),
        "sso_enabled": enabled,
        "sso_provider_name": settings.ETHICSKIT_OIDC_PROVIDER_NAME,
        "passwords_for_everyone": settings.ETHICSKIT_LOCAL_PASSWORDS or not enabled,
    }
