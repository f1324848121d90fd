"""Small helpers every app's views share."""

import uuid

from django.core.exceptions import ValidationError


def apply_service_errors(error: ValidationError, forms, field_prefix: str = "") -> None:
    """Show a service's ValidationError on the field it names, else atop the first form.

    A service names a field, or a rubric criterion by its key: the rating forms call a
    criterion's fields `<key>` and `comment_<key>`, and some forms `<field_prefix><key>`.
    """
    forms = forms if isinstance(forms, list | tuple) else [forms]
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error.messages)
        return
    for key, field_errors in error.error_dict.items():
        targets = [
            (form, name)
            for form in forms
            for name in (key, f"comment_{key}", f"{field_prefix}{key}")
            if name in form.fields
        ]
        form, name = targets[0] if targets else (forms[0], None)
        form.add_error(name, field_errors)


def int_or_none(raw) -> int | None:
    """A whole number from a query parameter, or None for anything else."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def uuid_or_none(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        return None
