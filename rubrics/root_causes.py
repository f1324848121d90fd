"""Root causes: the tags reviewers, case owners and agents put on what went wrong.

They sit on this floor, the lowest of the three things they tag (reviews here, checklist answers
in `checklists`, cases in `cases`), so each of those can point at them. What remedies a root
cause (scripts, FAQ entries, the common mistake it names) lives in `scripts_library`, which
points down at it.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class RootCauseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RootCause(models.Model):
    """One tag; retiring it (not deleting) keeps it on what was tagged before."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="What it looks like on a call, so people tag it the same way."
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text="Untick to stop offering it; what was tagged keeps the tag."
    )

    objects = RootCauseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name
