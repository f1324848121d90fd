import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Exists, OuterRef
from simple_history.models import HistoricalRecords

from checklists.models import TriageRequest

PLACEHOLDER = re.compile(r"\[([^\[\]]+)\]")
# Letters first, then letters, digits, spaces, apostrophes or hyphens: "Customer Name", "Case Ref 2".
PLACEHOLDER_NAME = re.compile(r"^[^\W\d_][\w '’-]{0,39}$")
PLACEHOLDER_VALUE_MAX = 200


def parse_placeholders(body: str) -> list[str]:
    """The distinct [Placeholder] names in `body`, in order; refuses unbalanced or odd brackets.

    Errors quote the text around the problem, because a long script makes "line 4" hard to find.
    """
    names: list[str] = []
    start = None
    for position, char in enumerate(body):
        if char == "[":
            if start is not None:
                raise ValidationError(
                    f"The placeholder starting “{_excerpt(body, start)}” is not closed before "
                    "the next “[”: write each one as [Name], and do not put one inside another."
                )
            start = position
        elif char == "]":
            if start is None:
                raise ValidationError(
                    f"There is a “]” with no “[” before it, near “{_excerpt(body, position, back=True)}”."
                )
            name = body[start + 1 : position].strip()
            if not name:
                raise ValidationError("There is an empty placeholder “[]”: give it a name.")
            if not PLACEHOLDER_NAME.match(name):
                raise ValidationError(
                    f"“[{name}]” is not a usable placeholder name: start with a letter and use "
                    "only letters, digits, spaces, apostrophes or hyphens, at most 40 characters."
                )
            if name not in names:
                names.append(name)
            start = None
    if start is not None:
        raise ValidationError(
            f"The placeholder starting “{_excerpt(body, start)}” is never closed: add “]” after its name."
        )
    return names


def _excerpt(body: str, position: int, *, back: bool = False, width: int = 30) -> str:
    text = (
        body[max(0, position - width) : position + 1] if back else body[position : position + width]
    )
    return " ".join(text.split())


class VersionedContent(models.Model):
    """Library content edited in the admin: a version number for optimistic locking.

    Every save counts up, so history rows carry the version they recorded and an admin form can
    tell whether the row changed since it was opened (see `scripts_library.admin`).
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class ScriptCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "script categories"

    def __str__(self):
        return self.name


class ScriptQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Script.Status.PUBLISHED)

    def visible_to(self, user):
        """Admins see drafts too; everyone else (supervisors included) only published words."""
        from teams.access import is_admin

        if not user.is_authenticated:
            return self.none()
        return self if is_admin(user) else self.published()

    def awaiting_acknowledgement_by(self, user):
        """Published scripts whose latest must-read version the user has not confirmed."""
        confirmed = Acknowledgement.objects.filter(
            script=OuterRef("pk"), user=user, version__gte=OuterRef("acknowledgement_version")
        )
        return (
            self.published()
            .filter(acknowledgement_version__isnull=False)
            .exclude(Exists(confirmed))
        )


class Script(VersionedContent):
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
    criterion_keys = ArrayField(
        models.SlugField(max_length=40),
        default=list,
        blank=True,
        help_text="Rubric criteria these words help with, by key, so new rubric versions keep the link.",
    )
    checklist_items = models.ManyToManyField(
        "checklists.ChecklistItem", blank=True, related_name="scripts"
    )
    root_causes = models.ManyToManyField(
        "rubrics.RootCause",
        blank=True,
        related_name="remedy_scripts",
        help_text="Root causes these words remedy; the root cause's page links here.",
    )
    change_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What changed in this version, in a sentence; agents asked to confirm see it.",
    )
    # The version agents must confirm they have read; None when no version asked for it.
    acknowledgement_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScriptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["category__position", "title"]
        indexes = [GinIndex(fields=["criterion_keys"], name="script_criterion_keys")]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def placeholders(self) -> list[str]:
        """The distinct placeholder names in the body, in order of first appearance."""
        return list(dict.fromkeys(name.strip() for name in PLACEHOLDER.findall(self.body)))

    def render(self, values: dict[str, str]) -> str:
        """The script with each [Name] replaced by values[Name]; unfilled ones stay as [Name].

        Values for names the script does not have are refused rather than ignored: they mean the
        form and the script disagree, and a silently dropped value is a wrong script on a call.
        """
        names = set(self.placeholders)
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValidationError(
                f"This script has no placeholder {', '.join(f'[{name}]' for name in unknown)}; "
                f"its placeholders are {', '.join(f'[{name}]' for name in self.placeholders) or 'none'}."
            )
        too_long = sorted(n for n, v in values.items() if len(v or "") > PLACEHOLDER_VALUE_MAX)
        if too_long:
            raise ValidationError(
                f"Keep each value under {PLACEHOLDER_VALUE_MAX} characters ({', '.join(too_long)})."
            )

        def fill(match):
            name = match.group(1).strip()
            value = (values.get(name) or "").strip()
            return value or match.group(0)

        return PLACEHOLDER.sub(fill, self.body)

    def clean(self):
        errors = {}
        if not self.body.strip():
            errors["body"] = "A script needs some words: the body is empty."
        else:
            try:
                parse_placeholders(self.body)
            except ValidationError as error:
                errors["body"] = error.messages
        if self.criterion_keys:
            from rubrics.models import Criterion

            known = set(Criterion.objects.values_list("key", flat=True))
            unknown = sorted(set(self.criterion_keys) - known)
            if unknown:
                errors["criterion_keys"] = f"No rubric has these criteria: {', '.join(unknown)}."
        if errors:
            raise ValidationError(errors)

    def awaits_acknowledgement_from(self, user) -> bool:
        if not self.is_published or self.acknowledgement_version is None:
            return False
        return not self.acknowledgements.filter(
            user=user, version__gte=self.acknowledgement_version
        ).exists()


class Acknowledgement(models.Model):
    """An agent's confirmation that they have read one version of a script."""

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="script_acknowledgements"
    )
    version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["script", "user", "version"], name="one_acknowledgement_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.user} read {self.script} v{self.version}"


class ScriptUse(models.Model):
    """How often a team's agents opened or filled in a script on one day: the home page's
    "used most by your team". Counted per team, never per person."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="uses")
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "script", "day"], name="one_script_use_a_day")
        ]

    def __str__(self):
        return f"{self.script} used {self.count} times by {self.team} on {self.day}"

    @classmethod
    def record(cls, *, script_id: int, user_id: int, day) -> None:
        """Add one use for the user's team, in one statement whatever the day's count already
        is (the team is read in the same statement; a person in no team adds nothing)."""
        from teams.models import Membership

        table, memberships = cls._meta.db_table, Membership._meta.db_table
        with connections[router.db_for_write(cls)].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (team_id, script_id, day, count) "  # noqa: S608
                f"SELECT team_id, %s, %s, 1 FROM {memberships} WHERE user_id = %s "
                "ON CONFLICT (team_id, script_id, day) "
                f"DO UPDATE SET count = {table}.count + 1",
                [script_id, day, user_id],
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


class FaqEntry(VersionedContent):
    category = models.ForeignKey(FaqCategory, on_delete=models.PROTECT, related_name="entries")
    question = models.CharField(max_length=200)
    answer = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    related_scripts = models.ManyToManyField(Script, blank=True, related_name="faq_entries")
    root_causes = models.ManyToManyField(
        "rubrics.RootCause", blank=True, related_name="remedy_faq_entries"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class Phrase(VersionedContent):
    """The language bank: short phrases that carry the team's values."""

    text = models.CharField(max_length=300)
    when_to_use = models.CharField(max_length=300)
    value = models.CharField(max_length=60, help_text="The value the phrase expresses.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class CommonMistake(VersionedContent):
    """A habit that erodes customer trust, and how to avoid it."""

    title = models.CharField(max_length=120)
    why_it_hurts = models.TextField()
    remedy = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    # The tag people put on this mistake when they meet it (reviews, cases, checklist answers).
    root_cause = models.OneToOneField(
        "rubrics.RootCause",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mistake",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Playbook(VersionedContent):
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
    # The triage requests this playbook handles, counted on its page (`TriageRequest.topic`).
    triage_topic = models.CharField(
        max_length=10,
        blank=True,
        choices=[choice for choice in TriageRequest.Topic.choices if choice[0]],
        help_text="Count the triage requests of this kind on the playbook's page.",
    )
    target_change_percent = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="The change in such requests aimed for, quarter on quarter: -10 is 10% fewer.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def warning_sign_list(self) -> list[str]:
        return self._lines(self.warning_signs)

    @property
    def first_hour_steps(self) -> list[str]:
        return self._lines(self.first_hour)

    @property
    def metric_list(self) -> list[str]:
        return self._lines(self.metrics)


class SearchEntry(models.Model):
    """One searchable page of the library, kept in step with its source row on every save.

    One table for every kind lets a single indexed query rank scripts, FAQ answers, phrases,
    mistakes and playbooks against each other.
    """

    class Kind(models.TextChoices):
        SCRIPT = "script", "Scripts"
        FAQ = "faq", "FAQ"
        PHRASE = "phrase", "Language bank"
        MISTAKE = "mistake", "Common mistakes"
        PLAYBOOK = "playbook", "Playbooks"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # The slug for scripts and playbooks, so a result links without another query.
    slug = models.SlugField(max_length=120, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField()
    published = models.BooleanField(default=True)
    document = SearchVectorField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_row"),
        ]
        indexes = [GinIndex(fields=["document"], name="search_entry_document")]
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class SearchWord(models.Model):
    """The lexicon for typo-tolerant search: each distinct word of the library and its trigrams.

    pg_trgm is not available everywhere EthicsKit runs (the embedded PostgreSQL has no contrib
    modules), so trigram similarity is computed here the way pg_trgm does it.
    """

    word = models.CharField(max_length=40, unique=True)
    trigrams = ArrayField(models.CharField(max_length=3))

    class Meta:
        indexes = [GinIndex(fields=["trigrams"], name="search_word_trigrams")]

    def __str__(self):
        return self.word

    @staticmethod
    def trigrams_of(word: str) -> list[str]:
        """pg_trgm's trigrams: lower-cased, two spaces before and one after the word."""
        padded = f"  {word.lower()} "
        return sorted({padded[i : i + 3] for i in range(len(padded) - 2)})
