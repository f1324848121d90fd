"""Dilemma training: practice situations with graded responses, modules, assignments, passes.

A response is *best*, *acceptable* or *harmful*. For practice and modules, an answer counts as
right only when it chose the best response; "acceptable" counts as got wrong, because the point
of practising is to reach for the best words before the real call.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Verdict(models.TextChoices):
    BEST = "best", "Best"
    ACCEPTABLE = "acceptable", "Acceptable"
    HARMFUL = "harmful", "Harmful"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    IN_PERSON = "in_person", "In person"
    SOCIAL = "social", "Social media"


class DilemmaQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Admins see unpublished dilemmas too; every other role only published ones."""
        from teams.access import has_role, is_admin
        from teams.models import Role

        if not user.is_authenticated or not has_role(user, *Role.values):
            return self.none()
        return self if is_admin(user) else self.published()


class Dilemma(models.Model):
    """A short realistic situation and three or four possible responses."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    situation = models.TextField(help_text="What the customer says or asks.")
    what_you_know = models.TextField(blank=True, help_text="What the agent knows at that moment.")
    published = models.BooleanField(default=False)
    criterion_keys = ArrayField(
        models.SlugField(max_length=40),
        default=list,
        blank=True,
        help_text="Rubric criteria this dilemma touches, by key.",
    )
    scripts = models.ManyToManyField("scripts_library.Script", blank=True, related_name="dilemmas")
    faq_entries = models.ManyToManyField(
        "scripts_library.FaqEntry", blank=True, related_name="dilemmas"
    )
    phrases = models.ManyToManyField("scripts_library.Phrase", blank=True, related_name="dilemmas")
    mistakes = models.ManyToManyField(
        "scripts_library.CommonMistake", blank=True, related_name="dilemmas"
    )
    checklist_items = models.ManyToManyField(
        "checklists.ChecklistItem", blank=True, related_name="dilemmas"
    )
    decision_steps = models.ManyToManyField(
        "checklists.DecisionStep", blank=True, related_name="dilemmas"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DilemmaQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[scripts])

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["published", "title"], name="dilemma_published_title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training_dilemma", args=[self.pk])

    def clean(self):
        if self.criterion_keys:
            from rubrics.models import Criterion

            known = set(Criterion.objects.values_list("key", flat=True))
            unknown = sorted(set(self.criterion_keys) - known)
            if unknown:
                raise ValidationError(
                    {"criterion_keys": f"No rubric has these criteria: {', '.join(unknown)}."}
                )

    def option_problems(self) -> list[str]:
        """What keeps the options from being publishable: 3–4, one best, one harmful at least."""
        verdicts = [option.verdict for option in self.options.all()]
        problems = []
        if not 3 <= len(verdicts) <= 4:
            problems.append(f"A dilemma needs 3 or 4 responses; this one has {len(verdicts)}.")
        if verdicts.count(Verdict.BEST) != 1:
            problems.append("Exactly one response must be the best.")
        if Verdict.HARMFUL not in verdicts:
            problems.append("At least one response must be harmful, so the choice means something.")
        return problems


class Option(models.Model):
    """One possible response, with its verdict and why."""

    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    feedback = models.TextField(help_text="Why this response is best, acceptable or harmful.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["dilemma", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dilemma"],
                condition=Q(verdict="best"),
                name="one_best_option_per_dilemma",
            ),
            models.CheckConstraint(condition=~Q(feedback=""), name="option_feedback_not_empty"),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_best(self) -> bool:
        return self.verdict == Verdict.BEST


class Module(models.Model):
    """Dilemmas grouped for an assignment, passed at `pass_mark` best answers."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    dilemmas = models.ManyToManyField(Dilemma, related_name="modules")
    pass_mark = models.PositiveSmallIntegerField(help_text="How many best answers pass the module.")
    published = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[dilemmas])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1), name="module_pass_mark_positive")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training_module", args=[self.slug])


class Attempt(models.Model):
    """Which response an agent chose, and when; nothing the agent types is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dilemma_attempts"
    )
    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="attempts")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="attempts")
    # Copied from the option, so later edits of its verdict do not rewrite the agent's record.
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [
            models.Index(fields=["user", "dilemma", "answered_at"], name="attempt_user_dilemma"),
            models.Index(fields=["dilemma", "verdict"], name="attempt_dilemma_verdict"),
        ]

    def __str__(self):
        return f"{self.user} chose {self.verdict} on {self.dilemma_id}"

    @property
    def is_best(self) -> bool:
        return self.verdict == Verdict.BEST


class AssignmentQuerySet(models.QuerySet):
    def for_agent(self, user):
        """Assignments naming the agent, or their current team."""
        team_id = getattr(getattr(user, "membership", None), "team_id", None)
        return self.filter(Q(agent=user) | Q(team_id=team_id, team__isnull=False))


class Assignment(models.Model):
    """A module to pass by a date: for a whole team, or for one agent."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    due_on = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True, agent__isnull=False)
                | Q(team__isnull=False, agent__isnull=True),
                name="assignment_to_team_or_agent",
            )
        ]

    def __str__(self):
        return f"{self.module} for {self.team or self.agent} by {self.due_on}"


def new_verification_code() -> str:
    # 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): read aloud or typed.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Certificate(models.Model):
    """Proof of passing a module; anyone holding the code can ask an admin to confirm it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_certificates"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="certificates")
    # The name and title as they were on the day, so a certificate never changes afterwards.
    name = models.CharField(max_length=300)
    module_title = models.CharField(max_length=120)
    passed_on = models.DateField()
    best_answers = models.PositiveSmallIntegerField()
    out_of = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12, unique=True, default=new_verification_code)

    class Meta:
        ordering = ["-passed_on", "-id"]

    def __str__(self):
        return f"{self.name}: {self.module_title} ({self.code})"

    def get_absolute_url(self):
        return reverse("training_certificate", args=[self.code])


REVIEW_INTERVALS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
BEST_TO_RETIRE = 2
