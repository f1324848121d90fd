"""Triage requests and decision records: what people log and decide with the decision tools.

`checklists.models` imports this module, so it must not import `checklists.models`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.privacy import validate_no_personal_data
from teams.access import owned_or_led


class Level(models.TextChoices):
    HIGH = "high", "High"
    LOW = "low", "Low"


# --- Request triage -----------------------------------------------------------------------------


class TriageRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return owned_or_led(self, user, "logged_by")

    def open(self):
        return self.filter(resolved_at__isnull=True)

    def in_queue_order(self):
        """Most urgent first; within one priority, the one waiting longest first."""
        return self.order_by("rule__rank", "created_at", "id")


class TriageRequest(models.Model):
    """A customer request placed on the triage matrix by its ethical risk and business impact."""

    class Topic(models.TextChoices):
        OTHER = "", "Something else"
        DISCOUNT = "discount", "A discount request"

    class Handling(models.TextChoices):
        UNSAID = "", "Not said"
        DECLINED_WITH_SCRIPT = "declined", "Declined with the script"
        ESCALATED = "escalated", "Escalated to a supervisor or compliance"
        GRANTED = "granted", "Granted within policy"

    description = models.CharField(
        max_length=300,
        validators=[validate_no_personal_data],
        help_text="One or two sentences. Leave out the customer's name and contact details.",
    )
    reference = models.CharField(
        "ticket or case id",
        max_length=64,
        blank=True,
        validators=[validate_no_personal_data],
    )
    ethical_risk = models.CharField(max_length=4, choices=Level.choices)
    business_impact = models.CharField(max_length=4, choices=Level.choices)
    rule = models.ForeignKey(
        "checklists.TriageRule", on_delete=models.PROTECT, related_name="requests"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="triage_requests"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What a playbook counts (`scripts_library.Playbook.triage_topic`).
    topic = models.CharField(max_length=10, choices=Topic.choices, blank=True, default="")
    # Who answers for it and by when, from its rule (`checklists.services.triage_request_log`);
    # empty on requests logged before triage had owners.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="triage_requests_owned",
    )
    due_on = models.DateField(null=True, blank=True)
    handling = models.CharField(max_length=10, choices=Handling.choices, blank=True, default="")
    outcome = models.TextField(max_length=2000, blank=True, validators=[validate_no_personal_data])
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="triage_requests_resolved",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TriageRequestQuerySet.as_manager()

    class Meta:
        ordering = ["rule__rank", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ethical_risk__in=["high", "low"], business_impact__in=["high", "low"]),
                name="triage_request_levels_known",
            ),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(outcome=""))
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="triage_request_resolved_with_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["resolved_at", "team", "created_at"], name="triage_request_queue"),
        ]

    def __str__(self):
        return f"{self.description} ({self.rule.priority})"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.resolved_at is None
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


# --- Decision records ---------------------------------------------------------------------------


class DecisionRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return owned_or_led(self, user, "author")

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(followed_up_at__isnull=True, follow_up_on__lt=today)


class DecisionRecord(models.Model):
    """A dilemma reasoned through the six steps of the decision framework."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_records"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Step 1 to step 6, in the framework's order.
    issue = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    values_at_stake = models.TextField(max_length=1000, validators=[validate_no_personal_data])
    facts = models.TextField(max_length=3000, validators=[validate_no_personal_data])
    policies = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    alternatives = models.TextField(max_length=3000, validators=[validate_no_personal_data])
    consequences = models.TextField(max_length=3000, validators=[validate_no_personal_data])
    decision = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    actions = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    # What it decided, when it decided an interaction or a triage request; a case points at
    # its decisions from its own floor (`cases.Case.decisions`).
    interaction = models.ForeignKey(
        "rubrics.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triage_request = models.ForeignKey(
        TriageRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    follow_up_on = models.DateField("follow-up date")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField(
        max_length=2000, blank=True, validators=[validate_no_personal_data]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "follow_up_on"], name="decision_team_follow_up"),
        ]

    def __str__(self):
        return self.issue[:60]

    @property
    def is_overdue(self) -> bool:
        return self.followed_up_at is None and self.follow_up_on < timezone.localdate()
