from django.apps import AppConfig

RECORDS = ["interaction", "evaluation", "rating", "coachingcomment"]


class RubricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rubrics"
    verbose_name = "Rubrics"

    def ready(self):
        from notifications.signals import notification_opened
        from rubrics.receivers import review_notification_opened
        from teams import access, audit

        notification_opened.connect(
            review_notification_opened, dispatch_uid="rubrics.review_notification_opened"
        )

        access.register_content(self.label, records=[*RECORDS, "dispute", "disputeitem"])
        for name in ("Rubric", "Criterion", "Evaluation", "Rating", "CoachingComment"):
            audit.register(f"rubrics.{name}")
        audit.register("rubrics.RootCause")
        audit.register("rubrics.Dispute")
        audit.register("rubrics.DisputeItem")
        audit.register("rubrics.Interaction", left_out=["submission_token"])
