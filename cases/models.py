"""Cases: every concern, owned, due and followed up, with a channel back to its reporter.

A case never stores who reported an anonymous concern: only the SHA-256 of the receipt code the
reporter was shown once, the team its routing needed, and days (never times of day).
"""

import calendar
import hashlib
import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from checklists.models import Concern
from core.privacy import validate_no_personal_data
from teams.models import Team


class Route(models.TextChoices):
    TEAM = "team", "The reporter's team supervisors"
    COMPLIANCE = "compliance", "Compliance"
    ADMINS = "admins", "Admins"


class RoutingRule(models.Model):
    """Where a category of concern goes; admins edit the rules in the Django admin."""

    category = models.CharField(max_length=10, choices=Concern.Category.choices, unique=True)
    route = models.CharField(max_length=10, choices=Route.choices)

    class Meta:
        ordering = ["category"]

    def __str__(self):
        return f"{self.get_category_display()} → {self.get_route_display()}"

    @classmethod
    def route_for(cls, category: str) -> str:
        rule = cls.objects.filter(category=category).first()
        return rule.route if rule else Route.ADMINS


# --- Receipt codes ---------------------------------------------------------------------------

# 20 characters of a 32-letter alphabet: 100 bits from `secrets`, shown in five groups of four.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 20


def receipt_code_new() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_code_normal(code: str) -> str:
    """The code as typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code: str) -> str:
    """A plain SHA-256 suffices: a code of 100 random bits cannot be found by guessing hashes."""
    return hashlib.sha256(receipt_code_normal(code).encode()).hexdigest()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Cases -----------------------------------------------------------------------------------


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every case; compliance the cases routed to it; anyone the cases they
        own; supervisors those routed to a team they lead (never one about a supervisor)."""
        from teams.access import is_admin, is_compliance, teams_supervised_by

        if not user.is_authenticated:
            return self.none()
        if is_admin(user):
            return self
        scope = Q(owner=user) | Q(
            route=Route.TEAM, team__in=teams_supervised_by(user), about_supervisor=False
        )
        if is_compliance(user):
            scope |= Q(route=Route.COMPLIANCE)
        return self.filter(scope)

    def overdue(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.exclude(status=Case.Status.CLOSED).filter(
            Q(acknowledged_on__isnull=True, acknowledge_by__lt=today)
            | Q(feedback_on__isnull=True, feedback_by__lt=today)
        )


class Case(models.Model):
    """A concern being worked: who owns it, what is due, and what happened."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        INVESTIGATING = "investigating", "Investigating"
        CLOSED = "closed", "Closed"

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.TextField(max_length=4000, blank=True, validators=[validate_no_personal_data])
    route = models.CharField(max_length=10, choices=Route.choices)
    # The team whose supervisors own the case (for an anonymous report: the reporter's team,
    # which the form told the reporter before sending).
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_owned",
    )
    about_supervisor = models.BooleanField(default=False)
    opened_on = models.DateField()
    acknowledge_by = models.DateField()
    feedback_by = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    feedback_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # What an automatic case was opened from: a checklist run that answered "no" to a breach item.
    checklist_run = models.ForeignKey(
        "checklists.ChecklistRun", null=True, blank=True, on_delete=models.SET_NULL
    )
    interaction = models.ForeignKey(
        "rubrics.Interaction", null=True, blank=True, on_delete=models.SET_NULL
    )
    root_causes = models.ManyToManyField("rubrics.RootCause", blank=True, related_name="+")
    # The decision records that decided it (the decision framework's, in `checklists`).
    decisions = models.ManyToManyField("checklists.DecisionRecord", blank=True, related_name="+")
    # SHA-256 of an anonymous reporter's receipt code; the code itself is never stored.
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="closed_case_has_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(route="team") | Q(team__isnull=False), name="team_case_has_team"
            ),
        ]

    def __str__(self):
        return f"Case {self.pk}: {self.concern.get_category_display()}"

    @classmethod
    def deadlines(cls, opened_on: date) -> tuple[date, date]:
        return (
            opened_on + timedelta(days=settings.CASE_ACKNOWLEDGE_DAYS),
            add_months(opened_on, settings.CASE_FEEDBACK_MONTHS),
        )

    def overdue_reasons(self, today: date | None = None) -> list[str]:
        today = today or timezone.localdate()
        if self.status == self.Status.CLOSED:
            return []
        reasons = []
        if self.acknowledged_on is None and self.acknowledge_by < today:
            reasons.append("acknowledgement overdue")
        if self.feedback_on is None and self.feedback_by < today:
            reasons.append("feedback overdue")
        return reasons

    @property
    def is_anonymous(self) -> bool:
        return self.concern.is_anonymous

    def clean(self):
        if self.status == self.Status.CLOSED and not self.outcome.strip():
            raise ValidationError({"outcome": "Write down the outcome before closing a case."})


class CaseMessage(models.Model):
    """One step of the conversation on a case; notes stay with those who work the case."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question to the reporter"
        REPLY = "reply", "Reply to the reporter"
        NOTE = "note", "Internal note"
        ANSWER = "answer", "Answer from the reporter"
        INFORMATION = "information", "More information from the reporter"

    FROM_REPORTER = {Kind.ANSWER, Kind.INFORMATION}

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(max_length=4000, validators=[validate_no_personal_data])
    # Empty for whatever the reporter writes: an anonymous reporter is nobody here, and a named
    # one is the concern's reporter.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    written_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()} on case {self.case_id}"

    @property
    def from_reporter(self) -> bool:
        return self.kind in self.FROM_REPORTER

    @property
    def reporter_sees(self) -> bool:
        return self.kind != self.Kind.NOTE


class PendingReport(models.Model):
    """An anonymous report waiting for the periodic delivery that turns it into a case.

    Written without any user and with only the day, then delivered in a shuffled batch by a
    job, so neither the case's row, its transaction nor its audit entry sits among the
    reporter's own actions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.CharField(max_length=10, choices=Concern.Category.choices)
    description = models.TextField(max_length=4000, validators=[validate_no_personal_data])
    route = models.CharField(max_length=10, choices=Route.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    about_supervisor = models.BooleanField(default=False)
    reported_on = models.DateField(default=timezone.localdate)
    receipt_hash = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"Pending report of {self.reported_on:%Y-%m-%d}"


class FollowUpFailure(models.Model):
    """One wrong receipt code, kept ten minutes for the rate limits; never the code itself.

    `address_key` is a keyed hash of the client's address, so the table does not hold
    addresses; a successful follow-up writes nothing here."""

    address_key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_key", "at"], name="follow_up_failure_address")]

    def __str__(self):
        return f"Wrong receipt code at {self.at:%Y-%m-%d %H:%M}"


# The API schema names the status enum after this (ethicskit/settings.py, ENUM_NAME_OVERRIDES).
CaseStatus = Case.Status
