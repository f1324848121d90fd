from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from signin.oidc import sso_enabled


def password_sign_in_allowed(user) -> bool:
    """With single sign-on on and ETHICSKIT_LOCAL_PASSWORDS off, only the break-glass account
    may sign in with a password."""
    if settings.ETHICSKIT_LOCAL_PASSWORDS or not sso_enabled():
        return True
    return bool(settings.ETHICSKIT_BREAK_GLASS_USERNAME) and (
        user.get_username() == settings.ETHICSKIT_BREAK_GLASS_USERNAME
    )


class PasswordBackend(ModelBackend):
    """Django's username-and-password sign-in, within the single sign-on policy. Sessions that
    began with a password end when passwords are turned off for that person."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and password_sign_in_allowed(user)
