from django.apps import AppConfig


class QaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qa"
    verbose_name = "Quality programme"

    def ready(self):
        from django.db.models.signals import post_save

        from rubrics.models import Evaluation
        from teams import access, audit

        access.register_content(self.label, records=["assignment", "assignmentrule"])
        audit.register("qa.Assignment", left_out=["reminded_due_at", "reminded_overdue_at"])
        audit.register("qa.AssignmentRule", relations=["reviewers"])
        post_save.connect(
            _review_saved, sender=Evaluation, dispatch_uid="qa-assignment-done-on-review"
        )


def _review_saved(sender, instance, created, **kwargs):
    """An assignment is done as soon as a review of its interaction is saved, in the same
    transaction as the review."""
    if created and instance.kind == instance.Kind.REVIEW:
        from qa.services import assignments_mark_done

        assignments_mark_done(interaction_id=instance.interaction_id)
