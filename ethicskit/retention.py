"""Retention: the free text of old interactions is cleared, their scores kept; the audit
log's addresses and the sign-in log are removed after `settings.LOG_RETENTION_DAYS`.

It reaches across apps (scores and reviews, checklist answers, the audit log, django-axes'
sign-in records), so it lives on the top floor.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from checklists.models import ChecklistAnswer
from rubrics.models import CoachingComment, Dispute, Evaluation, Interaction, Rating
from teams import audit
from teams.models import AuditEntry

RETENTION_MINIMUM_DAYS = 30
# Required text fields get this note instead of nothing, so the record still reads sensibly.
PURGED_TEXT = "Removed after the retention period."


def _purge_specs():
    """What the purge clears, per model: the path to the interaction, the cleared values, and
    the relations its description needs (descriptions of some rows quote the reference)."""
    return [
        (Interaction, "pk", {"reference": None, "topic": PURGED_TEXT, "summary": ""}, []),
        (Evaluation, "interaction", {"comment": "", "revision_reason": ""}, ["interaction"]),
        (Rating, "evaluation__interaction", {"comment": ""}, ["criterion"]),
        (CoachingComment, "interaction", {"body": PURGED_TEXT}, ["interaction", "author"]),
        (Dispute, "interaction", {"reason": PURGED_TEXT, "resolution_reason": ""}, ["interaction"]),
        # A "no" answer must keep a note (a database constraint), so it gets the marker.
        (ChecklistAnswer, "run__interaction", {"note": PURGED_TEXT}, []),
    ]


@dataclass
class PurgeReport:
    cutoff: datetime
    applied: bool = False
    cleared: dict[str, int] = field(default_factory=dict)  # model label -> rows with text

    @property
    def total(self) -> int:
        return sum(self.cleared.values())


def interactions_purge(*, older_than_days: int, apply: bool = False, now=None) -> PurgeReport:
    """Clear the free text and helpdesk references of interactions that happened more than
    `older_than_days` ago, keeping every score, rating value, status and date.

    Without `apply` nothing changes: the report counts what would be cleared. With it, all of
    it is cleared in one transaction, the same text is blanked out of the audit log's earlier
    entries about those rows, and the purge itself is logged without the text.
    """
    if type(older_than_days) is not int or older_than_days < RETENTION_MINIMUM_DAYS:
        raise ValidationError(
            f"Keep at least {RETENTION_MINIMUM_DAYS} days: disputes and reviews of recent "
            "interactions still need their notes."
        )
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    report = PurgeReport(cutoff=cutoff, applied=apply)
    old = Interaction.objects.filter(occurred_at__lt=cutoff)
    newly_purged: list[int] = []
    with transaction.atomic():
        for model, path, cleared, related in _purge_specs():
            values = {name: _cleared_expression(value) for name, value in cleared.items()}
            rows = model.objects.filter(**{f"{path}__in": old})
            holding_text = Q()
            for name, value in values.items():
                holding_text |= ~Q(**{name: ""}) & ~Q(**{name: value})
            if model is Interaction:
                rows = rows.filter(holding_text).select_for_update()
            else:
                # Their descriptions quote the reference, so their audit entries are redone too.
                rows = rows.filter(holding_text | Q(**{f"{path}__in": newly_purged}))
            before = {
                pk: dict(zip(cleared, texts, strict=True))
                for pk, *texts in rows.values_list("pk", *cleared)
            }
            changed = {
                pk: [
                    name
                    for name, text in texts.items()
                    if text and text != _cleared_value(cleared, name, pk)
                ]
                for pk, texts in before.items()
            }
            changed = {pk: names for pk, names in changed.items() if names}
            if model is Interaction:
                newly_purged = list(changed)
            report.cleared[model._meta.label] = len(changed)
            if not apply or not before:
                continue
            for name, value in values.items():
                # Empty text stays empty; only text that was there is replaced.
                model.objects.filter(pk__in=changed).exclude(**{name: ""}).update(**{name: value})
            audit.redact(model, before, fields=list(cleared), related=related)
            audit.log_changes(
                model.objects.filter(pk__in=changed).select_related(*related).order_by("pk"),
                {
                    pk: {
                        name: [audit.REDACTED, _cleared_value(cleared, name, pk)] for name in names
                    }
                    for pk, names in changed.items()
                },
            )
    return report


def _cleared_expression(value):
    return Concat(Value("purged-"), Cast("pk", CharField())) if value is None else value


def _cleared_value(cleared: dict, name: str, pk: int) -> str:
    return f"purged-{pk}" if cleared[name] is None else cleared[name]


@dataclass
class LogPurgeReport:
    cutoff: datetime
    applied: bool = False
    # What goes, by kind: "audit addresses" (cleared), "sign-ins", "failed sign-ins" and
    # "sign-in attempts" (rows deleted).
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def logs_purge(*, older_than_days: int | None = None, apply: bool = False, now=None):
    """Remove what the logs keep about people's addresses and sign-ins once it is older than
    `older_than_days` (by default `settings.LOG_RETENTION_DAYS`): the address on audit entries
    (the entries themselves stay), and django-axes' records of sign-ins, failed sign-ins and
    counted attempts. Without `apply` nothing changes: the report counts what would go."""
    days = settings.LOG_RETENTION_DAYS if older_than_days is None else older_than_days
    if type(days) is not int or days < 1:
        raise ValidationError("Keep the logs for at least 1 day.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    report = LogPurgeReport(cutoff=cutoff, applied=apply)
    addresses = AuditEntry.objects.filter(at__lt=cutoff, ip_address__isnull=False)
    sign_in_records = {
        "sign-ins": AccessLog.objects.filter(attempt_time__lt=cutoff),
        "failed sign-ins": AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        "sign-in attempts": AccessAttempt.objects.filter(attempt_time__lt=cutoff),
    }
    with transaction.atomic():
        if apply:
            report.removed["audit addresses"] = addresses.update(ip_address=None)
            for kind, rows in sign_in_records.items():
                report.removed[kind] = rows.delete()[1].get(rows.model._meta.label, 0)
        else:
            report.removed["audit addresses"] = addresses.count()
            for kind, rows in sign_in_records.items():
                report.removed[kind] = rows.count()
    return report
