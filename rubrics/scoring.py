"""The scoring engine: how ratings on a weighted rubric become a score. Pure functions,
Decimal throughout; `Rubric.score` and every page, form and API that shows a score use it."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

RATING_MIN = 1
RATING_MAX = 5
# A rating at or below this is low: it needs a comment saying why, it flags the evaluation,
# and it brings up the scripts linked to its criterion.
LOW_RATING = 2


def is_low_rating(value: int | None) -> bool:
    return value is not None and value <= LOW_RATING


def low_rating_comment_error(criterion_name: str, value: int) -> str:
    """The message for a low rating given without a comment."""
    return (
        f"Say briefly why {criterion_name} is rated {value}: a rating of "
        f"{RATING_MIN} or {LOW_RATING} needs a comment."
    )


TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal
    percent: Decimal
    critical_fail: bool


def weighted_score(weighted_ratings: list[tuple[int, int | None, bool]]) -> ScoreResult:
    """Score (weight, rating, critical) triples; a rating of None is N/A and left out.

    score = sum(weight x rating) / sum(weight) over rated criteria, half-up to 2 places (1-5);
    percent = (score - 1) / 4 x 100, half-up to 1 place; a critical criterion rated 1 makes the
    whole evaluation a critical fail, whose percent is 0.
    """
    rated = [
        (weight, rating, critical)
        for weight, rating, critical in weighted_ratings
        if rating is not None
    ]
    if not rated:
        raise ValidationError("Rate at least one criterion: an evaluation cannot be all N/A.")
    total_weight = sum(weight for weight, _, _ in rated)
    raw = Decimal(sum(weight * rating for weight, rating, _ in rated)) / Decimal(total_weight)
    score = raw.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    critical_fail = any(critical and rating == RATING_MIN for _, rating, critical in rated)
    if critical_fail:
        percent = Decimal("0.0")
    else:
        percent = ((score - 1) / 4 * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return ScoreResult(score=score, percent=percent, critical_fail=critical_fail)


def validate_weights(weights: list[int]) -> None:
    """A rubric's weights are whole numbers from 1 to 100 that total exactly 100."""
    if not weights:
        raise ValidationError("A rubric needs at least one criterion.")
    # type() rather than isinstance(): True is an int to Python but not a weight.
    if any(type(weight) is not int or not 1 <= weight <= 100 for weight in weights):
        raise ValidationError("Each weight is a whole number from 1 to 100.")
    if sum(weights) != 100:
        raise ValidationError(f"The weights must total 100; they total {sum(weights)}.")
