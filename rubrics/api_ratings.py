"""What a client sends as ratings: a whole number 1-5 (or null for N/A) per criterion of a
rubric version, with an optional comment each (rubrics/api_schema.py states the version in
force in the served schema)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.privacy import validate_no_personal_data
from rubrics.models import RATING_MAX, RATING_MIN, Rubric


class StrictRating(serializers.IntegerField):
    """A whole number 1-5, or null for N/A: no strings, no booleans, no 4.0."""

    def __init__(self, **kwargs):
        super().__init__(min_value=RATING_MIN, max_value=RATING_MAX, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {
            "type": "integer",
            "minimum": RATING_MIN,
            "maximum": RATING_MAX,
            "nullable": True,
        },
    }
)
class RatingsField(serializers.DictField):
    """Criterion key -> rating; at least one (the schema's minProperties)."""


class RatingsInputSerializer(serializers.Serializer):
    ratings = RatingsField(
        child=StrictRating(),
        allow_empty=False,
        help_text="A rating 1-5 per criterion key; null marks N/A where the criterion allows it.",
    )
    comments = serializers.DictField(
        child=serializers.CharField(
            max_length=1000, allow_blank=True, validators=[validate_no_personal_data]
        ),
        required=False,
        default=dict,
        help_text="Optional comment per criterion key; required for a rating of 1 or 2.",
    )

    def validate_ratings(self, ratings):
        """The shape the schema states: exactly the criteria of a rubric version (the schema
        lists the version in force), null only where that version allows N/A. Whether it is
        the version the interaction is scored on is a rule about its data: the service's."""
        rubrics = list(Rubric.objects.prefetch_related("criteria"))
        for rubric in rubrics:
            criteria = {criterion.key: criterion for criterion in rubric.criteria.all()}
            if set(ratings) != set(criteria):
                continue
            no_na = [key for key, value in ratings.items() if value is None]
            no_na = sorted(criteria[key].name for key in no_na if not criteria[key].allows_na)
            if no_na:
                raise serializers.ValidationError(
                    f"Rate these from {RATING_MIN} to {RATING_MAX}; they cannot be N/A: "
                    f"{', '.join(no_na)}."
                )
            return ratings
        if not rubrics:
            return ratings
        keys = [criterion.key for criterion in rubrics[0].criteria.all()]
        raise serializers.ValidationError(
            f"Rate exactly the criteria of rubric v{rubrics[0].version}: {', '.join(keys)}."
        )
