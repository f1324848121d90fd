from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from core.privacy import validate_no_personal_data
from rubrics.root_causes import RootCause  # noqa: F401 (the tags, in their own module)
from rubrics.scoring import (  # noqa: F401 (the engine's names, at their usual address)
    LOW_RATING,
    RATING_MAX,
    RATING_MIN,
    ScoreResult,
    is_low_rating,
    low_rating_comment_error,
    validate_weights,
    weighted_score,
)
from rubrics.versions import Criterion, Rubric  # noqa: F401 (defined beside their versioning)
from teams.access import is_admin, is_reviewer, owned_or_led, teams_led_by, teams_supervised_by

# A few minutes of slack for clocks that disagree.
FUTURE_SLACK = timedelta(minutes=5)


def validate_occurred_at(occurred_at) -> None:
    """An interaction is scored from the last year, and not from the future."""
    now = timezone.now()
    if occurred_at > now + FUTURE_SLACK:
        raise ValidationError("That time is in the future: when did the interaction happen?")
    if occurred_at < now - timedelta(days=366):
        raise ValidationError("Only interactions from the last year can be scored.")


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agents see their own; supervisors the teams they lead; admins everything."""
        return owned_or_led(self, user, "agent")

    def reviewable_by(self, user):
        """Interactions a supervisor reviews: their own teams' (admins included), never theirs."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team__in=teams_supervised_by(user)).exclude(agent=user)

    def led_by(self, user):
        """Interactions of the teams the user leads (all for admins), never the user's own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team__in=teams_led_by(user)).exclude(agent=user)

    def unreviewed(self):
        reviews = Evaluation.objects.filter(interaction=OuterRef("pk"), kind="review")
        return self.exclude(Exists(reviews))

    def self_score_hidden_from(self, user):
        """Blind review: the interactions whose self-score `user` may not see, nor anything
        computed from it. A supervisor of the interaction's team reviews it without knowing
        how the agent rated themselves; once any review is saved, both show side by side."""
        return self.reviewable_by(user).unreviewed()

    def with_self_score_hidden(self, user):
        """Each interaction with `self_score_hidden`: whether the rule above hides it."""
        hidden = Interaction.objects.self_score_hidden_from(user).filter(pk=OuterRef("pk"))
        return self.annotate(self_score_hidden=Exists(hidden))


def self_scores_blind_for(user, teams) -> bool:
    """Whether figures over `teams` (Team objects, ids or a queryset) shown to `user` must leave
    out the self-scores of unreviewed interactions: so when `user` reviews any of those teams
    (see `InteractionQuerySet.self_score_hidden_from`). Their self-score figures then count
    reviewed interactions only, so no window or filter can isolate a hidden self-score."""
    if not user.is_authenticated or not is_reviewer(user):
        return False
    if isinstance(teams, models.QuerySet):
        team_ids = teams.values("pk")
    else:
        team_ids = [getattr(team, "pk", team) for team in teams]
    return teams_supervised_by(user).filter(pk__in=team_ids).exists()


class Interaction(models.Model):
    """One customer contact an agent handled. Holds a ticket reference, never personal data."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions"
    )
    # The agent's team when the interaction happened, so moving teams does not rewrite history.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="interactions")
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reference = models.CharField(
        max_length=64,
        help_text="The helpdesk ticket or case id, e.g. ZD-4821.",
        validators=[validate_no_personal_data],
    )
    topic = models.CharField(max_length=120, validators=[validate_no_personal_data])
    summary = models.TextField(max_length=1000, blank=True, validators=[validate_no_personal_data])
    # The helpdesk ticket's address, set when the interaction came from a helpdesk connection
    # (integrations), so every page links the reference without another query.
    ticket_url = models.URLField(max_length=400, blank=True, default="", db_default="")
    # The agent's own request that a supervisor review this one; the review queue shows it.
    review_requested = models.BooleanField(default=False, db_default=False)
    # The supervisor who recorded it for review; empty when the agent recorded it by self-scoring.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions_recorded",
    )
    # Set by the scoring form so a double-clicked submit stores one interaction, not two.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-occurred_at"], name="interaction_agent_recent"),
            models.Index(fields=["team", "-occurred_at"], name="interaction_team_recent"),
            # The review queue's second part: per team, "please review" first, then newest.
            models.Index(
                fields=["team", "-review_requested", "-occurred_at", "-id"],
                name="interaction_team_queue",
            ),
            # One ticket, one self-score per agent: the check looks the ticket up here.
            models.Index(F("agent"), Lower(Trim("reference")), name="interaction_agent_reference"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_channel_display()}, {self.occurred_at:%Y-%m-%d})"

    def self_score_hidden_from(self, user) -> bool:
        """See `InteractionQuerySet.self_score_hidden_from`: the rule for one interaction."""
        return Interaction.objects.filter(pk=self.pk).self_score_hidden_from(user).exists()


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evaluations of the interactions the user may see."""
        return self.filter(interaction__in=Interaction.objects.visible_to(user))


class Evaluation(models.Model):
    """A scoring of one interaction on one rubric version: the agent's own or a supervisor's.

    Rows are never edited after scoring: a correction is a new revision that supersedes the old.
    """

    class Kind(models.TextChoices):
        SELF = "self", "Self-score"
        REVIEW = "review", "Supervisor review"

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="evaluations"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations_written"
    )
    score = models.DecimalField(max_digits=3, decimal_places=2)
    percent = models.DecimalField(max_digits=4, decimal_places=1)
    critical_fail = models.BooleanField(default=False)
    # See `is_flagged`; stored for the admin's filter and the export.
    flagged = models.BooleanField(default=False, db_default=False)
    revision = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    revision_reason = models.TextField(
        max_length=1000, blank=True, validators=[validate_no_personal_data]
    )
    comment = models.TextField(max_length=2000, blank=True, validators=[validate_no_personal_data])
    # A reviewer's tags for what went wrong; kept across the review's revisions.
    root_causes = models.ManyToManyField(RootCause, blank=True, related_name="reviews")
    created_at = models.DateTimeField(auto_now_add=True)
    # The agent's receipt of a review; the scores above never change after saving.
    seen_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="evaluation_percent_0_to_100"
            ),
            models.UniqueConstraint(
                fields=["interaction", "kind"],
                condition=Q(is_current=True),
                name="one_current_evaluation_per_kind",
            ),
            models.UniqueConstraint(
                fields=["interaction", "kind", "revision"], name="evaluation_revision_unique"
            ),
        ]
        indexes = [
            # The dashboards' "waiting on someone": reviews not yet acknowledged (an open
            # dispute's review is among them), oldest first. A few percent of all reviews.
            models.Index(
                fields=["created_at", "interaction"],
                condition=Q(kind="review", is_current=True, acknowledged_at__isnull=True),
                name="evaluation_awaiting_ack",
            ),
            # The agent's unread-reviews badge on every page they open: current reviews only.
            models.Index(
                fields=["interaction"],
                condition=Q(kind="review", is_current=True, seen_at__isnull=True),
                name="evaluation_unseen_review",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.interaction.reference}: {self.score}"

    @staticmethod
    def is_flagged(result: "ScoreResult", ratings: dict[str, int | None]) -> bool:
        """Flagged: a critical fail, or any criterion rated low."""
        return result.critical_fail or any(is_low_rating(value) for value in ratings.values())


# Named for the API schema's enum (ENUM_NAME_OVERRIDES): reviews and evaluations share it.
EvaluationKind = Evaluation.Kind


class Rating(models.Model):
    """One criterion's rating in an evaluation; a null value means not applicable."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ratings")
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    comment = models.TextField(max_length=1000, blank=True, validators=[validate_no_personal_data])

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_rating_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=RATING_MIN, value__lte=RATING_MAX),
                name="rating_value_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.value if self.value is not None else 'N/A'}"

    @property
    def is_low(self) -> bool:
        return is_low_rating(self.value)


class CoachingComment(models.Model):
    """A supervisor's coaching note on a reviewed interaction, shown to the agent."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="coaching_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_comments"
    )
    body = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Coaching on {self.interaction.reference} by {self.author}"


class DisputeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(interaction__in=Interaction.objects.visible_to(user))

    def open(self):
        return self.filter(status=Dispute.Status.OPEN)


class Dispute(models.Model):
    """An agent's appeal against a review, and how it was settled.

    One per interaction. Accepting it (wholly or partly) adds a corrected review revision;
    the disputed review itself is never changed.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        REJECTED = "rejected", "Rejected"

    interaction = models.OneToOneField(
        Interaction, on_delete=models.CASCADE, related_name="dispute"
    )
    review = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_raised"
    )
    reason = models.TextField(max_length=2000, validators=[validate_no_personal_data])
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_resolved",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(
        max_length=2000, blank=True, validators=[validate_no_personal_data]
    )
    corrected_review = models.OneToOneField(
        Evaluation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correcting_dispute",
    )

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="dispute_resolved_when_closed",
            ),
        ]

    def __str__(self):
        return f"Dispute on {self.interaction.reference} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def may_be_resolved_by(self, user) -> bool:
        """Only the supervisor who wrote the disputed review, or an admin, settles it."""
        return user.is_authenticated and (self.review.author_id == user.id or is_admin(user))


class DisputeItem(models.Model):
    """One disputed criterion: the review's rating, the agent's proposal and the outcome."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    original_value = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed_value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    final_value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "criterion"], name="one_dispute_item_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(proposed_value__gte=RATING_MIN, proposed_value__lte=RATING_MAX),
                name="dispute_proposed_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.original_value} -> {self.proposed_value}"

    def partial_range(self) -> list[tuple[int, str]]:
        """The lowest and highest rating a partial acceptance may give, each with whose it is:
        from what the review said (the lowest rating, for N/A) to the agent's proposal."""
        review = (
            (RATING_MIN, "")
            if self.original_value is None
            else (self.original_value, " (the review)")
        )
        return sorted([review, (self.proposed_value, " (the agent's proposal)")])

    def partial_range_error(self) -> str:
        (low, low_source), (high, high_source) = self.partial_range()
        return f"Give {self.criterion.name} a rating from {low}{low_source} to {high}{high_source}."


# The rollup tables live beside the SQL that keeps them.
from rubrics.rollups import (  # noqa: E402, F401
    CriterionRollup,
    Period,
    RollupRebuild,
    RollupTouched,
    ScoreRollup,
)
