from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Dilemma training"

    def ready(self):
        from scripts_library import suggestions
        from teams import access, audit
        from training import selectors

        access.register_content(self.label, records=["attempt", "assignment", "certificate"])
        audit.register("training.Dilemma", relations=["scripts"])
        audit.register("training.Option")
        audit.register("training.Module", relations=["dilemmas"])
        audit.register("training.Assignment")
        audit.register("training.Certificate")
        suggestions.register_low_rating_extra("Practise", selectors.dilemma_suggestions)
