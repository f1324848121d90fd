"""Two-factor sign-in: who needs it, whether a session has it, and setting it up.

A person signs in with their password (or through single sign-on) and then proves a second
factor: a TOTP code from an authenticator app, or one of their one-use recovery codes. Admins and
staff always need it; supervisors when ETHICSKIT_2FA_FOR_SUPERVISORS is on. A session counts as
verified when django-otp has recorded the device that verified it, or when the person signed
in through an identity provider that the settings say enforces its own MFA.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import pagecache
from teams.access import user_roles
from teams.models import Role

PROVIDER_MFA_SESSION_KEY = "signin_provider_mfa"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def two_factor_required(user) -> bool:
    """Admins and staff (the admin site asks for it) always; supervisors by setting."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = _roles(user)
    return Role.ADMIN in roles or (
        settings.ETHICSKIT_2FA_FOR_SUPERVISORS and Role.SUPERVISOR in roles
    )


def roles_key(user_id: int) -> str:
    """Where a person's roles are kept beside the pages (core.pagecache), so that asking whether
    they need a second factor costs no query on the agent's cached home page."""
    return f"roles:{user_id}"


def _roles(user) -> frozenset[str]:
    known = getattr(user, "_ethicskit_roles", None)
    if known is None:
        known = pagecache.recall(roles_key(user.pk))
    return known if known is not None else user_roles(user)


def second_factor_verified(request) -> bool:
    session = request.session
    return DEVICE_ID_SESSION_KEY in session or bool(session.get(PROVIDER_MFA_SESSION_KEY))


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_for_setup(user) -> TOTPDevice:
    """The person's unconfirmed authenticator, made on first use and kept until confirmed, so
    the QR code stays the same while they scan it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new authenticator with a code from it. On success the session is verified,
    any older authenticator is replaced, and a fresh set of recovery codes is returned."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user)
    otp_login(request, device)
    return codes


@transaction.atomic
def recovery_codes_issue(user) -> list[str]:
    """A new set of one-use recovery codes; any earlier set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    # Ten letters without look-alikes (i, l, o): never digits only, so never taken for a TOTP
    # code, and about 45 bits each.
    alphabet = "abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def second_factor_verify(request, token: str) -> bool:
    """Check a code against the person's authenticator, then their recovery codes (a matching
    recovery code is used up). On success the session is verified."""
    token = "".join(token.split()).replace("-", "").lower()
    if not token:
        return False
    # Authenticator codes are digits only; recovery codes always hold letters.
    kind = TOTPDevice if token.isdigit() else StaticDevice
    for device in kind.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False
