from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """What only reads: dashboards, My scores, the evidence page, exports, the team summary."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"
