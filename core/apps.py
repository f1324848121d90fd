from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing that every app may use; it imports no other project app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"
