import re

from django.core.exceptions import ValidationError
from django.db import models

PLACEHOLDER = re.compile(r"\[([^\[\]]+)\]")


class ScriptCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "script categories"

    def __str__(self):
        return self.name


class Script(models.Model):
    """Approved words for a hard situation; [Placeholders] are filled in by the agent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    category = models.ForeignKey(ScriptCategory, on_delete=models.PROTECT, related_name="scripts")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    situation = models.TextField(help_text="When to use this script.")
    body = models.TextField(help_text="The script. Put fill-in parts in [Square Brackets].")
    guidance = models.TextField(blank=True, help_text="Steps to take around the words.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "title"]

    def __str__(self):
        return self.title

    @property
    def placeholders(self) -> list[str]:
        """The distinct placeholder names in the body, in order of first appearance."""
        return list(dict.fromkeys(PLACEHOLDER.findall(self.body)))

    def clean(self):
        if not self.body.strip():
            raise ValidationError({"body": "A script needs some words."})
        stripped = PLACEHOLDER.sub("", self.body)
        if "[" in stripped or "]" in stripped:
            raise ValidationError(
                {
                    "body": "A placeholder is not closed: write each one as [Name], with both brackets."
                }
            )


class FaqCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "FAQ category"
        verbose_name_plural = "FAQ categories"

    def __str__(self):
        return self.name


class FaqEntry(models.Model):
    category = models.ForeignKey(FaqCategory, on_delete=models.PROTECT, related_name="entries")
    question = models.CharField(max_length=200)
    answer = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    related_scripts = models.ManyToManyField(Script, blank=True, related_name="faq_entries")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class Phrase(models.Model):
    """The language bank: short phrases that carry the team's values."""

    text = models.CharField(max_length=300)
    when_to_use = models.CharField(max_length=300)
    value = models.CharField(max_length=60, help_text="The value the phrase expresses.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class CommonMistake(models.Model):
    """A habit that erodes customer trust, and how to avoid it."""

    title = models.CharField(max_length=120)
    why_it_hurts = models.TextField()
    remedy = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Playbook(models.Model):
    """A scenario playbook: how to spot, handle and measure one recurring situation."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField()
    warning_signs = models.TextField(help_text="One sign per line.")
    first_hour = models.TextField(help_text="One step per line.")
    what_to_say = models.TextField()
    script = models.ForeignKey(
        Script, null=True, blank=True, on_delete=models.SET_NULL, related_name="playbooks"
    )
    metrics = models.TextField(help_text="One metric per line.")
    target_outcome = models.TextField()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
