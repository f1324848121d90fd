from django.db import models
from django.db.models import Q


class Checklist(models.Model):
    """A list of questions to answer before acting."""

    class Kind(models.TextChoices):
        INTERACTION = "interaction", "Interaction ethics checklist"
        POLICY = "policy", "Policy and complex-request checklist"
        SERVICE_CHANGE = "service_change", "Service-change ethics review"

    class Audience(models.TextChoices):
        AGENTS = "agents", "Agents and everyone else"
        LEADERS = "leaders", "Supervisors and admins"

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.AGENTS)
    purpose = models.TextField(help_text="When to use this checklist and what it protects.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=80, help_text="Short name, e.g. 'Data privacy'.")
    question = models.CharField(max_length=300, help_text="The question the person answers.")
    why_it_matters = models.CharField(max_length=300, help_text="One line on why it matters.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["checklist", "position", "id"]

    def __str__(self):
        return f"{self.checklist.title}: {self.title}"


class Level(models.TextChoices):
    HIGH = "high", "High"
    LOW = "low", "Low"


class TriageRule(models.Model):
    """One cell of the request triage matrix: ethical risk x business impact -> priority."""

    ethical_risk = models.CharField(max_length=4, choices=Level.choices)
    business_impact = models.CharField(max_length=4, choices=Level.choices)
    rank = models.PositiveSmallIntegerField(help_text="1 is the most urgent.")
    priority = models.CharField(max_length=40, help_text="e.g. 'Immediately'.")
    guidance = models.CharField(max_length=300)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["ethical_risk", "business_impact"], name="triage_rule_one_per_cell"
            ),
            models.UniqueConstraint(fields=["rank"], name="triage_rule_rank_unique"),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=4), name="triage_rank_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_ethical_risk_display()} risk / {self.get_business_impact_display()} impact: {self.priority}"


class DecisionStep(models.Model):
    """A step of the ethical decision framework."""

    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=80)
    prompt = models.CharField(max_length=300, help_text="The question the step asks.")
    guidance = models.TextField(help_text="How to work through the step.")

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.title}"


class ProofPlanTask(models.Model):
    """A task of the proof plan: evidence of ethical practice for performance reviews."""

    class Plan(models.TextChoices):
        SEVEN_DAY = "7-day", "7-day quick wins"
        THIRTY_DAY = "30-day", "30-day plan"
        FOUR_WEEK = "4-week", "4-week plan"

    plan = models.CharField(max_length=10, choices=Plan.choices)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    description = models.TextField()
    expected_output = models.CharField(max_length=200, help_text="The evidence the task produces.")

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return f"{self.get_plan_display()}: {self.title}"
