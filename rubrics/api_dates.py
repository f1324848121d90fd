"""The query parameters the interaction list and the team summary share: ids, a date window
(and the list's filters of rubrics/api_filters.py).
A `from` after `to` is an empty window: a rule across two parameters, which the schema cannot
state, is not an error."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class InteractionFilterSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    reference = serializers.CharField(required=False, max_length=64)
    connection = serializers.SlugField(required=False, max_length=50)


DATE_PARAMS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day, inclusive. A `from` after `to` is an empty window, not an error.",
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive."),
]


def date_filters(request) -> dict:
    """?from=&to= (ISO dates) checked as a whole; errors name the parameters the caller sent."""
    raw = {"date_from": request.query_params.get("from"), "date_to": request.query_params.get("to")}
    checked = InteractionFilterSerializer(data={k: v for k, v in raw.items() if v is not None})
    if not checked.is_valid():
        errors = {
            {"date_from": "from", "date_to": "to"}.get(key, key): value
            for key, value in checked.errors.items()
        }
        raise serializers.ValidationError(errors)
    return checked.validated_data
