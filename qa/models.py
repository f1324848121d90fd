"""Who reviews what, and by when: each team's rule, and the assignments drawn from it."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.privacy import validate_no_personal_data

PER_AGENT_MIN, PER_AGENT_MAX = 1, 50


class Period(models.TextChoices):
    WEEK = "week", "Week (Monday to Sunday)"
    MONTH = "month", "Calendar month"


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the week (Monday to Sunday) or month that holds `day`."""
    if period == Period.MONTH:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


class AssignmentRule(models.Model):
    """A team's quota: `per_agent` reviews of each agent per period, spread over the reviewers
    (the named ones, or else the team's supervisors)."""

    team = models.OneToOneField(
        "teams.Team", on_delete=models.CASCADE, related_name="assignment_rule"
    )
    per_agent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(PER_AGENT_MIN), MaxValueValidator(PER_AGENT_MAX)]
    )
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.WEEK)
    # Empty: every supervisor of the team reviews.
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(per_agent__gte=PER_AGENT_MIN, per_agent__lte=PER_AGENT_MAX),
                name="assignment_rule_per_agent_1_to_50",
            )
        ]

    def __str__(self):
        return f"{self.team}: {self.per_agent} per agent per {self.period}"


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Assignment.Status.OPEN)

    def overdue(self, today: date):
        return self.open().filter(due_on__lt=today)


class Assignment(models.Model):
    """One interaction for one reviewer to review by `due_on`. An interaction is assigned at
    most once; it is done when any review of it is saved."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    class Source(models.TextChoices):
        RULE = "rule", "The team's rule"
        SAMPLE = "sample", "A sample"

    interaction = models.OneToOneField(
        "rubrics.Interaction", on_delete=models.CASCADE, related_name="assignment"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the interaction, so progress per agent and per team needs no join.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="assignments")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.WEEK)
    period_start = models.DateField()
    # Due by the end of this day (the server's time zone).
    due_on = models.DateField()
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.RULE)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.OPEN)
    skip_reason = models.TextField(
        max_length=500, blank=True, validators=[validate_no_personal_data]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Each reminder goes once.
    reminded_due_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""),
                name="assignment_skipped_with_reason",
            ),
        ]
        indexes = [
            # My assignments and the queue's first part: a reviewer's open ones, soonest due.
            models.Index(
                fields=["reviewer", "due_on", "id"],
                condition=Q(status="open"),
                name="assignment_open_by_reviewer",
            ),
            models.Index(fields=["reviewer", "period_start"], name="assignment_reviewer_period"),
            models.Index(fields=["team", "period_start", "agent"], name="assignment_team_period"),
        ]

    def __str__(self):
        return f"Review {self.interaction_id} by {self.reviewer} (due {self.due_on})"

    def is_overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


# The API schema names the status enum after this (ethicskit/settings.py, ENUM_NAME_OVERRIDES).
AssignmentStatus = Assignment.Status
