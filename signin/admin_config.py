from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """Django's admin, served by a site that asks for a verified second factor."""

    default_site = "signin.admin_site.TwoFactorAdminSite"
