from django.conf import settings
from django.db import models
from django.db.models import Q

from teams.models import Role


class Kind(models.TextChoices):
    """Every event that reaches people. Texts never carry customers' personal data, and never
    a self-score to a supervisor before their review."""

    REVIEW_SUBMITTED = "review_submitted", "A review of your interaction was submitted"
    DISPUTE_RAISED = "dispute_raised", "A dispute was raised on your review"
    DISPUTE_SETTLED = "dispute_settled", "Your dispute was settled"
    ASSIGNMENT_GIVEN = "assignment_given", "A review was assigned to you"
    ASSIGNMENT_DUE = "assignment_due", "A review assigned to you is due tomorrow"
    ASSIGNMENT_OVERDUE = "assignment_overdue", "A review assigned to you is overdue"
    SCRIPT_TO_CONFIRM = "script_to_confirm", "A script you must confirm was published"
    CONCERN_STATUS = "concern_status", "A concern you raised changed status"
    CALIBRATION_WAITING = "calibration_waiting", "A calibration session awaits your score"
    TRAINING_DUE = "training_due", "A training module assigned to you is due or overdue"
    CASE_ASSIGNED = "case_assigned", "A case was routed to you"
    TRIAGE_ASSIGNED = "triage_assigned", "A triage request was given to you"


class Delivery(models.TextChoices):
    INBOX = "inbox", "Inbox only"
    EMAIL = "email", "Inbox and an e-mail at once"
    DIGEST = "digest", "Inbox and the daily digest e-mail"


# How each kind reaches people who chose nothing. Rare events about one's own work, which may
# call for a reply (a dispute to settle, a review to read while it is fresh), leave at once;
# reminders and announcements to many people wait for the morning's digest.
DEFAULT_DELIVERY = {
    Kind.REVIEW_SUBMITTED: Delivery.EMAIL,
    Kind.DISPUTE_RAISED: Delivery.EMAIL,
    Kind.DISPUTE_SETTLED: Delivery.EMAIL,
    Kind.ASSIGNMENT_GIVEN: Delivery.DIGEST,
    Kind.ASSIGNMENT_DUE: Delivery.DIGEST,
    Kind.ASSIGNMENT_OVERDUE: Delivery.DIGEST,
    Kind.SCRIPT_TO_CONFIRM: Delivery.DIGEST,
    Kind.CONCERN_STATUS: Delivery.EMAIL,
    Kind.CALIBRATION_WAITING: Delivery.DIGEST,
    Kind.TRAINING_DUE: Delivery.DIGEST,
    Kind.CASE_ASSIGNED: Delivery.EMAIL,
    Kind.TRIAGE_ASSIGNED: Delivery.EMAIL,
}


# The one place that says which kinds can reach a person of each role; preferences offer a
# person the kinds of every role they hold. Reviewing (and so disputes raised, assignments)
# is a supervisor's work, and an admin's where admins review.
_REVIEWER_KINDS = [
    Kind.DISPUTE_RAISED,
    Kind.ASSIGNMENT_GIVEN,
    Kind.ASSIGNMENT_DUE,
    Kind.ASSIGNMENT_OVERDUE,
    Kind.CALIBRATION_WAITING,
    Kind.CASE_ASSIGNED,
    Kind.TRIAGE_ASSIGNED,
    Kind.CONCERN_STATUS,
]
KINDS_BY_ROLE = {
    Role.AGENT: [
        Kind.REVIEW_SUBMITTED,
        Kind.DISPUTE_SETTLED,
        Kind.SCRIPT_TO_CONFIRM,
        Kind.CONCERN_STATUS,
        Kind.TRAINING_DUE,
    ],
    Role.SUPERVISOR: _REVIEWER_KINDS,
    Role.ADMIN: _REVIEWER_KINDS,
}


def kinds_for_roles(roles) -> list[str]:
    """The kinds that can reach someone holding `roles`, in the order of `Kind`."""
    wanted = {kind for role in roles for kind in KINDS_BY_ROLE.get(role, [])}
    return [kind for kind in Kind.values if kind in wanted]


class Notification(models.Model):
    """One event for one person: shown in their inbox, and e-mailed as they chose."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.CharField(max_length=300)
    # A path inside EthicsKit (never an outside address), e.g. /interactions/42/.
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it left by e-mail (at once or in a digest); empty while it has not.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The bell's unread count on every page.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"


class PreferenceQuerySet(models.QuerySet):
    def deliveries(self, user_ids) -> dict[int, dict[str, str]]:
        """Each person's delivery per kind: their choice, or the kind's default."""
        chosen = {pk: dict(DEFAULT_DELIVERY) for pk in user_ids}
        for user_id, kind, delivery in self.filter(user_id__in=chosen).values_list(
            "user_id", "kind", "delivery"
        ):
            chosen[user_id][kind] = delivery
        return chosen


class Preference(models.Model):
    """How one person wants one kind of event delivered; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} by {self.delivery}"


class JobError(models.Model):
    """Why one attempt of a background job failed, kept for admins: Procrastinate records that
    a job failed but not its error. Written by `notifications.jobs.record_errors`."""

    job_id = models.BigIntegerField(db_index=True)
    task_name = models.CharField(max_length=200)
    attempt = models.PositiveIntegerField()
    error = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "background job error"

    def __str__(self):
        return f"{self.task_name} #{self.job_id}, attempt {self.attempt}"
