"""Schema post-processing: what a client may send, stated from the data in force when the
schema is served (drf-spectacular builds it on each request to /api/schema/)."""

from rubrics.models import RATING_MAX, RATING_MIN, RootCause, Rubric


def _ratings_schema(rubric, criteria, help_text: str) -> dict:
    """Exactly the criteria of `rubric`, each a whole number 1-5; null (N/A) only where the
    criterion allows it."""
    return {
        "type": "object",
        "description": f"{help_text} Every criterion of rubric v{rubric.version} (the version "
        "in force, GET /api/v1/rubric/) and no other key. An interaction scored on an earlier "
        "version is reviewed and calibrated on that version's criteria (else a 422).".strip(),
        "properties": {
            criterion.key: {
                "type": "integer",
                "minimum": RATING_MIN,
                "maximum": RATING_MAX,
                "nullable": criterion.allows_na,
                "description": criterion.name,
            }
            for criterion in criteria
        },
        "required": [criterion.key for criterion in criteria],
        "additionalProperties": False,
    }


def document_data_in_force(result, generator, request, public):
    """`ratings` lists the criteria of the rubric in force; `root_causes` the active slugs.
    Only in the schema served to a client: a schema generated offline (`manage.py spectacular`,
    the deploy checks) reads no data and keeps the general shapes."""
    if request is None:
        return result
    rubric = Rubric.objects.current()
    criteria = list(rubric.criteria.all()) if rubric else []
    slugs = list(RootCause.objects.active().order_by("slug").values_list("slug", flat=True))
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        properties = component.get("properties", {})
        if "ratings" in properties and criteria:
            help_text = properties["ratings"].get("description", "")
            properties["ratings"] = _ratings_schema(rubric, criteria, help_text)
        causes = properties.get("root_causes")
        if causes and causes.get("type") == "array":
            if slugs:
                causes["items"] = {**causes.get("items", {}), "enum": slugs}
            else:
                causes["maxItems"] = 0
    return result
