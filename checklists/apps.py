from django.apps import AppConfig

CONTENT = ["Checklist", "ChecklistItem", "TriageRule", "DecisionStep", "ProofPlanTask"]
RECORDS = [
    "ChecklistRun",
    "ChecklistAnswer",
    "ServiceChangeReview",
    "ServiceChangeAnswer",
    "TriageRequest",
    "DecisionRecord",
    "Concern",
    "ProofPlanProgress",
]


class ChecklistsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checklists"
    verbose_name = "Checklists and decision tools"

    def ready(self):
        from checklists import run_help
        from rubrics import score_extras
        from teams import access, audit

        score_extras.register(
            score_extras.ScoreExtra(
                template="checklists/attach_on_score.html",
                context=run_help.attach_context,
                save=run_help.attach_save,
                wanted=run_help.attach_wanted,
            )
        )

        access.register_content(self.label, records=[name.lower() for name in RECORDS])
        for name in CONTENT + RECORDS:
            if name != "Concern":
                audit.register(f"checklists.{name}")
        # An anonymous concern is logged like the report itself: no person and no time of day.
        audit.register("checklists.Concern", anonymous_if=lambda concern: concern.is_anonymous)
