"""Calibration: several leaders score the same interactions blind, then compare.

These scores live here, apart from `rubrics.Evaluation`: they are never reviews of the agent,
so no dashboard, export, rollup or agent's page can count them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.privacy import validate_no_personal_data
from rubrics.models import RATING_MAX, RATING_MIN


class CalibrationSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions the user facilitates or takes part in; nobody else sees one."""
        if not user.is_authenticated:
            return self.none()
        # A subquery, not a join: a join on participants would narrow any count of them.
        taking_part = CalibrationSession.participants.through.objects.filter(user=user)
        return self.filter(
            Q(facilitator=user) | Q(pk__in=taking_part.values("calibrationsession_id"))
        )


class CalibrationSession(models.Model):
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibrations_led"
    )
    interactions = models.ManyToManyField("rubrics.Interaction", related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calibrations")
    # Whose ratings are the reference; without one, deviations are from the median.
    benchmark = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Computed once at the reveal (the scores cannot change after it): "0.812" or null.
    alpha = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    alpha_by_criterion = models.JSONField(default=dict, blank=True)

    objects = CalibrationSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Calibration session {self.pk}"

    @property
    def is_revealed(self) -> bool:
        """Revealed once everyone has scored (stored) or when the deadline has passed, even
        before the periodic task stores it: reading never waits for a write."""
        return self.revealed_at is not None or self.deadline_passed

    @property
    def deadline_passed(self) -> bool:
        return self.deadline <= timezone.now()


class CalibrationScore(models.Model):
    """One participant's blind scoring of one interaction of a session; never changed."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="scores")
    interaction = models.ForeignKey(
        "rubrics.Interaction", on_delete=models.CASCADE, related_name="+"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibration_scores"
    )
    rubric = models.ForeignKey("rubrics.Rubric", on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(max_length=2000, blank=True, validators=[validate_no_personal_data])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "interaction", "participant"],
                name="one_calibration_score_per_participant",
            )
        ]

    def __str__(self):
        return f"{self.participant} on {self.interaction_id} in session {self.session_id}"


class CalibrationRating(models.Model):
    """One criterion's rating in a calibration score; a null value is N/A (missing)."""

    score = models.ForeignKey(CalibrationScore, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey("rubrics.Criterion", on_delete=models.PROTECT, related_name="+")
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
                fields=["score", "criterion"], name="one_calibration_rating_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=RATING_MIN, value__lte=RATING_MAX),
                name="calibration_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class AgreedRating(models.Model):
    """The rating the facilitator recorded as agreed, with why: a worked example."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="agreed")
    interaction = models.ForeignKey(
        "rubrics.Interaction", on_delete=models.CASCADE, related_name="+"
    )
    criterion = models.ForeignKey("rubrics.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    note = models.TextField(max_length=1000, validators=[validate_no_personal_data])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "interaction", "criterion"], name="one_agreed_rating_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=RATING_MIN, value__lte=RATING_MAX),
                name="agreed_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Agreed {self.value} on criterion {self.criterion_id}"


class FairnessRow(models.Model):
    """One line of the fairness audit as the nightly job computed it, for one scope (a team,
    or the whole organisation when `team` is empty) and one period (the last `days` days)."""

    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.CASCADE)
    days = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    reviews = models.PositiveIntegerField()
    mean_percent = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    difference = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    p_adjusted = models.FloatField(null=True)
    flagged = models.BooleanField(default=False)
    words = models.CharField(max_length=400)
    self_review_gap = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    disputed_share = models.DecimalField(max_digits=4, decimal_places=3, null=True)
    overturned_share = models.DecimalField(max_digits=4, decimal_places=3, null=True)
    calibration_deviation = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "label", "id"]
        indexes = [models.Index(fields=["team", "days"], name="fairness_scope")]

    def __str__(self):
        return f"{self.kind} {self.label}"
