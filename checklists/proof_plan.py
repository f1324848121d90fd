"""One person's progress on the proof plan's tasks.

`checklists.models` imports this module, so it must not import `checklists.models`.
"""

from django.conf import settings
from django.db import models

from core.privacy import validate_no_personal_data


class ProofPlanProgress(models.Model):
    """One person's progress on one proof-plan task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proof_plan_progress"
    )
    task = models.ForeignKey(
        "checklists.ProofPlanTask", on_delete=models.CASCADE, related_name="progress"
    )
    notes = models.TextField(max_length=3000, blank=True, validators=[validate_no_personal_data])
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "proof plan progress"
        ordering = ["task"]
        constraints = [
            models.UniqueConstraint(fields=["user", "task"], name="one_progress_per_task"),
        ]

    def __str__(self):
        return f"{self.user}: {self.task.title}"

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None
