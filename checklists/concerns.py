"""Concerns: reports of something wrong, made by name or anonymously.

`checklists.models` imports this module, so it must not import `checklists.models`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.privacy import validate_no_personal_data


class Concern(models.Model):
    """A report of something wrong. An anonymous report keeps nothing that leads to its reporter.

    Anonymous rows have no reporter, no exact time (only the day, so the report cannot be matched
    against sign-in times) and a random primary key (so its position among other reports, named
    or not, does not give away when it was made). Do not add history tracking to this model.
    """

    class Category(models.TextChoices):
        ETHICAL_VIOLATION = "violation", "Suspected ethical violation"
        GIFT = "gift", "Gift or incentive offered"
        ABUSIVE_CUSTOMER = "abuse", "Abusive-customer incident"
        DATA_BREACH = "breach", "Possible data breach"

    class Status(models.TextChoices):
        NEW = "new", "New"
        INVESTIGATING = "investigating", "Investigating"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.CharField(max_length=10, choices=Category.choices)
    description = models.TextField(max_length=4000, validators=[validate_no_personal_data])
    is_anonymous = models.BooleanField(default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns_reported",
    )
    reported_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.NEW)
    outcome = models.TextField(max_length=4000, blank=True, validators=[validate_no_personal_data])
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(reporter__isnull=True),
                name="anonymous_concern_has_no_reporter",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="closed_concern_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["violation", "gift", "abuse", "breach"]),
                name="concern_category_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "reported_on"], name="concern_queue")]

    def __str__(self):
        return f"{self.get_category_display()} reported {self.reported_on:%Y-%m-%d}"

    def clean(self):
        if self.is_anonymous and self.reporter_id is not None:
            raise ValidationError("An anonymous report cannot name its reporter.")
        if self.status == self.Status.CLOSED and not self.outcome.strip():
            raise ValidationError({"outcome": "Write down the outcome before closing a concern."})
