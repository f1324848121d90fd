from django.apps import AppConfig


class SigninConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "signin"
    verbose_name = "Sign-in: two-factor and single sign-on"

    def ready(self):
        from teams import access

        # Second factors are people's records: only admins see them in the admin (to reset one).
        access.register_content("otp_totp", records=["totpdevice"])
        access.register_content("otp_static", records=["staticdevice", "statictoken"])
