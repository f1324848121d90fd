from django.apps import AppConfig

# Fields of a second-factor device that change as codes are checked, or hold its secret.
DEVICE_STATE = [
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
]
TOTP_STATE = ["key", "step", "t0", "digits", "tolerance", "drift", "last_t"]


class SigninConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "signin"
    verbose_name = "Sign-in: two-factor and single sign-on"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save

        from core import pagecache
        from signin.two_factor import roles_key
        from teams import access, audit

        # Kept roles (signin.two_factor.roles_key) go when the person's groups or flags change.
        User = get_user_model()
        pagecache.drop_on([post_save], User, lambda user, **kw: [roles_key(user.pk)], "roles")
        pagecache.drop_on([m2m_changed], User.groups.through, _changed_members, "role-groups")

        # Second factors are people's records: only admins see them in the admin (to reset one).
        access.register_content("otp_totp", records=["totpdevice"])
        access.register_content("otp_static", records=["staticdevice", "statictoken"])

        # Setting up, confirming, renaming and resetting a second factor is logged; its secret
        # and the bookkeeping of each code checked are not.
        audit.register("otp_totp.TOTPDevice", left_out=DEVICE_STATE + TOTP_STATE)
        audit.register("otp_static.StaticDevice", left_out=DEVICE_STATE)


def _changed_members(instance, *, action, reverse, pk_set, **kwargs):
    from core.pagecache import EVERYTHING
    from signin.two_factor import roles_key

    if not action.startswith("post_"):
        return []
    if not reverse:
        return [roles_key(instance.pk)]
    return [roles_key(pk) for pk in pk_set] if pk_set else [EVERYTHING]
