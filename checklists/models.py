from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from checklists.concerns import Concern
from checklists.proof_plan import ProofPlanProgress  # noqa: F401 (kept in its own module)
from checklists.records import (  # noqa: F401 (triage and decisions, at their usual address)
    DecisionRecord,
    Level,
    TriageRequest,
)
from core.privacy import validate_no_personal_data
from teams.access import owned_or_led


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
    breach_when_no = models.BooleanField(
        "A breach when answered no",
        default=False,
        help_text="A 'no' to this item opens a case automatically, linked to the run.",
    )
    concern_category = models.CharField(
        "Report as a concern when answered no",
        max_length=10,
        blank=True,
        choices=Concern.Category.choices,
        help_text="A 'no' to this item offers 'raise a concern', with this category chosen.",
    )

    class Meta:
        ordering = ["checklist", "position", "id"]

    def __str__(self):
        return f"{self.checklist.title}: {self.title}"


class TriageRule(models.Model):
    """One cell of the request triage matrix: ethical risk x business impact -> priority."""

    ethical_risk = models.CharField(max_length=4, choices=Level.choices)
    business_impact = models.CharField(max_length=4, choices=Level.choices)
    rank = models.PositiveSmallIntegerField(help_text="1 is the most urgent.")
    priority = models.CharField(max_length=40, help_text="e.g. 'Immediately'.")
    guidance = models.CharField(max_length=300)
    due_in_days = models.PositiveSmallIntegerField(
        default=0,
        help_text="Days a request of this cell has before it is due; 0 means the same day.",
    )

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


# --- Checklist runs -----------------------------------------------------------------------------


class ChecklistRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        return owned_or_led(self, user, "runner")

    def unattached(self):
        """Interaction-checklist runs made before acting, not yet attached to an interaction."""
        return self.filter(checklist__kind=Checklist.Kind.INTERACTION, interaction__isnull=True)

    def with_answer_counts(self):
        return self.annotate(
            no_count=models.Count("answers", filter=Q(answers__answer=Answer.NO)),
            answer_count=models.Count("answers"),
        )


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


class ChecklistRun(models.Model):
    """One person working through a checklist once, about one interaction or policy change.

    An interaction-checklist run may be made before acting, with no interaction (a ticket
    reference is optional), and attached to the interaction later by its runner.
    """

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="runs")
    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checklist_runs"
    )
    # The runner's team at the time, so a later move does not hand the run to another supervisor.
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interaction = models.ForeignKey(
        "rubrics.Interaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_runs",
    )
    policy_change = models.CharField(
        "policy change or request",
        max_length=200,
        blank=True,
        validators=[validate_no_personal_data],
        help_text="The policy change or complex request this run is about.",
    )
    ticket_reference = models.CharField(
        "ticket or case id",
        max_length=64,
        blank=True,
        validators=[validate_no_personal_data],
        help_text="The ticket this run is for, if it has one yet.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChecklistRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # An interaction, a policy change, or (a run before acting) neither yet; never both.
            models.CheckConstraint(
                condition=Q(interaction__isnull=True) | Q(policy_change=""),
                name="checklist_run_about_one_thing",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="checklist_run_team_recent"),
            models.Index(fields=["runner", "-created_at"], name="checklist_run_runner_recent"),
        ]

    def __str__(self):
        return f"{self.checklist.title} by {self.runner} on {self.created_at:%Y-%m-%d}"

    @property
    def subject(self) -> str:
        if self.interaction_id:
            return str(self.interaction.reference)
        if self.policy_change:
            return self.policy_change
        if self.ticket_reference:
            return f"{self.ticket_reference}, before acting"
        return "Before acting, no ticket named"

    @property
    def score_and_attach_url(self) -> str:
        """The self-score form with this run ticked to attach (and its ticket, if named)."""
        query = {"reference": self.ticket_reference} if self.ticket_reference else {}
        return f"{reverse('self_score')}?{urlencode({**query, 'attach': self.pk})}"


class ChecklistAnswer(models.Model):
    """One answer of a run, with the wording that was answered copied in.

    The copy is what makes a past run read the same after an admin rewords or removes the item.
    """

    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    position = models.PositiveSmallIntegerField()
    item_title = models.CharField(max_length=80)
    item_question = models.CharField(max_length=300)
    answer = models.CharField(max_length=3, choices=Answer.choices)
    note = models.TextField(max_length=1000, blank=True, validators=[validate_no_personal_data])
    # Only a "no" is tagged (`checklists.services.answer_root_causes_set`).
    root_causes = models.ManyToManyField("rubrics.RootCause", blank=True, related_name="+")

    class Meta:
        ordering = ["run", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "item"], name="one_answer_per_item_per_run"),
            models.CheckConstraint(
                condition=~Q(answer="no") | ~Q(note=""), name="checklist_no_answer_has_note"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["yes", "no", "na"]), name="checklist_answer_known"
            ),
        ]

    def __str__(self):
        return f"{self.item_title}: {self.get_answer_display()}"


# --- Service-change reviews ---------------------------------------------------------------------


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class ServiceChangeReview(models.Model):
    """A proposed change to a service, its five-question ethics review and the decision on it."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REVISE = "revise", "Sent back for revision"
        REJECT = "reject", "Rejected"

    title = models.CharField(
        "proposed change", max_length=160, validators=[validate_no_personal_data]
    )
    description = models.TextField(
        "what would change", max_length=3000, validators=[validate_no_personal_data]
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_changes_recorded"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=7, choices=Decision.choices, blank=True)
    decision_note = models.TextField(
        max_length=2000, blank=True, validators=[validate_no_personal_data]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_changes_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision="") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True))
                | (~Q(decision="") & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="service_change_decision_complete",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    def may_be_decided_by(self, user) -> bool:
        """Nobody decides a change they proposed: another leader does."""
        return user.pk != self.proposed_by_id

    def risk_summary(self) -> dict:
        """Answers per risk level and the highest level, from the (prefetched) answers."""
        counts = dict.fromkeys(RiskLevel.values, 0)
        for answer in self.answers.all():
            counts[answer.risk] += 1
        raised = [level for level in RiskLevel.values if counts[level]]
        highest = max(raised, key=lambda level: RISK_ORDER[level]) if raised else None
        return {
            "counts": [(RiskLevel(level).label, counts[level]) for level in RiskLevel.values],
            "highest": RiskLevel(highest) if highest else None,
        }


class ServiceChangeAnswer(models.Model):
    """The risk found for one question of the service-change review, with its wording copied in."""

    review = models.ForeignKey(
        ServiceChangeReview, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    item_title = models.CharField(max_length=80)
    item_question = models.CharField(max_length=300)
    risk = models.CharField(max_length=6, choices=RiskLevel.choices)
    note = models.TextField(max_length=1000, validators=[validate_no_personal_data])

    class Meta:
        ordering = ["review", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="one_risk_per_question"),
            models.CheckConstraint(
                condition=Q(risk__in=["low", "medium", "high"]), name="service_change_risk_known"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="service_change_answer_has_note"),
        ]

    def __str__(self):
        return f"{self.item_title}: {self.get_risk_display()}"
