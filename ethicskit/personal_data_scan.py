"""Stored text that today's privacy guard would refuse: text saved before the guard learnt a
kind of personal data, or written around it (a bulk import, a database console).

Every model field that carries `core.privacy.validate_no_personal_data` is read, so a new
guarded field is scanned without being listed here. It reaches across every app, so it lives
on the top floor. Values are never returned or printed: only tables, fields, kinds and counts.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from core.privacy import redact_personal_data, scan, validate_no_personal_data
from teams import audit

SHORT_MARKER = "[removed]"


def guarded_fields() -> list[tuple[type, list[str]]]:
    """Each concrete model with the names of its fields that the guard stands on."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            each.attname
            for each in model._meta.concrete_fields
            if validate_no_personal_data in getattr(each, "validators", [])
        ]
        if names:
            found.append((model, names))
    return found


@dataclass
class ScanReport:
    redacted: bool = False
    # (model label, field name, kind) -> how many stored values hold that kind.
    found: Counter = field(default_factory=Counter)
    # model label -> rows with anything found.
    rows: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _fitted(model, name: str, value: str) -> str:
    """The redacted value, within the field's length: the short marker in place of each
    finding, or the value cut to length, when the named markers do not fit."""
    max_length = model._meta.get_field(name).max_length
    redacted = redact_personal_data(value)
    if max_length is None or len(redacted) <= max_length:
        return redacted
    return redact_personal_data(value, marker=SHORT_MARKER)[:max_length]


def personal_data_scan(*, redact: bool = False) -> ScanReport:
    """Count the stored values the guard would refuse, by table, field and kind. With `redact`,
    replace each finding by "[removed: <kind>]" in one transaction, and blank the old text out
    of the audit log's earlier entries about those rows."""
    report = ScanReport(redacted=redact)
    with transaction.atomic():
        for model, names in guarded_fields():
            label = model._meta.label
            changed: dict[int, dict[str, str]] = {}
            values = model._base_manager.values_list("pk", *names)
            if redact:
                values = values.select_for_update()
            for pk, *texts in values.iterator(chunk_size=2000):
                for name, text in zip(names, texts, strict=True):
                    if not text:
                        continue
                    findings = scan(text)[1]
                    if not findings:
                        continue
                    for kind in {finding.kind for finding in findings}:
                        report.found[(label, name, kind)] += 1
                    changed.setdefault(pk, {})[name] = _fitted(model, name, text)
            report.rows[label] = len(changed)
            if redact and changed:
                _redact(model, changed)
    return report


def _redact(model, changed: dict[int, dict[str, str]]) -> None:
    for pk, new_values in changed.items():
        model._base_manager.filter(pk=pk).update(**new_values)
    fields = sorted({name for new_values in changed.values() for name in new_values})
    audit.redact(model, list(changed), fields=fields, related=[])
    if model._meta.label in audit.AUDITED_MODELS:
        audit.log_changes(
            model._base_manager.filter(pk__in=list(changed)).order_by("pk"),
            {
                pk: {name: [audit.REDACTED, value] for name, value in new_values.items()}
                for pk, new_values in changed.items()
            },
        )
