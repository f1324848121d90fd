"""The rubric and its versions: a rubric is never edited; every saved change becomes version
highest + 1, and the versions before it stay exactly as they were scored."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import Q

from rubrics.scoring import RATING_MAX, RATING_MIN, ScoreResult, validate_weights, weighted_score


class RubricQuerySet(models.QuerySet):
    def current(self):
        """The rubric in force: the highest version number."""
        return self.order_by("-version").first()


class Rubric(models.Model):
    """One version of the interaction rubric. Evaluations point at the version they used."""

    name = models.CharField(max_length=100, default="Interaction rubric")
    version = models.PositiveIntegerField(unique=True)
    notes = models.TextField(blank=True, help_text="What changed in this version and why.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="rubric_version_positive"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def total_weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria.all())

    validate_weights = staticmethod(validate_weights)

    def score(self, ratings: dict[str, int | None]) -> ScoreResult:
        """Score ratings keyed by criterion key (None = N/A) with this version's weights."""
        criteria = {criterion.key: criterion for criterion in self.criteria.all()}
        unknown = set(ratings) - set(criteria)
        if unknown:
            raise ValidationError(
                f"Not criteria of rubric v{self.version}: {', '.join(sorted(unknown))}."
            )
        missing = set(criteria) - set(ratings)
        if missing:
            raise ValidationError(
                f"Every criterion needs a rating; missing: {', '.join(sorted(missing))}."
            )
        triples = []
        for key, rating in ratings.items():
            criterion = criteria[key]
            if rating is None and not criterion.allows_na:
                raise ValidationError(f"{criterion.name} cannot be marked not applicable.")
            if rating is not None and (
                type(rating) is not int or not RATING_MIN <= rating <= RATING_MAX
            ):
                raise ValidationError(
                    f"{criterion.name} must be rated from {RATING_MIN} to {RATING_MAX}."
                )
            triples.append((criterion.weight, rating, criterion.critical))
        return weighted_score(triples)


class Criterion(models.Model):
    """A rated aspect of an interaction, with its weight and what each level 1-5 looks like."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40, help_text="Stable identifier, e.g. 'empathy'.")
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, help_text="What this criterion is about.")
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Whole-number percentage; the weights of a rubric total 100.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    critical = models.BooleanField(
        default=False, help_text="A rating of 1 on a critical criterion fails the whole evaluation."
    )
    allows_na = models.BooleanField(
        default=False, help_text="May be marked not applicable (left out of the score)."
    )
    breach_when_one = models.BooleanField(
        "A breach when rated 1",
        default=False,
        help_text="A review rating of 1 opens a case automatically, linked to the interaction.",
    )
    level_1 = models.TextField("1 — unsatisfactory")
    level_2 = models.TextField("2 — needs improvement")
    level_3 = models.TextField("3 — meets expectations")
    level_4 = models.TextField("4 — strong")
    level_5 = models.TextField("5 — excellent")

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "key"], name="criterion_key_unique_in_rubric"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"

    @property
    def levels(self) -> dict[int, str]:
        return {
            level: getattr(self, f"level_{level}") for level in range(RATING_MIN, RATING_MAX + 1)
        }


CRITERION_CONTENT = [
    "key",
    "name",
    "description",
    "weight",
    "position",
    "critical",
    "allows_na",
    "breach_when_one",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "level_5",
]

# Any constant shared by every process will do; it names the lock below.
VERSION_LOCK_ID = 0x52554252


class RubricUnchanged(ValidationError):
    """The new version would repeat the current one, so none is made."""

    def __init__(self, current: Rubric):
        super().__init__(f"Nothing changed from {current}.")
        self.current = current


class RubricStale(ValidationError):
    """The version the change was made on is no longer the current one."""

    def __init__(self, source: Rubric, current: Rubric):
        super().__init__(
            f"Version {source.version} is no longer current: version {current.version} was "
            f"saved since. Nothing was saved; make your change on version {current.version}."
        )
        self.current = current


def lock_rubric_versions() -> None:
    """Let one save at a time turn into a version, so two admins cannot both take highest + 1.

    Held until the transaction ends. After it, each query sees versions committed meanwhile.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [VERSION_LOCK_ID])


def is_current(rubric: Rubric) -> bool:
    return not Rubric.objects.filter(version__gt=rubric.version).exists()


def _normalized(value):
    # Browsers send textarea line breaks as CRLF; a re-save is not a change.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _content(name: str, notes: str, criteria: list[tuple]) -> tuple:
    rows = sorted(tuple(_normalized(value) for value in row) for row in criteria)
    return _normalized(name), _normalized(notes), rows


def rubric_content(rubric: Rubric) -> tuple:
    """What a version says, for telling whether a save changed anything."""
    return _content(
        rubric.name, rubric.notes, list(rubric.criteria.values_list(*CRITERION_CONTENT))
    )


def validate_criteria(criteria: list[dict]) -> None:
    """A version's criteria: each key once, and weights of 1 to 100 that total 100."""
    errors = []
    keys = [criterion["key"] for criterion in criteria]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        errors.append(
            ValidationError(
                f"Each criterion needs its own key; used more than once: {', '.join(repeated)}."
            )
        )
    try:
        validate_weights([criterion["weight"] for criterion in criteria])
    except ValidationError as error:
        errors.append(error)
    if errors:
        raise ValidationError(errors)


def rubric_version_create(
    *, name: str, notes: str, criteria: list[dict], based_on: Rubric | None = None
) -> Rubric:
    """Save `criteria` (dicts of CRITERION_CONTENT) as the next rubric version.

    `based_on` is the version the change was made on: it must still be current
    (`RubricStale` otherwise). A version that would repeat the current one is not made
    (`RubricUnchanged`). Weights must total 100 and keys be unique. All or nothing.
    """
    with transaction.atomic():
        lock_rubric_versions()
        current = Rubric.objects.current()
        if based_on is not None and current is not None and based_on.pk != current.pk:
            raise RubricStale(based_on, current)
        validate_criteria(criteria)
        rows = [tuple(criterion[field] for field in CRITERION_CONTENT) for criterion in criteria]
        if current is not None and _content(name, notes, rows) == rubric_content(current):
            raise RubricUnchanged(current)
        rubric = Rubric.objects.create(
            name=name, notes=notes, version=(current.version if current else 0) + 1
        )
        for criterion in criteria:
            Criterion(
                rubric=rubric, **{field: criterion[field] for field in CRITERION_CONTENT}
            ).save()
        return rubric
