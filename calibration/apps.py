from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "calibration"
    verbose_name = "Calibration"

    def ready(self):
        from calibration import selectors
        from rubrics import worked_examples
        from teams import audit

        worked_examples.register(selectors.worked_examples)
        for name in ("CalibrationSession", "CalibrationScore", "AgreedRating"):
            audit.register(f"calibration.{name}")
