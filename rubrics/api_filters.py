"""Filters of the interactions list beyond people and dates: the exact ticket reference, and
those higher apps add (`register_list_filter`), such as integrations' `?connection=<slug>`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

# A query parameter's name to a function (queryset, checked value) -> queryset.
LIST_FILTERS: dict = {}

PARAMETERS = [
    OpenApiParameter(
        "reference",
        {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[^\\u0000]*$"},
        description="Exactly this ticket reference (case and all), up to 64 characters.",
    ),
    OpenApiParameter(
        "connection",
        OpenApiTypes.STR,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="Only interactions from the helpdesk connection with this slug.",
    ),
]


def register_list_filter(name: str, apply) -> None:
    LIST_FILTERS[name] = apply


def apply(queryset, checked: dict):
    """`queryset` narrowed by the checked query parameters this module knows."""
    if "reference" in checked:
        queryset = queryset.filter(reference=checked["reference"])
    for name, narrow in LIST_FILTERS.items():
        if name in checked:
            queryset = narrow(queryset, checked[name])
    return queryset
