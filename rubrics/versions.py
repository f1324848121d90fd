"""Rubric versions: a rubric is never edited; every saved change becomes version highest + 1,
and the versions before it stay exactly as they were scored."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from rubrics.models import Criterion, Rubric
from rubrics.scoring import validate_weights

CRITERION_CONTENT = [
    "key",
    "name",
    "description",
    "weight",
    "position",
    "critical",
    "allows_na",
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
